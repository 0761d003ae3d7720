"""Countries, equipment types, systems and people: the vocabulary records point at."""

from django.contrib import admin
from django.db.models import Count

from tracker.models import (
    Country,
    EquipmentType,
    Person,
    System,
)

from .history import HistoryAdmin


class StateFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("state", "ISO 3166-1 state"), ("non-state", "Non-state party")]

    def queryset(self, request, queryset):
        if self.value() == "state":
            return queryset.filter(iso2__isnull=False)
        if self.value() == "non-state":
            return queryset.filter(iso2__isnull=True)
        return queryset


@admin.register(Country)
class CountryAdmin(HistoryAdmin):
    list_display = ["name", "iso2", "iso3", "region", "subregion", "official_name"]
    list_filter = [StateFilter, "region", "subregion"]
    search_fields = ["name", "official_name", "iso2", "iso3"]
    list_per_page = 100

    def get_readonly_fields(self, request, obj=None):
        # ISO codes come from the reference data; only non-state parties are hand-made.
        if obj and obj.iso2:
            return ["iso2", "iso3", "numeric", "official_name", "region", "subregion"]
        return []


@admin.register(EquipmentType)
class EquipmentTypeAdmin(HistoryAdmin):
    list_display = ["name", "slug", "system_count", "description"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(system_count=Count("systems")).order_by("name")

    @admin.display(description="systems", ordering="system_count")
    def system_count(self, obj):
        return obj.system_count


@admin.register(System)
class SystemAdmin(HistoryAdmin):
    list_display = ["designation", "equipment_type", "manufacturer", "origin_country"]
    list_filter = ["equipment_type", ("origin_country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["equipment_type", "origin_country"]
    search_fields = ["designation", "manufacturer", "description"]
    autocomplete_fields = ["origin_country", "equipment_type"]
    prepopulated_fields = {"slug": ["designation"]}


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name", "title", "country"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    search_fields = ["name", "title", "country__name"]
    autocomplete_fields = ["country"]
