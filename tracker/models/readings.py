"""Readings: an article as the reader read it, its proposals, and what the curator decided about each.

The reader (tracker.reader) proposes; a person accepts or rejects each proposal on the review page
(tracker.curation.reading). Accepted proposals become draft records: nothing here is ever public.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from tracker.dates import DatePrecision, format_partial, partial_date_constraints

from .base import choices_constraint


class ReadingState(models.TextChoices):
    QUEUED = "queued", "Queued"
    READ = "read", "Read: proposals to review"
    ACCEPTED = "accepted", "Reviewed: every proposal decided"
    FAILED = "failed", "Failed"


class Decision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class ReadingQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("user", "source", "job").defer("body", "proposal")


class Reading(models.Model):
    """One article read by the reader: its body and metadata as read, the proposal, the decisions."""

    body = models.TextField(blank=True, help_text="The article's text; every offset counts from its start.")
    title = models.CharField(max_length=300, blank=True)
    outlet = models.CharField(max_length=160, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    published_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    source = models.ForeignKey(
        "tracker.Source",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="readings",
        help_text="Set once a curator confirms it (at once for a URL: its page is captured).",
    )
    proposal = models.JSONField(default=dict, blank=True, help_text="What the reader proposed (read_article --json).")
    # {"request-0": {"decision": "accepted", "record": 12, "by": "edna", "at": "…"}, "deployment-0": …}
    decisions = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=ReadingState.choices, default=ReadingState.QUEUED)
    error = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="readings"
    )
    job = models.ForeignKey("tracker.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="readings")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReadingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_constraint("state", ReadingState, "reading_state_valid"),
            *partial_date_constraints("reading", "published", "published_precision"),
        ]

    def __str__(self):
        return f"Reading #{self.pk}: {self.title or self.url or 'pasted text'}"[:200]

    def get_absolute_url(self):
        return reverse("admin:tracker_reading_change", args=[self.pk])

    @property
    def published_display(self):
        return format_partial(self.published, self.published_precision) if self.published else ""

    def proposals(self):
        """(key, kind, index, proposal, decision or None) for every request, then every deployment proposed."""
        for kind in ("request", "deployment"):
            for index, found in enumerate(self.proposal.get(f"{kind}s", [])):
                key = f"{kind}-{index}"
                yield key, kind, index, found, self.decisions.get(key)

    def undecided(self):
        return [key for key, *_rest, decision in self.proposals() if decision is None]
