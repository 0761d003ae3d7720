"""Arms requests and their items: who asked whom for what, when, and how it ended."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from tracker.dates import DatePrecision, format_partial, normalise, partial_date_constraints, period_end

from .base import choices_constraint, estimate_has_value, non_negative
from .equipment import EquipmentType, System
from .people import Person
from .places import Country
from .publishing import Publishable, PublishableQuerySet, first_publication_constraint, first_publication_index
from .search import FTS_TABLE, narrowed
from .sources import Citation


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    NEGOTIATING = "negotiating", "Under negotiation"
    AGREED = "agreed", "Agreed"
    PARTLY_DELIVERED = "partly_delivered", "Partly delivered"
    DELIVERED = "delivered", "Delivered"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    UNKNOWN = "unknown", "Unknown"


class Channel(models.TextChoices):
    LETTER = "letter", "Letter"
    MEETING = "meeting", "Meeting"
    VISIT = "visit", "Official visit"
    CALL = "call", "Phone or video call"
    PUBLIC_STATEMENT = "statement", "Public statement"
    DIPLOMATIC_NOTE = "note", "Diplomatic note"
    CONTRACT = "contract", "Contract or order"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not reported"


class HelpKind(models.TextChoices):
    NEW_SUPPLY = "supply", "New supply"
    REPAIR = "repair", "Repair / overhaul"
    UPGRADE = "upgrade", "Upgrade"
    SPARE_PARTS = "spares", "Spare parts"
    MUNITIONS = "munitions", "Munitions"
    TRAINING = "training", "Training"
    COOPERATION = "cooperation", "Cooperation"


class ArmsRequestQuerySet(PublishableQuerySet):
    def involving(self, country):
        return self.filter(Q(requester=country) | Q(supplier=country))

    def asking_for(self, system):
        return self.filter(models.Exists(RequestItem.objects.filter(request=models.OuterRef("pk"), system=system)))

    def for_list(self):
        """Everything a list row, a detail page or a CSV row shows, in a fixed number of queries."""
        return (
            self.select_related("requester", "supplier", "requested_by", "addressed_to")
            .prefetch_related(
                models.Prefetch("items", queryset=RequestItem.objects.select_related("equipment_type", "system")),
                models.Prefetch("citations", queryset=Citation.objects.select_related("source")),
            )
            .defer("search_text")  # never shown, and as long as everything else on the row
        )

    def for_detail(self):
        """for_list(), and each item's deliveries by year (one query more)."""
        return self.for_list().prefetch_related("items__deliveries")

    def possible_duplicates(self, requester, supplier, date=None, precision="", systems=(), source=None, sources=()):
        """Requests that may record the same event: the same pair at an overlapping date (either date unknown
        counts as overlapping), the same requester asking for one of these systems, or one citing this source
        (or one of these sources). The rule for the admin's held save and for the reader's review alike.

        Dates are stored as the first day of their period, so a stored period ends on or after our start
        exactly when its first day is on or after the first day of our start's period at its precision.
        """
        same_pair = Q(requester=requester, supplier=supplier)
        if date is not None:
            start = normalise(date, precision)
            ends_after_start = (
                Q(date_precision=DatePrecision.DAY, date__gte=start)
                | Q(date_precision=DatePrecision.MONTH, date__gte=start.replace(day=1))
                | Q(date_precision=DatePrecision.YEAR, date__gte=start.replace(month=1, day=1))
            )
            end = period_end(start, precision or DatePrecision.DAY)
            same_pair &= Q(date__isnull=True) | (Q(date__lte=end) & ends_after_start)
        # A UNION of ids, each part through an index of its own (requester and date; an item's system; a
        # citation's source): an OR of these in one WHERE scanned every request (0.3 s at 200k).
        found = ArmsRequest.objects.filter(same_pair).order_by().values("pk")
        if systems:
            asked = RequestItem.objects.filter(system__in=systems, request__requester=requester)
            found = found.union(asked.order_by().values("request"))
        sources = [*sources, *([source] if source is not None and source.pk else [])]
        if sources:
            cited = Citation.objects.filter(source__in=sources, request__isnull=False)
            found = found.union(cited.order_by().values("request"))
        return self.filter(pk__in=found)

    def matching(self, text):
        """The ?q= search: every word of text, as a prefix, in the request's search document (models/search.py).

        Reads the first matches now (search.narrowed()): a query, whether or not this queryset is used.
        """
        return narrowed(self, text, FTS_TABLE)[0]

    def matching_counted(self, text):
        """(matching(text), how many match, counted up to search.FEW + 1; None if text has no words)."""
        return narrowed(self, text, FTS_TABLE)


