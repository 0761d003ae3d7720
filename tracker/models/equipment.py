"""What is asked for and deployed: equipment types and specific systems."""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.urls import reverse

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


class SystemQuerySet(models.QuerySet):
    def in_public_use(self):
        """Systems a published request asks for or a published deployment uses; the rest the public never sees.

        A system created only for drafts stays unknown (its page is a 404, suggestions and filters
        leave it out) until a published record uses it.
        """
        requests = apps.get_model("tracker", "ArmsRequest").objects.published()
        deployments = apps.get_model("tracker", "Deployment").objects.published()
        return self.filter(
            Exists(requests.filter(items__system=OuterRef("pk"))) | Exists(deployments.filter(system=OuterRef("pk")))
        )


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
