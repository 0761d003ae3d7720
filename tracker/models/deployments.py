"""Deployments: a country puts assets somewhere, from a start to an end at their own precisions."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from tracker.dates import DatePrecision, format_partial, normalise, normalise_end, partial_date_constraints

from .base import choices_constraint, non_negative
from .equipment import EquipmentType, System
from .places import Country
from .publishing import Publishable, PublishableQuerySet, first_publication_constraint, first_publication_index
from .search import DEPLOYMENT_FTS_TABLE, narrowed
from .sources import Citation


class DeploymentStatus(models.TextChoices):
    ANNOUNCED = "announced", "Announced"
    EN_ROUTE = "en_route", "En route"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class LocationPrecision(models.TextChoices):
    """How closely a deployment's coordinates place it, finest first (after UCDP GED's where_prec codes).

    A place named only in words ("the Caribbean") is given coordinates only with the precision it has.
    """

    SITE = "site", "Exact site"
    NEAR = "near", "Near a named place (within about 25 km)"
    AREA = "area", "Province or district"
    REGION = "region", "Wide region or sea"


class DeploymentQuerySet(PublishableQuerySet):
    def with_coordinates(self):
        return self.filter(latitude__isnull=False)

    def without_coordinates(self):
        return self.filter(latitude__isnull=True)

    def for_list(self):
        return (
            self.select_related("country", "host_country", "equipment_type", "system")
            .prefetch_related(models.Prefetch("citations", queryset=Citation.objects.select_related("source")))
            .defer("search_text")
        )

    def matching(self, text):
        """The ?q= search: every word of text, as a prefix, in the deployment's search document (models/search.py).

        Reads the first matches now (search.narrowed()): a query, whether or not this queryset is used.
        """
        return narrowed(self, text, DEPLOYMENT_FTS_TABLE)[0]

    def matching_counted(self, text):
        """(matching(text), how many match, counted up to search.FEW + 1; None if text has no words)."""
        return narrowed(self, text, DEPLOYMENT_FTS_TABLE)


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
    location_precision = models.CharField(
        "precision of the coordinates",
        max_length=6,
        choices=LocationPrecision.choices,
        blank=True,
        help_text="How closely the coordinates place it: a base, near a town, a province, a wide region or sea. "
        "Empty without coordinates, or when no source says.",
    )
    start_date = models.DateField(null=True, blank=True)
    start_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    end_date = models.DateField(
        null=True, blank=True, help_text="Empty while ongoing; stored as the last day of its month or year."
    )
    end_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    status = models.CharField(max_length=10, choices=DeploymentStatus.choices, default=DeploymentStatus.ANNOUNCED)
    purpose = models.TextField(blank=True, help_text="As stated by the deploying country or the sources.")
    # What ?q= searches, derived from the fields above, the system and the type (models/search.py); indexed.
    search_text = models.TextField(blank=True, editable=False)

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
            models.CheckConstraint(
                condition=Q(location_precision="") | Q(latitude__isnull=False),
                name="deployment_location_precision_needs_coordinates",
                violation_error_message="A precision qualifies coordinates: give the coordinates too.",
            ),
            choices_constraint(
                "location_precision", LocationPrecision, "deployment_location_precision_valid", blank=True
            ),
            choices_constraint("status", DeploymentStatus, "deployment_status_valid"),
            *partial_date_constraints("deployment", "start_date", "start_precision"),
            *partial_date_constraints("deployment", "end_date", "end_precision"),
            first_publication_constraint("deployment"),
        ]
        indexes = [
            models.Index(fields=["start_date"], name="deployment_start_idx"),
            models.Index(fields=["status"], name="deployment_status_idx"),
            models.Index(fields=["published", "start_date", "id"], name="deployment_published_start_idx"),
            first_publication_index("deployment"),
            models.Index(fields=["country", "start_date", "id"], name="deployment_country_start_idx"),
            models.Index(fields=["host_country", "start_date", "id"], name="deployment_host_start_idx"),
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
