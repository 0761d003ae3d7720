import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .dates import DatePrecision, format_partial, normalise, normalise_end, partial_date_constraints

# ---------------------------------------------------------------- vocabularies


class Reliability(models.TextChoices):
    """Admiralty (NATO) grade of a source."""

    A = "A", "A: completely reliable"
    B = "B", "B: usually reliable"
    C = "C", "C: fairly reliable"
    D = "D", "D: not usually reliable"
    E = "E", "E: unreliable"
    F = "F", "F: reliability cannot be judged"


class Credibility(models.IntegerChoices):
    """Admiralty (NATO) grade of one piece of information."""

    CONFIRMED = 1, "1: confirmed by other sources"
    PROBABLY_TRUE = 2, "2: probably true"
    POSSIBLY_TRUE = 3, "3: possibly true"
    DOUBTFUL = 4, "4: doubtful"
    IMPROBABLE = 5, "5: improbable"
    CANNOT_JUDGE = 6, "6: truth cannot be judged"


class SourceKind(models.TextChoices):
    NEWS_REPORT = "news", "News report"
    OFFICIAL_STATEMENT = "official", "Official statement"
    LEAKED_DOCUMENT = "leak", "Leaked document"
    DATASET = "dataset", "Dataset"
    RESEARCH = "research", "Research report"
    SOCIAL_MEDIA = "social", "Social media post"
    IMAGERY = "imagery", "Imagery"
    OTHER = "other", "Other"


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


class DeploymentStatus(models.TextChoices):
    ANNOUNCED = "announced", "Announced"
    EN_ROUTE = "en_route", "En route"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


def choices_constraint(field, choices, name, blank=False):
    values = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": values}),
        name=name,
        violation_error_message=f"{field} must be one of: {', '.join(map(str, choices.values))}.",
    )


def non_negative(field, name):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
        name=name,
        violation_error_message=f"{field.replace('_', ' ').capitalize()} cannot be negative.",
    )


# ------------------------------------------------------------------ reference


class CountryQuerySet(models.QuerySet):
    def states(self):
        return self.filter(iso2__isnull=False)


class Country(models.Model):
    """A state from ISO 3166-1, or a non-state party added by a curator (no ISO code)."""

    name = models.CharField(max_length=120, help_text="Common short name, e.g. Venezuela.")
    official_name = models.CharField(max_length=200, blank=True, help_text="ISO 3166-1 name.")
    iso2 = models.CharField("ISO alpha-2", max_length=2, null=True, blank=True, unique=True)
    iso3 = models.CharField("ISO alpha-3", max_length=3, null=True, blank=True, unique=True)
    numeric = models.CharField("ISO numeric", max_length=3, blank=True)
    region = models.CharField(max_length=40, blank=True, help_text="UN M49 region, e.g. Americas.")
    subregion = models.CharField(max_length=60, blank=True, help_text="UN M49 sub-region, e.g. South America.")
    notes = models.TextField(blank=True, help_text="For non-state parties: what the group or alliance is.")

    history = HistoricalRecords()
    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "countries"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="country_name_unique_ci"),
            models.CheckConstraint(
                condition=Q(iso2__isnull=True, iso3__isnull=True) | Q(iso2__isnull=False, iso3__isnull=False),
                name="country_iso_codes_together",
                violation_error_message="A state has both ISO codes; a non-state party has neither.",
            ),
        ]
        indexes = [models.Index(fields=["region"], name="country_region_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("country-detail", args=[self.code])

    @property
    def code(self):
        """What URLs and filters call it: the ISO alpha-2 code, or the id of a non-state party."""
        return self.iso2 or str(self.pk)


class EquipmentType(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('request-list')}?type={self.slug}"


class System(models.Model):
    """A specific weapon system or platform, e.g. Su-30MK2."""

    designation = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    equipment_type = models.ForeignKey(EquipmentType, on_delete=models.PROTECT, related_name="systems")
    manufacturer = models.CharField(max_length=120, blank=True)
    origin_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="systems_designed"
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["designation"]
        constraints = [models.UniqueConstraint(Lower("designation"), name="system_designation_unique_ci")]

    def __str__(self):
        return self.designation

    def get_absolute_url(self):
        return reverse("system-detail", args=[self.slug])


class Person(models.Model):
    """An official who asks or is asked."""

    name = models.CharField(max_length=160)
    title = models.CharField(max_length=200, blank=True, help_text="As reported, e.g. Transport Minister.")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="people")
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="person_unique_name_per_country"),
        ]

    def __str__(self):
        return f"{self.name} ({self.title})" if self.title else self.name

    def get_absolute_url(self):
        return reverse("admin:tracker_person_change", args=[self.pk])


