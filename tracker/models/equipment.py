"""What is asked for and deployed: equipment types and specific systems."""

import re
import unicodedata
from collections import defaultdict

from django.apps import apps
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from .base import published_citations, used_by
from .names import spelled_inside, words_start
from .places import Country


class EquipmentType(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('request-list')}?type={self.slug}"


def variant_key(designation):
    """What spellings of one designation share: "A-330 MRTT", "A330 MRTT" and "a330mrtt" -> "a330mrtt"."""
    plain = unicodedata.normalize("NFKD", designation).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "", plain.lower())


def variant_groups(designations):
    """Groups of two or more designations, given as {designation: type id}, that differ only in case, spaces,
    hyphens or accents and have one type: possible duplicates, for a curator to check, never merged here."""
    groups = defaultdict(list)
    for designation, type_id in designations.items():
        groups[(variant_key(designation), type_id)].append(designation)
    return [sorted(group) for group in groups.values() if len(group) > 1]


class SystemQuerySet(models.QuerySet):
    def possible_duplicates(self):
        """Systems whose designation differs from another's of the same type only in case, spaces or hyphens.

        Read in Python: the catalogue of systems is small (thousands) and the key is not SQL on both databases.
        """
        rows = list(self.values_list("pk", "designation", "equipment_type_id"))
        named = {d for group in variant_groups({d: t for _, d, t in rows}) for d in group}
        return self.filter(pk__in=[pk for pk, designation, _ in rows if designation in named])

    def in_public_use(self):
        """Systems a published request asks for or a published deployment uses; the rest the public never sees.

        A system created only for drafts stays unknown (its page is a 404, suggestions and filters
        leave it out) until a published record uses it.
        """
        requests, deployments = published_citations()
        items, deployment = apps.get_model("tracker", "RequestItem"), apps.get_model("tracker", "Deployment")
        return self.filter(
            used_by(requests, "request__items__system", items, "system")
            | used_by(deployments, "deployment__system", deployment, "system")
        )

    def named(self, text):
        """Designations that each word typed begins a word of, or that hold the text typed without its spaces
        and punctuation: "su-30", "su30mk2" and "SU 30 MK2" all find Su-30MK2 (models/names.py)."""
        return self.filter(words_start("designation", text) | spelled_inside("designation", text))


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

    objects = SystemQuerySet.as_manager()

    class Meta:
        ordering = ["designation"]
        constraints = [models.UniqueConstraint(Lower("designation"), name="system_designation_unique_ci")]

    def __str__(self):
        return self.designation

    def get_absolute_url(self):
        return reverse("system-detail", args=[self.slug])
