"""The public side of evidence (issue 21): what a record page says of each source's kept copy, and the copy itself.

A record page says when a copy was kept, its SHA-256 and whether the original is gone. The copy (its
text as a page, its WARC file as a download) is the publisher's work: public only where
settings.EVIDENCE_PUBLIC says this instance may share it, and only for a source a published record
cites. Anything else is a 404, so a draft's sources are never seen to exist.
"""

from django.conf import settings
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tracker.evidence.storage import open_kept
from tracker.models import Capture, Source


def with_kept_copies(records):
    """records with each citation's `kept`: its source with_evidence() (kept_at, kept_sha256, gone…).

    One query more per page: for_list() selects the source with its citation, and a select_related
    row cannot carry the evidence annotations.
    """
    return records.prefetch_related(
        Prefetch("citations__source", queryset=Source.objects.with_evidence(), to_attr="kept")
    )


def kept_copy(pk, sha256):
    """The latest copy of source pk whose body hashes to sha256 (the hash its record page shows), or a 404."""
    if not settings.EVIDENCE_PUBLIC:
        raise Http404("Kept copies are not public here.")
    copy = (
        Capture.objects.captured()
        .filter(source_id=pk, sha256=sha256, source__in=Source.objects.cited_publicly())
        .select_related("source")
        .order_by("-fetched_at", "-id")  # the order of Source.with_evidence()'s kept_at
        .first()
    )
    if copy is None:
        raise Http404("No kept copy of a published record's source has this address.")
    return copy


@require_safe
def kept_text(request, pk, sha256):
    return render(request, "tracker/kept_copy.html", {"copy": kept_copy(pk, sha256)})


@require_safe
def kept_warc(request, pk, sha256):
    copy = kept_copy(pk, sha256)
    try:
        file = open_kept(copy.warc)
    except OSError as e:  # missing from the storage: verify_captures names it; the public gets a 404
        raise Http404("The kept file is not in the storage.") from e
    filename = copy.warc.rsplit("/", 1)[-1]  # its own SHA-256 and suffix (.warc.gz)
    return FileResponse(file, as_attachment=True, filename=filename, content_type="application/warc")
