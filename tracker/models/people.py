"""The officials who ask and are asked."""

from django.apps import apps
from django.db import models
from django.urls import reverse

from .base import published_citations, used_by
from .names import words_start
from .places import Country


class PersonQuerySet(models.QuerySet):
    def in_public_use(self):
        """Persons a published request names (who asked, who was asked); those only drafts name stay unknown."""
        requests, request = published_citations()[0], apps.get_model("tracker", "ArmsRequest")
        return self.filter(
            used_by(requests, "request__requested_by", request, "requested_by")
            | used_by(requests, "request__addressed_to", request, "addressed_to")
        )

    def named(self, text):
        """Names that each word typed begins a word of: "velasq" finds Ramón Celestino Velásquez (models/names.py)."""
        return self.filter(words_start("name", text))


class Person(models.Model):
    """An official who asks or is asked."""

    name = models.CharField(max_length=160)
    title = models.CharField(max_length=200, blank=True, help_text="As reported, e.g. Transport Minister.")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="people")
    notes = models.TextField(blank=True)

    objects = PersonQuerySet.as_manager()

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
