"""Sources and citations."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.html import format_html

from tracker.models import (
    Citation,
    Source,
)

from .captures import CaptureFilter, OriginalFilter, SourceEvidence
from .changelists import BigChangelist
from .claims import ClaimInline
from .duplicates import DuplicatesAdmin, SourceAdminForm
from .history import HistoryAdmin


@admin.register(Source)
class SourceAdmin(DuplicatesAdmin, SourceEvidence, HistoryAdmin):
    form = SourceAdminForm  # held when it may be a source already kept (curation/duplicates.py)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "outlet", "kind", "reliability", "published_display", "citation_count", "link", "evidence"]
    list_filter = ["reliability", "kind", CaptureFilter, OriginalFilter, "outlet"]
    search_fields = ["title", "outlet", "author", "url", "notes"]
    date_hierarchy = "published_on"

    def get_queryset(self, request):
        # Aggregating drops Meta.ordering, which pagination needs.
        return (
            super().get_queryset(request).annotate(citation_count=Count("citations")).order_by(*Source._meta.ordering)
        )

    @admin.display(description="published", ordering="published_on")
    def published_display(self, obj):
        return obj.published_display

    @admin.display(description="citations", ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    @admin.display(description="URL")
    def link(self, obj):
        if not obj.link:  # empty, or (stored before the check) not a web address: never an href
            return obj.url or "—"
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">open</a>', obj.link)


@admin.register(Citation)
class CitationAdmin(BigChangelist, HistoryAdmin):
    list_display = ["source", "cited_record", "credibility", "reliability", "quote_start"]
    list_filter = ["credibility", "source__reliability", "source__kind"]
    list_select_related = [
        "source",
        "request__requester",
        "request__supplier",
        "deployment__country",
    ]
    search_fields = ["quote", "source__title", "source__outlet"]
    autocomplete_fields = ["source", "request", "deployment"]
    inlines = [ClaimInline]  # where this source differs from its request (curation/claims.py)

    @admin.display(description="supports")
    def cited_record(self, obj):
        return obj.request or obj.deployment

    @admin.display(description="reliability", ordering="source__reliability")
    def reliability(self, obj):
        return obj.source.reliability

    @admin.display(description="quote")
    def quote_start(self, obj):
        return obj.quote[:90] + ("…" if len(obj.quote) > 90 else "")
