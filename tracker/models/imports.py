"""The log of imports: every run, dry or real, with who, which file and what it did."""

import datetime
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
        """Without the stored file and the report (its bad rows can be as long as the file)."""
        return self.select_related("user").defer("upload", "report")

    def with_upload_flag(self):
        """Runs without the stored file itself, but with `has_upload`: whether it is still kept."""
        return self.defer("upload").annotate(
            has_upload=models.ExpressionWrapper(models.Q(upload__isnull=False), output_field=models.BooleanField())
        )

    def upload_of(self, pk):
        """The file a dry run kept, as uploaded (bytes), or None once dropped."""
        stored = self.filter(pk=pk).values_list("upload", flat=True).first()
        return None if stored is None else zlib.decompress(stored)

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

    def keep_upload(self, data):
        """Store the file (bytes, as uploaded) compressed: registers shrink to about a fifth."""
        self.upload = zlib.compress(data, 6)

    @property
    def change_reason(self):
        return f"Import #{self.pk}: {self.file_name}"[:100]
