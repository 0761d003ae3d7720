"""Making a release: a job (kind "release-make") that freezes every published record into files.

start() queues it (the admin's button, `manage.py make_release`). The job reads everything in one
read-only snapshot (report_transaction: what a CSV download uses, which holds up no writer), writes
each file under a temporary name, hashing as it writes, then CHANGES.csv and datapackage.json, and
publishes the release in one transaction: its spans, its row, its folder renamed into place. A job
that fails or dies leaves no release anyone sees (its row says failed, or building under a dead job).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tracker.explore.reports import report_transaction
from tracker.jobs.kinds import job_kind
from tracker.jobs.runner import start as start_job
from tracker.models import Job, Release, ReleaseStatus

from . import storage
from .changes import PreviousChanged, record_spans, write_changes
from .files import DATA_FILES
from .schema import datapackage

KIND = "release-make"
DEFAULT_BASE_URL = "http://localhost:8000"


class Refused(Exception):
    """A release cannot be made now (another is being written); the message says why."""


def building():
    """Releases being written by a job still queued or running (the others died: failed)."""
    stale = Release.objects.filter(status=ReleaseStatus.BUILDING).exclude(job__state__in=["queued", "running"])
    stale.update(status=ReleaseStatus.FAILED)
    return Release.objects.filter(status=ReleaseStatus.BUILDING)


def start(user=None, base_url=""):
    """Queue a release (refused while one is queued or being written): the job."""
    if Job.objects.filter(kind=KIND).unfinished().exists() or building().exists():
        raise Refused("A release is already being made: wait for it to finish.")
    base_url = settings.RELEASES_BASE_URL or base_url or DEFAULT_BASE_URL
    return start_job(KIND, "Make a release of every published record", user=user, arguments={"base_url": base_url})


def new_tag(day):
    """The day, then .2, .3… for further releases that day; never a tag whose files exist (write-once)."""
    tag, n = day.isoformat(), 1
    while Release.objects.filter(tag=tag).exists() or storage.exists(tag):
        n += 1
        tag = f"{day.isoformat()}.{n}"
    return tag


@job_kind(KIND, "Release: freeze every published record", atomic=False, explained=(Refused, PreviousChanged))
def make(job, progress):
    if building().exclude(job=job).exists():
        raise Refused("Another release is being written.")
    release = Release.objects.create(tag=new_tag(timezone.now().date()), job=job, created_by=job.user)
    folder = storage.partial_folder(release.tag)
    try:
        return write_release(release, folder, job.arguments.get("base_url") or DEFAULT_BASE_URL, progress)
    except BaseException:
        storage.discard(folder)
        Release.objects.filter(pk=release.pk).update(status=ReleaseStatus.FAILED)
        raise


def write_release(release, folder, base_url, progress):
    total = len(DATA_FILES) + 2
    manifest = []
    with report_transaction():  # one snapshot: every file, and which release was the latest
        previous = Release.objects.published().latest_first().first()
        for n, (name, writer) in enumerate(DATA_FILES.items()):
            progress(done=n, total=total, stage=f"Writing {name}", unit="files")
            manifest.append(write_file(folder, name, *writer(base_url)))
        counts = {
            "requests": manifest_rows(manifest, "requests.jsonl"),
            "deployments": manifest_rows(manifest, "deployments.jsonl"),
        }
    progress(done=total - 2, stage="Comparing with the previous release")
    out = storage.HashedFile(folder / "CHANGES.csv")
    try:
        changes = write_changes(out, folder, previous)
    finally:
        entry = out.close()
    manifest.append({**entry, "rows": sum(changes.values())})
    progress(done=total - 1, stage="Writing datapackage.json")
    package = storage.HashedFile(folder / "datapackage.json")
    package.write(datapackage(release, manifest))
    manifest.append({**package.close(), "rows": None})
    with transaction.atomic():
        latest = Release.objects.select_for_update().published().latest_first().first()
        if latest != previous:
            raise Refused(f"Release {latest} was published meanwhile: this one's CHANGES would be wrong.")
        number = (previous.number if previous else 0) + 1
        record_spans(folder / "CHANGES.csv", number)
        storage.publish(folder, release.tag)
        Release.objects.filter(pk=release.pk).update(
            status=ReleaseStatus.PUBLISHED,
            number=number,
            published_at=timezone.now(),
            manifest=manifest,
            **counts,
            **changes,
        )
    progress(done=total, stage="Published", force=True)
    return (
        f"Release {release.tag}: {counts['requests']:,} requests, {counts['deployments']:,} deployments; "
        f"{changes['added']:,} added, {changes['changed']:,} changed, {changes['withdrawn']:,} withdrawn"
    )


def write_file(folder, name, chunks, rows):
    out = storage.HashedFile(folder / name)
    try:
        for part in chunks:
            for chunk in [part] if isinstance(part, str | bytes) else part:
                out.write(chunk)
    finally:
        entry = out.close()
    return {**entry, "rows": rows()}


def manifest_rows(manifest, name):
    return next(entry["rows"] for entry in manifest if entry["name"] == name)