# -------------------------------------------------------------------- sources


class Source(models.Model):
    """One publication or document."""

    outlet = models.CharField(max_length=160, help_text="Publisher or issuing body, e.g. The Washington Post.")
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, blank=True, help_text="How precisely the date is known."
    )
    kind = models.CharField(max_length=10, choices=SourceKind.choices, default=SourceKind.NEWS_REPORT)
    reliability = models.CharField(
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        help_text="Admiralty grade of the source as a whole.",
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "outlet", "title"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_url_unique"),
            choices_constraint("reliability", Reliability, "source_reliability_valid"),
            choices_constraint("kind", SourceKind, "source_kind_valid"),
            *partial_date_constraints("source", "published_on", "published_precision"),
        ]
        indexes = [models.Index(fields=["reliability"], name="source_reliability_idx")]

    def __str__(self):
        return f"{self.outlet}: {self.title}"

    def get_absolute_url(self):
        return reverse("admin:tracker_source_change", args=[self.pk])

    @property
    def published_display(self):
        return format_partial(self.published_on, self.published_precision)

    def clean(self):
        self.published_on = normalise(self.published_on, self.published_precision)


class Citation(models.Model):
    """One claim's link to a source: a request or a deployment, never both."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    request = models.ForeignKey(
        "ArmsRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    deployment = models.ForeignKey(
        "Deployment", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    quote = models.TextField(blank=True, help_text="The sentence(s) in the source that support the claim.")
    location = models.CharField(max_length=120, blank=True, help_text="Page, paragraph or timestamp.")
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices,
        default=Credibility.CANNOT_JUDGE,
        help_text="Admiralty grade of this piece of information.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["credibility", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False, deployment__isnull=True)
                | Q(request__isnull=True, deployment__isnull=False),
                name="citation_cites_exactly_one_record",
                violation_error_message="A citation supports exactly one request or one deployment.",
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6),
                name="citation_credibility_1_to_6",
                violation_error_message="Credibility is graded 1 (confirmed) to 6 (cannot be judged).",
            ),
        ]

    def __str__(self):
        return f"{self.source} [{self.source.reliability}{self.credibility}]"


class PublishableQuerySet(models.QuerySet):
    def cited_condition(self):
        return models.Exists(Citation.objects.filter(**{self.model.citation_field: models.OuterRef("pk")}))

    def published(self):
        """What the public sees: published, and cited (even if a write bypassed validation)."""
        return self.filter(self.cited_condition(), published=True)

    def uncited(self):
        return self.exclude(self.cited_condition())

    def publish(self):
        """Publish each cited draft here, one save each so the history records it.

        Returns (number published, list of drafts refused for lack of a citation).
        """
        refused, published = [], 0
        for obj in self.filter(published=False).annotate(is_cited=self.cited_condition()):
            if not obj.is_cited:
                refused.append(obj)
                continue
            obj.published = True
            obj._change_reason = "Published"
            obj.save(update_fields=["published", "updated_at"])
            published += 1
        return published, refused

    def unpublish(self):
        count = 0
        for obj in self.filter(published=True):
            obj.published = False
            obj._change_reason = "Unpublished"
            obj.save(update_fields=["published", "updated_at"])
            count += 1
        return count


class Publishable(models.Model):
    """Shared by requests and deployments: notes, the published flag and its rule."""

    notes = models.TextField("public notes", blank=True)
    internal_notes = models.TextField(blank=True, help_text="Curators only; never shown publicly.")
    published = models.BooleanField(default=False, help_text="Drafts never show outside the admin.")
    uid = models.UUIDField(
        "record key",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Stable across databases: CSV exports carry it, so re-importing one updates, never duplicates.",
    )
    external_id = models.CharField(
        max_length=120,
        null=True,
        blank=True,
        unique=True,
        help_text="Stable key from an import or the demo load (e.g. sipri:12345); empty for hand-entered records.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set by an admin form to the number of citations it is about to save, so the
    # rule below sees citations added in the same submission.
    pending_citation_count = None

    class Meta:
        abstract = True

    # Summaries of the (prefetched) citations, for lists and CSV rows.
    def cited_sources(self):
        return list(dict.fromkeys(c.source for c in self.citations.all()))

    @property
    def best_reliability(self):
        return min((c.source.reliability for c in self.citations.all()), default="")

    @property
    def best_credibility(self):
        return min((c.credibility for c in self.citations.all()), default=None)

    def has_citation(self):
        if self.pending_citation_count is not None:
            return self.pending_citation_count > 0
        return self.pk is not None and self.citations.exists()

    def clean(self):
        if self.published and not self.has_citation():
            raise ValidationError(
                {"published": "Cite at least one source before publishing; save it as a draft until then."}
            )


# ------------------------------------------------------------------- requests


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

    def matching(self, text):
        """The ?q= search: every word of text, as a prefix, in the request's search document (tracker/search.py)."""
        from .search import matching  # search.py imports this module

        return self.filter(matching(text, connections[self.db].vendor))

    def refresh_search_text(self):
        """Recompute these requests' search documents, e.g. after writing them in bulk."""
        from .search import refresh_search_text

        return refresh_search_text(self.values_list("pk", flat=True))


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
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.UNKNOWN)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED)
    summary = models.TextField(help_text="Who asked whom for what, in a sentence, as the sources put it.")
    # What ?q= searches, derived from the fields above and the items (tracker/search.py); indexed.
    search_text = models.TextField(blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_text"])
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
        ]
        indexes = [
            models.Index(fields=["date"], name="request_date_idx"),
            models.Index(fields=["status"], name="request_status_idx"),
            models.Index(fields=["published", "date"], name="request_published_date_idx"),
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
    quantity_delivered = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0)], help_text="Empty if not reported."
    )

    history = HistoricalRecords()

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
        ]

    def __str__(self):
        return self.description