class ArmsRequest(Publishable):
    """The requester country asks the supplier country for something."""

    requester = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="requests_made")
    supplier = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="requests_received",
        verbose_name="asked country",
        help_text="The country asked; it may or may not end up supplying.",
    )
    requested_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="requests_signed"
    )
    addressed_to = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="requests_received"
    )
    date = models.DateField(
        null=True, blank=True, help_text="First day of the period if only the month or year is known."
    )
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    date_estimated = models.BooleanField(
        "date is an estimate",
        default=False,
        db_default=False,
        help_text="The source gives the date as an estimate (SIPRI's ? on the order year).",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.UNKNOWN)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED)
    summary = models.TextField(help_text="Who asked whom for what, in a sentence, as the sources put it.")
    # What ?q= searches, derived from the fields above and the items (models/search.py); indexed.
    search_text = models.TextField(blank=True, editable=False)

    objects = ArmsRequestQuerySet.as_manager()

    citation_field = "request"

    class Meta:
        verbose_name = "arms request"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=F("supplier")),
                name="request_requester_is_not_supplier",
                violation_error_message="A country does not ask itself: requester and asked country differ.",
            ),
            choices_constraint("status", RequestStatus, "request_status_valid"),
            choices_constraint("channel", Channel, "request_channel_valid"),
            *partial_date_constraints("request", "date", "date_precision"),
            estimate_has_value("date", "date_estimated", "request_date_estimate_has_date"),
            first_publication_constraint("request"),
        ]
        indexes = [
            models.Index(fields=["date"], name="request_date_idx"),
            models.Index(fields=["status"], name="request_status_idx"),
            # With the id: PostgreSQL reads the latest in order and stops, where (published, date) made it read
            # every request of the latest date before sorting them by id (600 ms for a system's page at 1M).
            # SQLite's indexes end with the rowid anyway.
            models.Index(fields=["published", "date", "id"], name="request_published_date_idx"),
            first_publication_index("request"),
            # A country's page lists its latest requests on each side: read in order, not sorted (40,000 rows at 1M).
            models.Index(fields=["requester", "date", "id"], name="request_requester_date_idx"),
            models.Index(fields=["supplier", "date", "id"], name="request_supplier_date_idx"),
        ]

    def __str__(self):
        return f"{self.requester} → {self.supplier}: {self.summary[:60]}"

    def get_absolute_url(self):
        return reverse("request-detail", args=[self.pk])

    @property
    def date_display(self):
        return format_partial(self.date, self.date_precision)

    def clean(self):
        self.date = normalise(self.date, self.date_precision)
        super().clean()


class RequestItem(models.Model):
    """One line of a request."""

    request = models.ForeignKey(ArmsRequest, on_delete=models.CASCADE, related_name="items")
    equipment_type = models.ForeignKey(EquipmentType, on_delete=models.PROTECT, related_name="request_items")
    system = models.ForeignKey(System, on_delete=models.PROTECT, null=True, blank=True, related_name="request_items")
    description = models.CharField(
        max_length=500, help_text='What was asked, in the source\'s words: "drones with a range of 1,000 km".'
    )
    help_kind = models.CharField("kind of help", max_length=12, choices=HelpKind.choices, default=HelpKind.NEW_SUPPLY)
    hedged = models.BooleanField(
        default=False, help_text='The source hedges this item ("possibly", "almost certainly").'
    )
    quantity_requested = models.IntegerField(
        "quantity asked", null=True, blank=True, validators=[MinValueValidator(0)], help_text="Empty if not reported."
    )
    quantity_requested_estimated = models.BooleanField(
        "quantity asked is an estimate", default=False, db_default=False, help_text="SIPRI's ? or (50)."
    )
    quantity_delivered = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0)], help_text="Empty if not reported."
    )
    quantity_delivered_estimated = models.BooleanField(
        "quantity delivered is an estimate", default=False, db_default=False, help_text="SIPRI's ? or (50)."
    )

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            non_negative("quantity_requested", "item_quantity_requested_not_negative"),
            non_negative("quantity_delivered", "item_quantity_delivered_not_negative"),
            models.CheckConstraint(
                condition=Q(quantity_requested__isnull=True)
                | Q(quantity_delivered__isnull=True)
                | Q(quantity_delivered__lte=F("quantity_requested")),
                name="item_delivered_not_above_requested",
                violation_error_message="Quantity delivered cannot exceed quantity asked.",
            ),
            choices_constraint("help_kind", HelpKind, "item_help_kind_valid"),
            estimate_has_value("quantity_requested", "quantity_requested_estimated", "item_asked_estimate_has_value"),
            estimate_has_value(
                "quantity_delivered", "quantity_delivered_estimated", "item_delivered_estimate_has_value"
            ),
        ]

    def __str__(self):
        return self.description

    @classmethod
    def from_db(cls, db, field_names, values):
        item = super().from_db(db, field_names, values)
        item._loaded_request_id = item.__dict__.get("request_id")  # what clean() compares a move with
        return item

    def clean(self):
        # Its claims (models/claims.py) are about this request: moved, they would dispute another's figures.
        moved = self.pk is not None and getattr(self, "_loaded_request_id", self.request_id) != self.request_id
        if moved and self.claims.exists():
            raise ValidationError(
                {"request": "Sources dispute this item's quantities here: delete their claims first."}
            )
