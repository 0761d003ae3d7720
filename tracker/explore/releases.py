"""The public side of releases (issue 25): /releases/ lists them with their files, sizes and checksums; a release's
page says how to cite it and serves its files; a record page lists the releases it is in.

Only published releases are seen: one being written, or whose job failed, is a 404 like a draft. Files are read
from the releases storage as they are (FileResponse streams them) and never change: cached for a year.
"""

import datetime

from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from tracker.models import Release

CONTENT_TYPES = {".csv": "text/csv; charset=utf-8", ".jsonl": "application/jsonl; charset=utf-8"}
SITE = "Arms Request Tracker"


def of(kind, record):
    """Context for templates/includes/record_releases.html: the published releases holding the record."""
    return {"releases": list(Release.objects.holding(kind, record.pk))}


@require_safe
def release_list(request):
    releases = Release.objects.published().latest_first()
    return render(request, "tracker/release_list.html", {"releases": releases})


def published(tag):
    return get_object_or_404(Release.objects.published(), tag=tag)


@require_safe
def release_detail(request, tag):
    release = published(tag)
    address = request.build_absolute_uri(reverse("release-detail", args=[release.tag]))
    context = {"release": release, "address": address, **citations(release, address, datetime.date.today())}
    return render(request, "tracker/release_detail.html", context)


def citations(release, address, accessed):
    """How to cite a release: a line of text and a BibTeX entry (@misc, which BibTeX and biblatex both read)."""
    day = release.published_at.date()
    text = (
        f"{SITE}, release {release.tag} (release {release.number}), published {day:%-d %B %Y}. "
        f"{address} (accessed {accessed:%-d %B %Y})."
    )
    key = "arms_request_tracker_" + release.tag.replace("-", "_").replace(".", "_")
    package = release.file("datapackage.json")
    fields = [
        ("title", f"{{{SITE}}}, release {release.tag}"),
        ("author", f"{{{SITE}}}"),
        ("year", str(day.year)),
        ("month", day.strftime("%b").lower()),
        ("version", release.tag),
        ("howpublished", f"\\url{{{address}}}"),
        ("url", address),
        ("urldate", accessed.isoformat()),
        ("note", f"Release {release.number}; datapackage.json SHA-256 {package['sha256'] if package else ''}"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return {"citation_text": text, "bibtex": f"@misc{{{key},\n{body}\n}}\n"}


@require_safe
def release_file(request, tag, name):
    release = published(tag)
    entry = release.file(name)
    if entry is None:
        raise Http404(f"Release {tag} has no file {name!r}.")
    file = storages["releases"].open(f"{release.tag}/{entry['name']}", "rb")
    suffix = name[name.rfind(".") :]
    content_type = CONTENT_TYPES.get(suffix, "application/json; charset=utf-8")
    response = FileResponse(file, content_type=content_type, as_attachment=suffix != ".json", filename=name)
    response["Cache-Control"] = "public, max-age=31536000, immutable"  # never rewritten
    response["ETag"] = f'"{entry["sha256"]}"'
    return response
