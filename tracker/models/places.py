"""Countries and the other parties to a deal: ISO 3166-1 states, former and unrecognised states, non-state
parties, international organisations and the unknown party."""

import re

from django.apps import apps
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Lower
from django.urls import reverse

from .base import choices_constraint, published_citations, used_by
from .names import key_words, starts_words


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

    def named(self, text):
        """Countries and parties the text names: its ISO alpha-2 or alpha-3 code (VE, ven), or words that each begin
        a word of a name (names_of): "venez", "côte d'iv", "hezbollah", "huthi". Read and matched here, in
        Python, the same on both databases: a few hundred rows, one query, run now. Parties only once in public
        use (as public()), checked only when the text names one. Ordered by name, a code typed whole first."""
        words, code = key_words(text), text.strip().upper()
        if not words:
            return self.none()
        states, parties = [], []
        for pk, iso2, iso3, *names in self.values_list("pk", "iso2", "iso3", "name", "official_name", "notes"):
            if code in (iso2, iso3) or any(starts_words(words, key_words(n)) for n in names_of(*names)):
                (states if iso2 else parties).append(pk)
        found = self.filter(pk__in=states)
        if parties:
            found = self.filter(Q(pk__in=states) | (Q(pk__in=parties) & self.in_public_use_condition()))
        coded = Q(iso2=code) | Q(iso3=code)
        return found.alias(coded=Case(When(coded, then=Value(0)), default=Value(1))).order_by("coded", "name")

    @staticmethod
    def in_public_use_condition():
        """Named by a published record (asking, asked, deploying, hosting) or the origin of a system in public use.

        A party without ISO code made or used only for drafts stays unknown to the public (its page is a 404,
        filters refuse it): its name alone would tell what curators are working on.
        """
        request, deployment = apps.get_model("tracker", "ArmsRequest"), apps.get_model("tracker", "Deployment")
        requests, deployments = published_citations()
        systems = apps.get_model("tracker", "System").objects.in_public_use()
        return (
            used_by(requests, "request__requester", request, "requester")
            | used_by(requests, "request__supplier", request, "supplier")
            | used_by(deployments, "deployment__country", deployment, "country")
            | used_by(deployments, "deployment__host_country", deployment, "host_country")
            | used_by(systems, "origin_country")
        )


def names_of(name, official_name, notes):
    """What a party is called: its name, its ISO name, and SIPRI's names, which the reference data keeps in the
    notes of a party without ISO code ("SIPRI: Houthi rebels (Yemen)*, in older editions Huthi rebels (Yemen)*.")."""
    return [name, official_name, *SIPRI_NAME.findall(notes)]


SIPRI_NAME = re.compile(r"(?:SIPRI: |older editions )([^,.]+?)\*+")


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
