"""Evidence kept for sources: captures of their pages (never overwritten) and checks that the link still works.

A Capture is one attempt to keep a copy of a source's URL: queued, then captured (a WARC file in the
evidence storage, named by its SHA-256, and the page's text), refused (the address or the body is not
fetched, by rule) or failed (the network or the server, after retries). A LinkCheck is one visit to
the original; `gone` is the conclusion after it, so a source's state is its latest check's.
"""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length
from django.dispatch import Signal

from .base import choices_constraint

# sha256__length in the constraints below (Django's documented way to compare a length).
models.CharField.register_lookup(Length)

# Sent by writers that save sources in bulk (imports: no post_save), with sources=[…] and user.
sources_saved = Signal()


class CaptureState(models.TextChoices):
    QUEUED = "queued", "Queued"
    CAPTURED = "captured", "Captured"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class CaptureQuerySet(models.QuerySet):
    def captured(self):
        return self.filter(state=CaptureState.CAPTURED)

    def latest_first(self):
        return self.order_by("-requested_at", "-id")


class Capture(models.Model):
    source = models.ForeignKey("tracker.Source", on_delete=models.CASCADE, related_name="captures")
    url = models.CharField("URL asked", max_length=500)
    state = models.CharField(max_length=10, choices=CaptureState.choices, default=CaptureState.QUEUED)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    job = models.ForeignKey("tracker.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    fetched_at = models.DateTimeField(null=True, blank=True, help_text="When the last attempt fetched.")
    final_url = models.TextField("final URL", blank=True, help_text="After redirects.")
    redirects = models.JSONField(default=list, blank=True, help_text="[[url, status], …] before the final URL.")
    status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    headers = models.JSONField(default=list, blank=True, help_text="[[name, value], …] as received.")
    content_type = models.CharField(max_length=200, blank=True)
    ip = models.CharField("address connected to", max_length=45, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes of the body, decoded.")
    sha256 = models.CharField("SHA-256 of the body", max_length=64, blank=True)
    warc = models.CharField("WARC file", max_length=200, blank=True, help_text="Name in the evidence storage.")
    warc_sha256 = models.CharField("SHA-256 of the WARC file", max_length=64, blank=True)
    warc_size = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True, help_text="From the page's metadata.")
    author = models.CharField(max_length=300, blank=True, help_text="From the page's metadata.")
    page_date = models.CharField(max_length=40, blank=True, help_text="The page's own date, from its metadata.")
    text = models.TextField(blank=True, help_text="The page's main text.")
    text_note = models.CharField(max_length=300, blank=True, help_text="Why there is no text, when there is none.")
    tool = models.CharField(max_length=200, blank=True, help_text="What fetched and extracted, with versions.")
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text="The last attempt's error, or why it was refused.")

    objects = CaptureQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["source", "state", "-fetched_at"], name="capture_source_state"),
            models.Index(fields=["sha256"], name="capture_sha256"),
        ]
        constraints = [
            choices_constraint("state", CaptureState, "capture_state_valid"),
            models.CheckConstraint(
                condition=~Q(state=CaptureState.CAPTURED)
                | (
                    Q(fetched_at__isnull=False, size__isnull=False, warc_size__isnull=False)
                    & Q(sha256__length=64, warc_sha256__length=64)
                    & ~Q(warc="")
                ),
                name="capture_captured_is_whole",
                violation_error_message="A captured copy has its time, size, SHA-256 and WARC file.",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[CaptureState.REFUSED, CaptureState.FAILED]) | ~Q(error=""),
                name="capture_failure_has_reason",
                violation_error_message="A refused or failed capture says why.",
            ),
        ]

    def __str__(self):
        return f"Capture #{self.pk} of {self.url} ({self.get_state_display().lower()})"

    @property
    def short_hash(self):
        return self.sha256[:12]


class LinkOutcome(models.TextChoices):
    ONLINE = "online", "Online"
    MISSING = "missing", "Not found (404 or 410)"
    UNSURE = "unsure", "No answer that counts (403, 429, 5xx, timeout, refused)"


class LinkCheckQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-checked_at", "-id")


class LinkCheck(models.Model):
    """One visit to a source's original URL. gone: the conclusion after it (two 404/410 a day apart)."""

    source = models.ForeignKey("tracker.Source", on_delete=models.CASCADE, related_name="link_checks")
    url = models.CharField("URL checked", max_length=500)
    checked_at = models.DateTimeField()
    status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=LinkOutcome.choices)
    error = models.TextField(blank=True)
    gone = models.BooleanField(default=False, help_text="The original is no longer online, as of this check.")

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["source", "-checked_at", "-id"], name="linkcheck_source_latest")]
        constraints = [
            choices_constraint("outcome", LinkOutcome, "linkcheck_outcome_valid"),
            models.CheckConstraint(
                # An unsure answer (a 503) keeps the conclusion before it; only a page found ends "gone".
                condition=Q(gone=False) | ~Q(outcome=LinkOutcome.ONLINE),
                name="linkcheck_gone_never_online",
                violation_error_message="A link found online is not gone.",
            ),
        ]

    def __str__(self):
        return f"{self.url} on {self.checked_at:%Y-%m-%d}: {self.get_outcome_display()}"


def evidence_annotations():
    """Per source: the latest kept copy (time and hash) and, if the original is gone, when that was last seen."""
    kept = Capture.objects.filter(source=OuterRef("pk"), state=CaptureState.CAPTURED).order_by("-fetched_at", "-id")
    last_check = LinkCheck.objects.filter(source=OuterRef("pk")).order_by("-checked_at", "-id")
    return {
        "kept_at": Subquery(kept.values("fetched_at")[:1]),
        "kept_sha256": Subquery(kept.values("sha256")[:1]),
        "last_checked_at": Subquery(last_check.values("checked_at")[:1]),
        "gone": Subquery(last_check.values("gone")[:1], output_field=models.BooleanField()),
    }
