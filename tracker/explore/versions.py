"""Version pages: /requests/<id>/v/<n>/ and /deployments/<id>/v/<n>/, a record as the public saw it in its n-th
published state (tracker/models/record_versions.py), with a banner naming the current version and what changed,
and "sources differ" where the version's own claims put it, shaped as the record page's (explore/claims.py).

A version's state never changes; the banner does when a newer version is published or the record is withdrawn,
so the ETag is made of what the page depends on (the version, the latest one, whether the record is public)
and a conditional GET is answered after two small queries.
"""

import hashlib

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control

from tracker.dates import format_partial
from tracker.models import ArmsRequest, Deployment
from tracker.models.deliveries import deliveries_text
from tracker.models.record_versions import published_versions, published_versions_of, state_at

from . import cite, claims

KINDS = {
    "request": (ArmsRequest, "tracker/request_detail.html", "r"),
    "deployment": (Deployment, "tracker/deployment_detail.html", "d"),
}
MAX_AGE = 300  # seconds a cache may keep a version page before asking again (its banner may change)
# What the pages show, and so what the banner may say changed: named, so a field added for curators never shows.
REQUEST_FIELDS = (
    "requester",
    "supplier",
    "requested_by",
    "addressed_to",
    "date",
    "date_precision",
    "date_estimated",
    "channel",
    "status",
    "summary",
    "notes",
)
DEPLOYMENT_FIELDS = (
    "country",
    "equipment_type",
    "system",
    "unit",
    "description",
    "quantity",
    "personnel",
    "location",
    "region",
    "host_country",
    "latitude",
    "longitude",
    "location_precision",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "status",
    "purpose",
    "notes",
)
ITEM_FIELDS = (
    "equipment_type",
    "system",
    "description",
    "help_kind",
    "hedged",
    "quantity_requested",
    "quantity_requested_estimated",
    "quantity_delivered",
    "quantity_delivered_estimated",
)
CITATION_FIELDS = ("source", "quote", "location", "credibility")
PRECISION = {"date": "date_precision", "start_date": "start_precision", "end_date": "end_precision"}
SHORT = 80  # longer texts are said to be reworded, not quoted twice


def version_url(kind, pk, number):
    return reverse(f"{kind}-version", args=[pk, number])


def current(request, kind, record):
    """The record page's context: its latest version (None if it has none) and its citation."""
    versions = published_versions(record)
    latest = versions[-1] if versions else None
    return {"record_version": latest, "cite": cite.for_record(request, kind, record, latest)}


def version_page(request, pk, number, kind):
    model, template, name = KINDS[kind]
    versions = published_versions_of(model, pk)
    if not 1 <= number <= len(versions):
        raise Http404(f"This {kind} has no published version {number}.")
    version, latest = versions[number - 1], versions[-1]
    public = model.objects.published().filter(pk=pk).exists()
    tag = f"{kind}|{pk}|{version.version_id}|{latest.version_id}|{public}|{cite.today()}"
    etag = '"' + hashlib.blake2b(tag.encode(), digest_size=12).hexdigest() + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        state = state_at(model, pk, version)
        if state is None:
            raise Http404(f"This {kind} has no published version {number}.")
        newest = state if latest is version else state_at(model, pk, latest)
        context = {
            name: state.record,
            "version": version,
            "latest": latest,
            "public": public,
            "current_url": reverse(f"{kind}-detail", args=[pk]),
            "latest_url": version_url(kind, pk, latest.number),
            "changes": [] if newest is state else changes(state, newest),
            "cite": cite.for_record(request, kind, state.record, version),
            # "sources differ" as the live page shapes it, from the revision's own claims: no query
            "disputes": claims.shaped(state.record, state.claims, state.citations, state.items),
        }
        response = render(request, template, context)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


# ------------------------------------------------------------- what changed


def shown(obj, f):
    """A field's value as the page says it."""
    value = getattr(obj, f.name)
    if value is None or value == "":
        return "not reported"
    if f.name in PRECISION:
        return format_partial(value, getattr(obj, PRECISION[f.name], ""))
    if f.many_to_one:
        return getattr(value, "name", None) or getattr(value, "designation", None) or str(value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def field_changes(old, new, names):
    """["label: old → new"] for each of these fields that differs (long texts: "label reworded")."""
    found = []
    for f in type(old)._meta.concrete_fields:
        if f.name not in names:
            continue
        if getattr(old, f.attname) == getattr(new, f.attname):
            continue
        before, after = shown(old, f), shown(new, f)
        if len(before) > SHORT or len(after) > SHORT:
            found.append(f"{f.verbose_name} reworded")
        else:
            found.append(f"{f.verbose_name}: {before} → {after}")
    return found


def quoted(text, length=60):
    return "“" + (text if len(text) <= length else text[: length - 1] + "…") + "”"


def changes(old, new):
    """What changed from state old to state new, in words: the record's fields, then items, then sources."""
    names = REQUEST_FIELDS if isinstance(old.record, ArmsRequest) else DEPLOYMENT_FIELDS
    said = [line[0].upper() + line[1:] for line in field_changes(old.record, new.record, names)]
    said += row_changes(old.items, new.items, "Item", lambda i: quoted(i.description), item_changes)
    said += row_changes(old.citations, new.citations, "Source", lambda c: quoted(str(c.source.title)), citation_changes)
    return said


def item_changes(old, new):
    found = field_changes(old, new, ITEM_FIELDS)
    before, after = (deliveries_text([d.as_tuple() for d in i.deliveries.all()]) for i in (old, new))
    if before != after:
        found.append(f"deliveries: {before or 'none'} → {after or 'none'}")
    return found


def citation_changes(old, new):
    return field_changes(old, new, CITATION_FIELDS)


def row_changes(old_rows, new_rows, noun, name, differences):
    old, new = {r.pk: r for r in old_rows}, {r.pk: r for r in new_rows}
    said = [f"{noun} added: {name(new[pk])}" for pk in new if pk not in old]
    said += [f"{noun} removed: {name(old[pk])}" for pk in old if pk not in new]
    for pk in sorted(old.keys() & new.keys()):
        if found := differences(old[pk], new[pk]):
            said.append(f"{noun} {name(new[pk])} changed: " + "; ".join(found))
    return said