# ---------------------------------------------------------------- deployments


class DeploymentQuerySet(PublishableQuerySet):
    def for_list(self):
        return self.select_related("country", "host_country", "equipment_type", "system").prefetch_related(
            models.Prefetch("citations", queryset=Citation.objects.select_related("source"))
        )


class Deployment(Publishable):
    """A country puts assets somewhere."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="deployments", verbose_name="deploying country"
    )
    equipment_type = models.ForeignKey(
        EquipmentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deployments",
        help_text="Empty for a deployment of personnel only.",
    )
    system = models.ForeignKey(System, on_delete=models.PROTECT, null=True, blank=True, related_name="deployments")
    unit = models.CharField(
        "unit or name", max_length=200, blank=True, help_text="e.g. USS Gerald R. Ford carrier strike group."
    )
    description = models.TextField(help_text='What was deployed, in the source\'s words: "thousands of troops".')
    quantity = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0)], help_text="Empty if not reported."
    )
    personnel = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0)], help_text="Empty if not reported."
    )
    location = models.CharField(max_length=200, blank=True, help_text="Where, in words.")
    region = models.CharField(max_length=100, blank=True, help_text="e.g. Caribbean.")
    host_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="deployments_hosted"
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    start_date = models.DateField(null=True, blank=True)
    start_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    end_date = models.DateField(
        null=True, blank=True, help_text="Empty while ongoing; stored as the last day of its month or year."
    )
    end_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    status = models.CharField(max_length=10, choices=DeploymentStatus.choices, default=DeploymentStatus.ANNOUNCED)
    purpose = models.TextField(blank=True, help_text="As stated by the deploying country or the sources.")

    history = HistoricalRecords()
    objects = DeploymentQuerySet.as_manager()

    citation_field = "deployment"

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="deployment_end_not_before_start",
                violation_error_message="A deployment cannot end before it starts.",
            ),
            non_negative("quantity", "deployment_quantity_not_negative"),
            non_negative("personnel", "deployment_personnel_not_negative"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                # Spelled out: a NULL in a comparison would let half a coordinate pass.
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="deployment_coordinates_valid",
                violation_error_message="Coordinates need both latitude (-90…90) and longitude (-180…180).",
            ),
            choices_constraint("status", DeploymentStatus, "deployment_status_valid"),
            *partial_date_constraints("deployment", "start_date", "start_precision"),
            *partial_date_constraints("deployment", "end_date", "end_precision"),
        ]
        indexes = [
            models.Index(fields=["start_date"], name="deployment_start_idx"),
            models.Index(fields=["status"], name="deployment_status_idx"),
            models.Index(fields=["published", "start_date"], name="deployment_published_start_idx"),
        ]

    def __str__(self):
        what = self.unit or self.description[:60]
        return f"{self.country}: {what}"

    def get_absolute_url(self):
        return reverse("deployment-detail", args=[self.pk])

    @property
    def start_display(self):
        return format_partial(self.start_date, self.start_precision)

    @property
    def end_display(self):
        return format_partial(self.end_date, self.end_precision) if self.end_date else "ongoing"

    def clean(self):
        self.start_date = normalise(self.start_date, self.start_precision)
        self.end_date = normalise_end(self.end_date, self.end_precision)
        super().clean()


# -------------------------------------------------------------------- imports


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
