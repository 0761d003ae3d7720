"""Every list as JSON Lines (?format=jsonl, a .jsonl address, or Accept: application/jsonl): one record a line.

As the CSV downloads do (tracker/explore/reports/), in a read-only snapshot that holds up no writer
(report_transaction: REPEATABLE READ READ ONLY on PostgreSQL, BEGIN DEFERRED on SQLite): the filtered
ids come in the page's order from one cursor (server-side on PostgreSQL), and the records' JSON,
written by the database (records.py), a chunk of ids at a time. Memory stays flat whatever the number
of rows. A failure after the first line cuts the connection, so a client never takes a short file
for a whole one. The ETag is the lines' hash (tracker/api/freshness.py).
"""

import json
import logging
import re

from django.http import HttpResponse, StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from tracker.explore.reports import filename_for
from tracker.explore.reports.streaming import CHUNK as CHUNK  # what views read python_lines objects by
from tracker.explore.reports.streaming import chunks, in_report_transaction

from . import records as records_module

MEDIA_TYPE = "application/jsonl"
logger = logging.getLogger(__name__)


class JSONLinesRenderer(BaseRenderer):
    """Lets DRF accept ?format=jsonl and Accept: application/jsonl. Lists stream their rows themselves;
    what reaches render() (a record, an error) is one line."""

    media_type = MEDIA_TYPE
    format = "jsonl"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return line(data).encode()


def python_lines(objects, render):
    """Small lists (countries, systems): each object rendered in Python, a chunk at a time."""
    for chunk in chunks(objects):
        yield "".join(line(render(obj)) for obj in chunk).encode()


def line(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def records_body(records, queryset, keys):
    """The records' lines: their ids as the sorted query yields them, their JSON a chunk of ids at a time."""
    for ids in chunks(records.sorted_ids(queryset, keys), size=records_module.CHUNK):
        yield records.lines(ids)


def guarded(name, body):
    """The body as it comes; a failure is logged and raised again, so the server cuts the connection."""
    try:
        yield from body
    except Exception:
        logger.exception("JSON Lines download %s failed; the connection is cut", name)
        raise


class ChangedWhileStreaming(Exception):
    pass


def verified(body, validators):
    """The body, hashed as it streams, its last chunk held back until it matches the ETag already sent."""
    hasher, held = validators.hasher(), None
    for chunk in body:
        hasher.update(chunk)
        if held:
            yield held
        held = chunk
    if '"' + hasher.hexdigest() + '"' != validators.etag:
        validators.forget()
        raise ChangedWhileStreaming("the data changed between the ETag's reading and the download's")
    if held:
        yield held


def download(request, kind, filterset, make_body, using, validators):
    """The streaming response, read in one snapshot of `using`, or the 304 its ETag allows.

    make_body() gives the lines. An ETag not known at this data version (see freshness) is their hash,
    read once before the response starts: the ETag must be in the headers, before the first line.
    """
    name = re.sub(r"\.csv$", ".jsonl", filename_for(kind, filterset)) if filterset else f"{kind}.jsonl"
    if validators.etag is None:
        hasher = validators.hasher()
        for chunk in in_report_transaction(make_body(), using):
            hasher.update(chunk)
        validators.settle(hasher)
        unchanged = validators.not_modified(request)
        if unchanged is not None:
            return unchanged
    if request.method == "HEAD":
        response = HttpResponse(content_type=f"{MEDIA_TYPE}; charset=utf-8")
    else:
        body = in_report_transaction(guarded(name, verified(make_body(), validators)), using)
        response = StreamingHttpResponse(body, content_type=f"{MEDIA_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return validators.stamp(response)
