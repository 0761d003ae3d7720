"""The officials who ask and are asked."""

from django.db import models
from django.urls import reverse

from .places import Country


class Person(models.Model):
    """An official who asks or is asked."""

    name = models.CharField(max_length=160)
    title = models.CharField(max_length=200, blank=True, help_text="As reported, e.g. Transport Minister.")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="people")
    notes = models.TextField(blank=True)

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
