"""Capturing a source's page as a background job: every save of a source with a new URL asks for one.

A capture is one row, never overwritten: queued, then captured, refused (by rule: the address, the
size, the scheme; retrying changes nothing) or failed (the network or the server answered 429/5xx
on every attempt, or 4xx). Network failures go back to the queue with the jobs' backoff
(tracker/jobs/runner.py) until EVIDENCE_MAX_ATTEMPTS; each attempt's error stays on the row.
"""

import tempfile

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from tracker.jobs.kinds import job_kind
from tracker.jobs.runner import start
from tracker.models import Capture, CaptureState, Source
from tracker.models.evidence import sources_saved

from . import links, storage
from .extract import TOOL as EXTRACTOR
from .extract import main_text
from .fetch import fetch
from .warc import SOFTWARE, write_warc

TRY_AGAIN = {408, 425, 429, 500, 502, 503, 504}


class NetworkTrouble(Exception):
    """The network or the server failed this attempt: worth another, later."""


class NotCaptured(Exception):
    """The server answered, but not with the page (a 4xx): no retry, the capture says why."""


def request_capture(source, user=None):
    """Queue a capture of the source's URL now; returns the Capture."""
    capture = Capture.objects.create(source=source, url=source.url, requested_by=user)
    job = start("evidence-capture", f"Capture {source.url}", user=user, arguments={"capture": capture.pk})
    Capture.objects.filter(pk=capture.pk).update(job=job)
    capture.job = job
    return capture


def capture_new_urls(sources, user=None):
    """Queue a capture for each source whose current URL has never been asked for; returns how many."""
    if not settings.EVIDENCE_CAPTURE:
        return 0
    wanted = {s.pk: s for s in sources if s.url and s.pk}
    asked = set(Capture.objects.filter(source__in=wanted).values_list("source_id", "url"))
    queued = 0
    for source in wanted.values():
        if (source.pk, source.url) not in asked:
            request_capture(source, user=user)
            queued += 1
    return queued


@receiver(post_save, sender=Source, dispatch_uid="evidence-capture-on-save")
def source_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata writes rows as they were; it asks for nothing
        capture_new_urls([instance])


@receiver(sources_saved, dispatch_uid="evidence-capture-on-bulk-save")
def sources_bulk_saved(sender, sources, user=None, **kwargs):
    capture_new_urls(sources, user=user)


@job_kind(
    "evidence-capture",
    "Evidence: capture a source's page",
    atomic=False,  # each attempt's outcome is kept, failures included
    max_attempts=settings.EVIDENCE_MAX_ATTEMPTS,
    retry_on=(NetworkTrouble,),
    explained=(NetworkTrouble, NotCaptured),
)
def capture_job(job, progress):
    capture = Capture.objects.select_related("source").filter(pk=job.arguments["capture"]).first()
    if capture is None:
        return "The capture was deleted (with its source) before it ran."
    progress(stage=f"Fetching {capture.url}", force=True)
    result = fetch(capture.url)
    try:
        return keep_outcome(job, progress, capture, result)
    finally:
        result.close()


def keep_outcome(job, progress, capture, result):
    last_attempt = job.attempts >= job.max_attempts
    fields = {
        "attempts": job.attempts,
        "fetched_at": result.fetched_at,
        "final_url": result.final_url,
        "redirects": [[hop.url, hop.status] for hop in result.redirects],
        "status": result.status,
        "headers": [list(pair) for pair in result.headers],
        "content_type": result.content_type[:200],
        "ip": result.ip,
        "tool": f"{SOFTWARE}; {EXTRACTOR}",
    }
    links.record_check(capture.source, capture.url, result)
    if result.refused and not result.transient:
        save(capture, state=CaptureState.REFUSED, error=result.refused, **fields)
        return f"Refused: {result.refused}"
    if result.refused or result.status in TRY_AGAIN:
        why = result.refused or f"the server answered {result.status}"
        state = CaptureState.FAILED if last_attempt else CaptureState.QUEUED
        save(capture, state=state, error=f"Attempt {job.attempts} of {job.max_attempts}: {why}", **fields)
        raise NetworkTrouble(why)
    if not 200 <= result.status < 300:
        why = f"the server answered {result.status}, not the page"
        save(capture, state=CaptureState.FAILED, error=why, **fields)
        raise NotCaptured(why)
    progress(stage="Writing the WARC file and the text", force=True)
    kept = keep_copy(result, capture)
    save(capture, state=CaptureState.CAPTURED, error="", **fields, **kept)
    return f"Captured {result.size:,} bytes, SHA-256 {result.sha256[:12]}…"


def keep_copy(result, capture):
    """Write the WARC (to disk, not memory), store it under its hash, extract the text."""
    with tempfile.TemporaryFile() as out:
        write_warc(result, out, filename=f"capture-{capture.pk}.warc.gz")
        name, warc_sha256, warc_size = storage.keep(out, ".warc.gz")
    text = main_text(result)
    return {
        "size": result.size,
        "sha256": result.sha256,
        "warc": name,
        "warc_sha256": warc_sha256,
        "warc_size": warc_size,
        "text": text.text,
        "text_note": text.note,
        "title": text.title,
        "author": text.author,
        "page_date": text.date,
    }


def save(capture, **fields):
    """One UPDATE of a row not yet captured: a kept copy is never overwritten."""
    Capture.objects.filter(pk=capture.pk).exclude(state=CaptureState.CAPTURED).update(**fields)
