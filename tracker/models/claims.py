"""Where sources disagree: what a cited source claims where it differs from its request (issue 25).

A request keeps the curator's preferred value of each field; a Claim on one of its citations says what
that citation's source gives instead: the status, the date (at its precision), or one item's quantity
asked or delivered, exact (low = high) or a range low–high with the source's words kept ("about 60",
"up to 300"). A claim is graded through its citation (source reliability, citation credibility).

A claim's request, its citation's request and its item's request are one: that spans tables, so triggers
check it (migration 0028, named claim_item_of_cited_request), and clean() says the same in a form. SQLite
caveat (as migration 0007's): a migration that makes Django rebuild tracker_claim drops them; make them again.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from tracker.dates import DatePrecision, format_partial, normalise, partial_date_constraints

from .base import choices_constraint
from .requests import ArmsRequest, RequestItem, RequestStatus
from .sources import Citation


class ClaimField(models.TextChoices):
    STATUS = "status", "Status"
    DATE = "date", "Date"
    QUANTITY_ASKED = "quantity_requested", "Quantity asked"
    QUANTITY_DELIVERED = "quantity_delivered", "Quantity delivered"


QUANTITIES = [ClaimField.QUANTITY_ASKED.value, ClaimField.QUANTITY_DELIVERED.value]
ITEM_CHECK = "claim_item_of_cited_request"
OPEN_ENDED = ("at least", "more than", "over ")
ITEM_MESSAGE = "A claim cites a source of its own request, about one of that request's items."


class ClaimQuerySet(models.QuerySet):
    def published(self):
        """Claims of published requests only: a draft's claims never leave the admin."""
        return self.filter(request__published=True)

    def for_export(self):
        """Everything a claims row shows, in one query."""
        return self.select_related("citation__source", "request", "item").order_by(
            "request_id", "field", "item_id", "id"
        )


def disputed_requests():
    """Q: the request has a claim (an EXISTS on the claim's indexed request key, one step per request)."""
    return Q(models.Exists(Claim.objects.filter(request=models.OuterRef("pk"))))


class Claim(models.Model):
    """What one cited source gives for one field of its request (or one item's quantity) that differs."""

    # The citation's request, kept on the claim: the request page edits its claims inline, and "disputed"
    # is one EXISTS on this key. A trigger holds it equal to the citation's (and the item's) request.
    request = models.ForeignKey(ArmsRequest, on_delete=models.CASCADE, related_name="claims")
    citation = models.ForeignKey(
        Citation, on_delete=models.CASCADE, related_name="claims", help_text="The source that says so, graded."
    )
    field = models.CharField(max_length=20, choices=ClaimField.choices)
    item = models.ForeignKey(
        RequestItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="claims",
        help_text="For a quantity: which of the request's items.",
    )
    status = models.CharField(max_length=20, choices=RequestStatus.choices, blank=True)
    date = models.DateField(null=True, blank=True, help_text="First day of the period if only the month or year.")
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    low = models.IntegerField(null=True, blank=True, help_text="The quantity, or the low end of a range.")
    high = models.IntegerField(
        null=True, blank=True, help_text="The high end of a range; the same as low for an exact quantity."
    )
    words = models.CharField(
        max_length=120, blank=True, help_text='The source\'s own words for the value: "about 60", "up to 300".'
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["citation", "field", "item", "id"]
        constraints = [
            choices_constraint("field", ClaimField, "claim_field_valid"),
            choices_constraint("status", RequestStatus, "claim_status_valid", blank=True),
            *partial_date_constraints("claim", "date", "date_precision"),
            models.CheckConstraint(
                condition=Q(field=ClaimField.STATUS, status__gt="") | (~Q(field=ClaimField.STATUS) & Q(status="")),
                name="claim_status_only_for_status",
                violation_error_message="A status claim gives a status; other claims leave the status empty.",
            ),
            models.CheckConstraint(
                condition=Q(field=ClaimField.DATE, date__isnull=False)
                | (~Q(field=ClaimField.DATE) & Q(date__isnull=True)),
                name="claim_date_only_for_date",
                violation_error_message="A date claim gives a date; other claims leave the date empty.",
            ),
            models.CheckConstraint(
                condition=Q(field__in=QUANTITIES, item__isnull=False) & (Q(low__isnull=False) | Q(high__isnull=False))
                | (~Q(field__in=QUANTITIES) & Q(item__isnull=True, low__isnull=True, high__isnull=True)),
                name="claim_quantity_only_for_items",
                violation_error_message=(
                    "A quantity claim names an item and a quantity (low, high or both); "
                    "a status or date claim names neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(low__gte=0),
                name="claim_low_not_negative",
                violation_error_message="A claimed quantity cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=F("high")),
                name="claim_low_not_above_high",
                violation_error_message="The low end of a claimed range cannot be above its high end.",
            ),
            models.CheckConstraint(
                condition=Q(high__isnull=True) | Q(high__gte=0),
                name="claim_high_not_negative",
                violation_error_message="A claimed quantity cannot be negative.",
            ),
            # One value per source per field (per item): a second would be a second citation's.
            models.UniqueConstraint(
                fields=["citation", "field"],
                condition=Q(item__isnull=True),
                name="claim_one_per_field",
                violation_error_message="This citation already has a claim on this field.",
            ),
            models.UniqueConstraint(
                fields=["citation", "field", "item"],
                condition=Q(item__isnull=False),
                name="claim_one_per_item_field",
                violation_error_message="This citation already has a claim on this item's quantity.",
            ),
        ]

    def __str__(self):
        return f"{self.get_field_display()}: {self.value_display}"

    def get_absolute_url(self):
        return self.request.get_absolute_url()

    @property
    def value_display(self):
        """What the source gives, as the page and the CSV write it: its words if kept, else the value."""
        if self.field in (ClaimField.STATUS, ClaimField.DATE):
            if self.field == ClaimField.STATUS:
                value = RequestStatus(self.status).label if self.status in RequestStatus.values else self.status
            else:
                value = format_partial(self.date, self.date_precision)
            return f"{value} (“{self.words}”)" if self.words else value
        if self.words:
            return self.words
        return quantity_display(self.low, self.high)

    def clean(self):
        self.date = normalise(self.date, self.date_precision)
        open_ended = self.words.lower().startswith(OPEN_ENDED)
        if self.field in QUANTITIES and self.low is not None and self.high is None and not open_ended:
            self.high = self.low  # one number is the quantity ("about 60" too); "at least 60" keeps high open
        cited = Citation.objects.filter(pk=self.citation_id).values_list("request_id", flat=True).first()
        if self.request_id is None and cited is not None:
            self.request_id = cited
        if self.citation_id is not None and cited != self.request_id:
            raise ValidationError({"citation": ITEM_MESSAGE})
        if self.item_id is not None:
            owner = RequestItem.objects.filter(pk=self.item_id).values_list("request_id", flat=True).first()
            if owner != self.request_id:
                raise ValidationError({"item": ITEM_MESSAGE})


def quantity_display(low, high):
    if low is None and high is None:
        return ""
    if low is None:
        return f"up to {high:,}"
    if high is None:
        return f"at least {low:,}"
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


def preferred_value(request, field, item=None):
    """The record's own (preferred) value of a field a claim may dispute, as the page writes it."""
    if field == ClaimField.STATUS:
        return request.get_status_display()
    if field == ClaimField.DATE:
        return format_partial(request.date, request.date_precision)
    value = getattr(item, field)
    return "not reported" if value is None else f"{value:,}"
