"""Arms requests, edited with their items and citations on one page."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Exists, OuterRef

from tracker.models import (
    ArmsRequest,
    Citation,
    EquipmentType,
    RequestItem,
)

from .changelists import BigChangelist, CountryFilter, count_of, year_filter
from .history import HistoryAdmin
from .publishing import CitationInline, PublishableAdmin, PublishedFilter


class ItemTypeFilter(admin.SimpleListFilter):
    """Requests with an item of this type: EXISTS, where filtering through items would
    need DISTINCT over the whole result."""

    title = "item equipment type"
    parameter_name = "item_type"

    def lookups(self, request, model_admin):
        return [(str(t.pk), t.name) for t in EquipmentType.objects.only("name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            pk = int(self.value())
        except ValueError:
            raise IncorrectLookupParameters(f"{self.value()!r} is not an equipment type") from None
        return queryset.filter(Exists(RequestItem.objects.filter(request=OuterRef("pk"), equipment_type=pk)))


class RequestItemInline(admin.TabularInline):
    model = RequestItem
    extra = 1
    autocomplete_fields = ["equipment_type", "system"]
    fields = [
        "equipment_type",
        "system",
        "description",
        "help_kind",
        "hedged",
        "quantity_requested",
        "quantity_delivered",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("equipment_type", "system")


@admin.register(ArmsRequest)
class ArmsRequestAdmin(PublishableAdmin):
    list_display = [
        "requester",
        "supplier",
        "summary_start",
        "published",
        "date_shown",
        "status",
        "item_count",
        "citations_shown",
    ]
    list_display_links = ["requester", "summary_start"]
    list_filter = [
        PublishedFilter,
        "status",
        "channel",
        "date_precision",
        year_filter("date", "year"),
        ItemTypeFilter,
        ("requester", CountryFilter),
        ("supplier", CountryFilter),
    ]
    search_fields = [
        "summary",
        "notes",
        "internal_notes",
        "external_id",
        "requester__name",
        "supplier__name",
        "requester__iso2",
        "supplier__iso2",
        "requested_by__name",
        "addressed_to__name",
        "items__description",
        "items__system__designation",
    ]
    autocomplete_fields = ["requester", "supplier", "requested_by", "addressed_to"]
    inlines = [RequestItemInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["requester", "supplier", "summary", "status", "published"]}),
        ("When and how", {"fields": [("date", "date_precision"), "channel", ("requested_by", "addressed_to")]}),
        ("Notes", {"fields": ["notes", "internal_notes"]}),
        ("Record", {"fields": ["external_id", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        # Counts as correlated subqueries, evaluated for the rows shown, not a GROUP BY over every row.
        return (
            super()
            .get_queryset(request)
            .select_related("requester", "supplier", "requested_by", "addressed_to")
            .annotate(item_count=count_of(RequestItem, "request"), citation_count=count_of(Citation, "request"))
        )

    @admin.display(description="summary")
    def summary_start(self, obj):
        return obj.summary[:90] + ("…" if len(obj.summary) > 90 else "")

    @admin.display(description="date", ordering="date")
    def date_shown(self, obj):
        return obj.date_display

    @admin.display(description="items")  # not sortable, like citations
    def item_count(self, obj):
        return obj.item_count


@admin.register(RequestItem)
class RequestItemAdmin(BigChangelist, HistoryAdmin):
    list_display = [
        "description",
        "request",
        "equipment_type",
        "system",
        "help_kind",
        "hedged",
        "quantity_requested",
        "quantity_delivered",
    ]
    list_filter = ["equipment_type", "help_kind", "hedged"]
    list_select_related = ["request__requester", "request__supplier", "equipment_type", "system"]
    search_fields = ["description", "system__designation", "request__summary"]
    autocomplete_fields = ["request", "equipment_type", "system"]
