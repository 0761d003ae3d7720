"""The log of imports: every run, dry or real, with who, which file and what it did."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .base import choices_constraint


class ImportKind(models.TextChoices):
    REQUESTS = "requests", "Requests"
    DEPLOYMENTS = "deployments", "Deployments"


class ImportState(models.TextChoices):
    PREVIEWED = "previewed", "Dry run"
    APPLIED = "applied", "Applied"
    REFUSED = "refused", "Refused: bad rows, nothing changed"


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
    content = models.TextField(blank=True, help_text="The file as read, so a dry run can be applied as previewed.")

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

    @property
    def change_reason(self):
        return f"Import #{self.pk}: {self.file_name}"[:100]
