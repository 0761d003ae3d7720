"""What a curator does with a reading: start one (the reading runs as a job), and decide its proposals.

Accepting writes draft records only (never published): the request and its items, or the deployment,
and a citation of the source quoting the supporting sentences, each record in a revision of its own.
All of one submission is one transaction, taken with the reading's row locked: two curators deciding
the same proposal at once write it once, the second is told who decided it.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tracker.jobs.runner import start
from tracker.models import (
    ArmsRequest,
    Citation,
    Credibility,
    Decision,
    Deployment,
    EquipmentType,
    Reading,
    ReadingState,
    RequestItem,
    Source,
    StagedFile,
    revision,
)
from tracker.reader import article as articles
from tracker.reader import jobs  # noqa: F401  (registers the reader-read kind)

from .reading_claims import chosen_offer, write_claims


def may_read(user):
    """Who may start a reading and decide its proposals: who may add requests and sources (editors)."""
    return user.has_perm("tracker.add_armsrequest") and user.has_perm("tracker.add_source")


def start_reading(data, user):
    """A Reading from the intake form's cleaned data, and its job queued; returns the reading."""
    reading = Reading(user=user, url=data["url"] or "", outlet=data["outlet"], title=data["title"])
    reading.author = data["author"]
    if data["published"]:
        reading.published, reading.published_precision = data["published"]
    staged = None
    with transaction.atomic():
        if data["file"] and Path(data["file"].name).suffix.lower() != ".txt":
            staged = StagedFile.keep(data["file"], user=user)  # a saved page: trafilatura reads it in the job
        elif data["file"] or data["text"]:
            text = data["text"] or data["file"].read().decode("utf-8-sig", errors="replace")
            headed(reading, articles.from_text(text))
        if reading.url:
            reading.source = source_for(reading)
        reading.save()
        title = f"Read {reading.title or reading.url or 'pasted text'}"
        arguments = {"reading": reading.pk, "staged": staged.pk if staged else None}
        reading.job = start("reader-read", title, user=user, arguments=arguments)
        reading.save(update_fields=["job"])
    return reading


def headed(reading, article):
    """The text's body, and its header lines where the curator typed nothing."""
    reading.body = article.body
    for field in ("title", "outlet", "url", "author"):
        limit = Reading._meta.get_field(field).max_length
        setattr(reading, field, (getattr(reading, field) or getattr(article, field))[:limit])
    if reading.published is None and article.published:
        reading.published, reading.published_precision = article.published, article.precision


def source_for(reading):
    """The source of that URL's page (the admin's rule: not again for a tracking parameter), or a new one
    (its save queues the capture of its page)."""
    found = Source.objects.of_page(reading.url)
    if found:
        return found
    host = urlsplit(reading.url).hostname or reading.url
    return Source.objects.create(
        url=reading.url, outlet=(reading.outlet or host)[:160], title=(reading.title or reading.url)[:300]
    )


def decide(reading, review, user):
    """Apply the decisions of a valid review; returns (written, already decided by others: [(label, by)])."""
    with transaction.atomic():
        # An UPDATE first: it locks the row on PostgreSQL and takes SQLite's write lock, so the decisions
        # read next are the committed ones, whoever else is deciding.
        Reading.objects.filter(pk=reading.pk).update(state=F("state"))
        locked = Reading.objects.get(pk=reading.pk)
        chosen = [p for p in review.proposals if p.form.chosen]  # a tab opened earlier sends decided ones too
        taken = [(p.label, locked.decisions[p.key].get("by", "")) for p in chosen if p.key in locked.decisions]
        todo = [p for p in chosen if p.key not in locked.decisions]
        accepted = [p for p in todo if p.form.chosen == Decision.ACCEPTED]
        if accepted:
            locked.source = review.source_form.save()
        grade = review.source_form.cleaned_data.get("credibility") if accepted else None
        stamp = {"by": user.get_username(), "at": timezone.now().strftime("%Y-%m-%d %H:%M UTC")}
        for proposal in todo:
            record = None
            if proposal in accepted:
                with revision(user, f"Accepted from the article reader (reading #{locked.pk})"):
                    record = write(proposal, locked, grade or Credibility.CANNOT_JUDGE, user)
            locked.decisions[proposal.key] = {"decision": proposal.form.chosen, "record": record}
            locked.decisions[proposal.key].update(stamp)
        if not locked.undecided():
            locked.state = ReadingState.ACCEPTED
        locked.save(update_fields=["decisions", "state", "source"])
    return len(todo), taken


def write(proposal, reading, grade, user):
    """The draft record of one accepted proposal and its citation; returns its id."""
    data = proposal.form.cleaned_data
    offer = chosen_offer(proposal, proposal.form.data)
    if offer is not None:  # the article differs from an existing request: its claims there, no new request
        credibility = data.get("credibility") or grade
        return write_claims(offer, reading.source, proposal.quote, proposal.location, credibility)
    notes = f"Proposed by the article reader (reading #{reading.pk}), accepted by {user.get_username()}."
    if proposal.kind == "request":
        people = ", ".join(proposal.found.get("people") or [])
        record = ArmsRequest.objects.create(
            requester_id=data["requester"],
            supplier_id=data["supplier"],
            date=data["date"],
            date_precision=data["date_precision"] or "",
            status=data["status"],
            channel=data["channel"],
            summary=data["summary"],
            internal_notes=notes + (f" People named: {people}." if people else ""),
            published=False,
        )
        types = dict(EquipmentType.objects.values_list("slug", "pk"))
        for item, _found in proposal.items:
            if item.cleaned_data.get("keep"):
                RequestItem.objects.create(
                    request=record,
                    equipment_type_id=types[item.cleaned_data["equipment_type"]],
                    **{k: item.cleaned_data[k] for k in ("system", "description", "help_kind", "hedged")},
                    quantity_requested=item.cleaned_data["quantity_requested"],
                )
    else:
        record = Deployment.objects.create(
            country_id=data["country"],
            description=data["description"],
            location=data["location"],
            status=data["status"],
            internal_notes=notes,
            published=False,
        )
    Citation.objects.create(
        source=reading.source,
        **{proposal.kind: record},
        quote=proposal.quote,
        location=proposal.location[:120],
        credibility=data.get("credibility") or grade,
    )
    return record.pk
