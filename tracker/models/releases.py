"""Releases: dated, immutable freezes of every published record (issue 25), and which records each holds.

A release's files live in the releases storage (tracker/releases/), never rewritten; its row keeps the
manifest (each file's name, bytes, SHA-256 and rows) that `verify_release` checks them against.

Which releases a record is in is kept as spans, not one row per record per release: a span says "this
record was in every release from number `first` to number `last`" (last empty: still in the latest). A
release writes rows only for the records it adds (a new span) or withdraws (a span closed), what its
CHANGES file lists anyway; at 1,000,000 records, a release that changed 1,000 writes 1,000 rows, not
1,000,000, and ten releases cost no more than one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .base import choices_constraint


class ReleaseStatus(models.TextChoices):
    BUILDING = "building", "Being written"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"


class ReleaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ReleaseStatus.PUBLISHED)

    def latest_first(self):
        return self.order_by("-number")

    def holding(self, kind, record_id):
        """The published releases a record (kind "request" or "deployment", its id) is in, newest first."""
        spans = ReleaseSpan.objects.filter(kind=kind, record_id=record_id).values_list("first", "last")
        within = Q(pk__in=[])
        for first, last in spans:
            within |= Q(number__gte=first) & (Q(number__lte=last) if last is not None else Q())
        return self.published().filter(within).latest_first()


class Release(models.Model):
    tag = models.CharField(max_length=20, unique=True, help_text="The day it was made, e.g. 2026-12-06 (then .2…).")
    number = models.PositiveIntegerField(
        null=True, blank=True, unique=True, help_text="1, 2, 3… in the order published; empty until published."
    )
    status = models.CharField(max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.BUILDING)
    created_at = models.DateTimeField(auto_now_add=True, help_text="When its snapshot of the data was read.")
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    job = models.ForeignKey("tracker.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    manifest = models.JSONField(default=list, blank=True, help_text="[{name, bytes, sha256, rows}] of its files.")
    requests = models.PositiveIntegerField(default=0)
    deployments = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-number", "-id"]
        constraints = [
            choices_constraint("status", ReleaseStatus, "release_status_valid"),
            models.CheckConstraint(
                condition=Q(status=ReleaseStatus.PUBLISHED, number__isnull=False, published_at__isnull=False)
                | (~Q(status=ReleaseStatus.PUBLISHED) & Q(number__isnull=True)),
                name="release_published_iff_numbered",
                violation_error_message="A published release has a number and a time; no other release has one.",
            ),
        ]

    def __str__(self):
        return f"Release {self.tag}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("release-detail", args=[self.tag])

    def file(self, name):
        """The manifest's entry for the file name, or None."""
        return next((entry for entry in self.manifest if entry["name"] == name), None)

    @property
    def total_bytes(self):
        return sum(entry["bytes"] for entry in self.manifest)


class ReleaseSpan(models.Model):
    """A record in every published release numbered first to last (last empty: to the latest, still in)."""

    kind = models.CharField(max_length=10, choices=[("request", "request"), ("deployment", "deployment")])
    record_id = models.BigIntegerField()
    first = models.PositiveIntegerField()
    last = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "record_id"], name="releasespan_record")]
        constraints = [
            models.CheckConstraint(
                condition=Q(last__isnull=True) | Q(last__gte=models.F("first")),
                name="releasespan_in_order",
                violation_error_message="A span ends at or after its first release.",
            ),
            # One open span per record: a record is added again only after it was withdrawn.
            models.UniqueConstraint(
                fields=["kind", "record_id"], condition=Q(last__isnull=True), name="releasespan_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.record_id}: releases {self.first} to {self.last or 'now'}"
