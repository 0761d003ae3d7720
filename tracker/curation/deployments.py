"""Deployments, edited with their citations."""

from django.contrib import admin

from tracker.models import (
    Citation,
    Deployment,
)

from .changelists import CountryFilter, count_of, year_filter
from .publishing import CitationInline, PublishableAdmin, PublishedFilter


@admin.register(Deployment)
class DeploymentAdmin(PublishableAdmin):
    list_display = [
        "country",
        "what",
        "published",
        "equipment_type",
        "where",
        "start_shown",
        "status",
        "citations_shown",
    ]
    list_display_links = ["country", "what"]
    list_filter = [
        PublishedFilter,
        "status",
        "equipment_type",
        year_filter("start_date", "start year"),
        # Not "region": its choices would be DISTINCT over every deployment (search finds a region).
        ("country", CountryFilter),
        ("host_country", CountryFilter),
    ]
    search_fields = [
        "unit",
        "description",
        "location",
        "region",
        "purpose",
        "notes",
        "internal_notes",
        "external_id",
        "country__name",
        "host_country__name",
        "system__designation",
    ]
    autocomplete_fields = ["country", "host_country", "equipment_type", "system"]
    inlines = [CitationInline]
    fieldsets = [
        (None, {"fields": ["country", ("equipment_type", "system"), "unit", "description", "status", "published"]}),
        ("How many", {"fields": [("quantity", "personnel")]}),
        ("Where", {"fields": ["location", "region", "host_country", ("latitude", "longitude", "location_precision")]}),
        ("When", {"fields": [("start_date", "start_precision"), ("end_date", "end_precision")]}),
        ("Why and notes", {"fields": ["purpose", "notes", "internal_notes"]}),
        ("Record", {"fields": ["external_id", "created_at", "published_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("country", "host_country", "equipment_type", "system")
            .annotate(citation_count=count_of(Citation, "deployment"))
        )

    @admin.display(description="unit or description")
    def what(self, obj):
        return obj.unit or obj.description[:80]

    # One column for the place, so the list fits 1366 px: the place in words, then its host country.
    @admin.display(description="where")
    def where(self, obj):
        place = obj.location or obj.region
        if obj.host_country and place:
            return f"{place} ({obj.host_country})"
        return place or obj.host_country or "-"

    @admin.display(description="start", ordering="start_date")
    def start_shown(self, obj):
        return obj.start_display
