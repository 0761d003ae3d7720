"""The log of imports: every run, dry or real, with who, which file and what it did."""

import datetime
import tempfile
import zlib

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .base import choices_constraint


class ImportKind(models.TextChoices):
    REQUESTS = "requests", "Requests"
    DEPLOYMENTS = "deployments", "Deployments"


class ImportState(models.TextChoices):
    PREVIEWED = "previewed", "Dry run"
    APPLIED = "applied", "Applied"
    REFUSED = "refused", "Refused: bad rows, nothing changed"


UPLOAD_KEPT_DAYS = 7  # a dry run's file is kept this long for applying it; then it must be uploaded again


class ImportRunQuerySet(models.QuerySet):
    def for_list(self):
        """Without the stored files and the report."""
        return self.select_related("user").defer("upload", "rejects", "report")

    def with_upload_flag(self):
        """Runs without the stored files themselves, but with `has_upload` and `has_rejects`: whether kept."""
        return self.defer("upload", "rejects").annotate(
            has_upload=models.ExpressionWrapper(models.Q(upload__isnull=False), output_field=models.BooleanField()),
            has_rejects=models.ExpressionWrapper(models.Q(rejects__isnull=False), output_field=models.BooleanField()),
        )

    def upload_of(self, pk):
        """The file a dry run kept, as uploaded, in a temporary file; None once dropped."""
        return self.unpacked(pk, "upload")

    def rejects_of(self, pk):
        """The bad rows a dry run kept (UTF-8, unguarded), in a temporary file; None if it had none."""
        return self.unpacked(pk, "rejects")

    def unpacked(self, pk, name):
        stored = self.filter(pk=pk).values_list(name, flat=True).first()
        if stored is None:
            return None
        out, unzip = tempfile.TemporaryFile(), zlib.decompressobj()  # noqa: SIM115 (the caller reads it)
        view = memoryview(stored)
        for start in range(0, len(view), 2**20):  # never the whole file in memory at once
            out.write(unzip.decompress(view[start : start + 2**20]))
        out.write(unzip.flush())
        out.seek(0)
        return out

    def drop_expired_uploads(self, days=UPLOAD_KEPT_DAYS):
        """Forget the files of dry runs older than `days`; the runs and their reports stay. Returns how many."""
        cutoff = timezone.now() - datetime.timedelta(days=days)
        return self.filter(created_at__lt=cutoff, upload__isnull=False).update(upload=None)


class ImportRun(models.Model):
    """One import of a file, dry run or real: who, when, which file, what it did."""

    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    file_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    file_format = models.CharField(max_length=20, help_text="Detected or forced format.")
    state = models.CharField(max_length=10, choices=ImportState.choices)
    publish = models.BooleanField(default=False, help_text="Imported records published (else drafts).")
    skip_invalid = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True, help_text="Bad rows (line, column, reason) and notes.")
    upload = models.BinaryField(
        null=True,
        editable=False,
        help_text=f"A dry run's file as uploaded, zlib-compressed, so it can be applied as previewed; "
        f"dropped once applied, or after {UPLOAD_KEPT_DAYS} days.",
    )
    rejects = models.BinaryField(
        null=True,
        editable=False,
        help_text="A dry run's bad rows after the file's header, as read (UTF-8), zlib-compressed, to download.",
    )

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_constraint("state", ImportState, "importrun_state_valid"),
            choices_constraint("kind", ImportKind, "importrun_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_state_display()}: {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("admin:tracker_importrun_change", args=[self.pk])

    def keep_upload(self, chunks):
        """Store the file (bytes as uploaded, or their chunks) compressed: registers shrink to about a fifth."""
        self.upload = packed(chunks)

    def keep_rejects(self, chunks):
        self.rejects = packed(chunks)

    @property
    def change_reason(self):
        return f"Import #{self.pk}: {self.file_name}"[:100]


def packed(chunks):
    """Bytes, or an iterable of chunks of bytes, zlib-compressed a chunk at a time."""
    if isinstance(chunks, bytes):
        chunks = [chunks]
    zipper = zlib.compressobj(6)
    return b"".join([*(zipper.compress(chunk) for chunk in chunks), zipper.flush()])
