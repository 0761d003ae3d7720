"""Countries and the other parties to a deal: ISO 3166-1 states, former and unrecognised states, non-state
parties, international organisations and the unknown party."""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse

from .base import choices_constraint


class CountryKind(models.TextChoices):
    """What a party is. Only a state has ISO 3166-1 codes (constraint `country_kind_matches_iso_codes`)."""

    STATE = "state", "ISO 3166-1 state"
    FORMER_STATE = "former_state", "Former state"
    UNRECOGNISED_STATE = "unrecognised_state", "Unrecognised or partly recognised state"
    NON_STATE = "non_state", "Non-state party"
    ORGANISATION = "organisation", "International organisation"
    UNKNOWN = "unknown", "Unknown party"


class CountryQuerySet(models.QuerySet):
    def states(self):
        return self.filter(iso2__isnull=False)

    def public(self):
        """What the public side knows: every ISO state, and any other party once it is in public use."""
        return self.filter(Q(iso2__isnull=False) | self.in_public_use_condition())

    def in_public_use(self):
        return self.filter(self.in_public_use_condition())

    @staticmethod
    def in_public_use_condition():
        """Named by a published record (asking, asked, deploying, hosting) or the origin of a system in public use.

        A party without ISO code made or used only for drafts stays unknown to the public (its page is a 404,
        filters refuse it): its name alone would tell what curators are working on.
        """
        requests = apps.get_model("tracker", "ArmsRequest").objects.published()
        deployments = apps.get_model("tracker", "Deployment").objects.published()
        systems = apps.get_model("tracker", "System").objects.in_public_use()
        here = OuterRef("pk")
        return (
            Exists(requests.filter(requester=here))
            | Exists(requests.filter(supplier=here))
            | Exists(deployments.filter(country=here))
            | Exists(deployments.filter(host_country=here))
            | Exists(systems.filter(origin_country=here))
        )


class Country(models.Model):
    """A party to a request or deployment: an ISO 3166-1 state or, without ISO code, one of the other kinds.

    The reference data (tracker/reference.py) holds the ISO states and the parties SIPRI names (former and
    unrecognised states, non-state parties, organisations, unknown suppliers and recipients); curators add
    other non-state parties.
    """

    Kind = CountryKind

    name = models.CharField(max_length=120, help_text="Common short name, e.g. Venezuela.")
    official_name = models.CharField(max_length=200, blank=True, help_text="ISO 3166-1 name.")
    iso2 = models.CharField("ISO alpha-2", max_length=2, null=True, blank=True, unique=True)
    iso3 = models.CharField("ISO alpha-3", max_length=3, null=True, blank=True, unique=True)
    numeric = models.CharField("ISO numeric", max_length=3, blank=True)
    region = models.CharField(max_length=40, blank=True, help_text="UN M49 region, e.g. Americas.")
    subregion = models.CharField(max_length=60, blank=True, help_text="UN M49 sub-region, e.g. South America.")
    kind = models.CharField(
        max_length=20,
        choices=CountryKind.choices,
        default=CountryKind.NON_STATE,
        help_text="Only an ISO 3166-1 state has ISO codes; a party a curator adds is usually a non-state party.",
    )
    notes = models.TextField(blank=True, help_text="For parties without ISO code: what the state, group or body is.")

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
            choices_constraint("kind", CountryKind, "country_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=CountryKind.STATE, iso2__isnull=False)
                | (~Q(kind=CountryKind.STATE) & Q(iso2__isnull=True)),
                name="country_kind_matches_iso_codes",
                violation_error_message="An ISO 3166-1 state has its ISO codes; a party of any other kind has none.",
            ),
        ]
        indexes = [models.Index(fields=["region"], name="country_region_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("country-detail", args=[self.code])

    @property
    def code(self):
        """What URLs and filters call it: the ISO alpha-2 code, or the id of a party without one."""
        return self.iso2 or str(self.pk)
