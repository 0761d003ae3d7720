"""Background jobs as rows a person can see: what, who, when, state, progress, result or error.

The queue itself is django-tasks' database backend (tracker.jobs); this row is what the
admin shows and what makes a job run once: a worker claims it by moving it from queued to
running, keeps a lease on it with a heartbeat, and finishes it only while it still holds it.
"""

import datetime
import tempfile
import zlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .base import choices_constraint, non_negative


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    INTERRUPTED = "interrupted", "Interrupted"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = (JobState.DONE, JobState.FAILED, JobState.INTERRUPTED, JobState.CANCELLED)
JOBS_KEPT_DAYS = 30  # finished jobs older than this are purged (run_jobs does it; docs/curating.md, "Jobs")


class JobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(state__in=[JobState.QUEUED, JobState.RUNNING])

    def lost(self, lease_seconds):
        """Running jobs whose worker has not been heard from within the lease: it died or was killed."""
        cutoff = timezone.now() - datetime.timedelta(seconds=lease_seconds)
        return self.filter(state=JobState.RUNNING, heartbeat_at__lt=cutoff)

    def finished_before(self, days=JOBS_KEPT_DAYS):
        cutoff = timezone.now() - datetime.timedelta(days=days)
        return self.filter(state__in=FINISHED, finished_at__lt=cutoff)


class Job(models.Model):
    kind = models.CharField(max_length=40, help_text="Which work: the function registered under this name.")
    title = models.CharField(max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    arguments = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=12, choices=JobState.choices, default=JobState.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of its worker.")
    worker = models.CharField(max_length=100, blank=True, help_text="The worker running it, or that last ran it.")
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=1)
    run_after = models.DateTimeField(null=True, blank=True, help_text="Not before: a retry's backoff.")
    stage = models.CharField(max_length=100, blank=True, help_text="What it is doing: reading, writing…")
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(null=True, blank=True, help_text="Empty while unknown.")
    unit = models.CharField(max_length=40, default="steps", help_text="What done and total count: rows, deals…")
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True)
    import_run = models.ForeignKey(
        "tracker.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat"),
            models.Index(fields=["user", "-created_at"], name="job_user_created"),
        ]
        constraints = [
            choices_constraint("state", JobState, "job_state_valid"),
            non_negative("done", "job_done_not_negative"),
            models.CheckConstraint(
                condition=Q(attempts__lte=models.F("max_attempts")),
                name="job_attempts_within_limit",
                violation_error_message="A job cannot have run more often than it may.",
            ),
            models.CheckConstraint(
                condition=Q(state__in=FINISHED, finished_at__isnull=False)
                | (~Q(state__in=FINISHED) & Q(finished_at__isnull=True)),
                name="job_finished_iff_finish_time",
                violation_error_message="A finished job has a finish time; an unfinished one has none.",
            ),
            models.CheckConstraint(
                condition=~Q(state=JobState.RUNNING) | Q(started_at__isnull=False, heartbeat_at__isnull=False),
                name="job_running_has_started",
                violation_error_message="A running job has a start time and a heartbeat.",
            ),
        ]

    def __str__(self):
        return f"Job #{self.pk}: {self.title}"

    def get_absolute_url(self):
        return reverse("admin:tracker_job_change", args=[self.pk])

    @property
    def finished(self):
        return self.state in FINISHED

    @property
    def percent(self):
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    def progress_text(self):
        if self.total:
            return f"{self.done:,} of {self.total:,} {self.unit} ({self.percent}%)"
        return f"{self.done:,} {self.unit}" if self.done else ""


STAGED_KEPT_DAYS = 7


class StagedFileQuerySet(models.QuerySet):
    def expired(self, days=STAGED_KEPT_DAYS):
        return self.filter(created_at__lt=timezone.now() - datetime.timedelta(days=days))


class StagedFile(models.Model):
    """A file handed to a job (an upload to check): in the database, so a worker on any machine reads it.

    The job that consumes it deletes it in its own transaction; run_jobs drops any left after a week.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    data = models.BinaryField(help_text="zlib-compressed, a chunk at a time.")

    objects = StagedFileQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

    @classmethod
    def keep(cls, upload, user=None):
        """Store an uploaded file (Django's UploadedFile, or any binary file object), read in chunks."""
        zipper, parts, size = zlib.compressobj(6), [], 0
        chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(2**20), b"")
        for chunk in chunks:
            size += len(chunk)
            parts.append(zipper.compress(chunk))
        parts.append(zipper.flush())
        name = getattr(upload, "name", "") or "upload"
        return cls.objects.create(user=user, name=str(name)[:255], size=size, data=b"".join(parts))

    def open(self):
        """The file as uploaded, in a temporary file (never whole in memory)."""
        out, unzip = tempfile.TemporaryFile(), zlib.decompressobj()  # noqa: SIM115 (the caller reads it)
        view = memoryview(StagedFile.objects.filter(pk=self.pk).values_list("data", flat=True).get())
        for start in range(0, len(view), 2**20):
            out.write(unzip.decompress(view[start : start + 2**20]))
        out.write(unzip.flush())
        out.seek(0)
        return out
