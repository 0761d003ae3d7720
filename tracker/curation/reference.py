"""Countries, equipment types, systems and people: the vocabulary records point at."""

from django.contrib import admin
from django.db.models import Case, Count, IntegerField, Value, When

from tracker.models import (
    Country,
    EquipmentType,
    Person,
    System,
)

from .history import HistoryAdmin


@admin.register(Country)
class CountryAdmin(HistoryAdmin):
    list_display = ["name", "kind", "iso2", "iso3", "region", "subregion", "official_name"]
    list_filter = ["kind", "region", "subregion"]
    search_fields = ["name", "official_name", "iso2", "iso3", "notes"]
    list_per_page = 100

    def get_search_results(self, request, queryset, search_term):
        """Names that start with the term first: typing "Cuba" offers Cuba before "Anti-Castro rebels (Cuba)".

        The changelist sorts again by its own ordering; autocomplete widgets keep this one.
        """
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            starts = Case(
                When(name__istartswith=search_term.strip(), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
            queryset = queryset.order_by(starts, "name")
        return queryset, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        # ISO codes and the kind of a state come from the reference data; parties without ISO code are
        # either reference data too (SIPRI's parties) or made by a curator, usually as non-state parties.
        if obj and obj.iso2:
            return ["kind", "iso2", "iso3", "numeric", "official_name", "region", "subregion"]
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


class PossibleDuplicateFilter(admin.SimpleListFilter):
    title = "possible duplicates"
    parameter_name = "variants"

    def lookups(self, request, model_admin):
        return [("yes", "Spelled like another system of its type (case, spaces, hyphens)")]

    def queryset(self, request, queryset):
        return queryset.possible_duplicates() if self.value() == "yes" else queryset


@admin.register(System)
class SystemAdmin(HistoryAdmin):
    list_display = ["designation", "equipment_type", "manufacturer", "origin_country"]
    list_filter = [
        "equipment_type",
        PossibleDuplicateFilter,
        ("origin_country", admin.RelatedOnlyFieldListFilter),
    ]
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
