"""Arms requests, edited with their items and citations on one page; an item's deliveries by year in one cell.

Django has no nested inlines, so each item row on the request page has a *Deliveries by year* text
field in SIPRI's own notation ("1998: 20?; 1999: 40"), read into Delivery rows when saved. One save of
the request is then still one revision, items and deliveries included, and the stale-form check sees a
colleague's delivery changes (curation/locking.py). The item's own change page lists them as a table.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Exists, OuterRef

from tracker.models import (
    ArmsRequest,
    Citation,
    Delivery,
    EquipmentType,
    RequestItem,
    deliveries_text,
    parse_deliveries,
)

from .changelists import BigChangelist, CountryFilter, count_of, year_filter
from .duplicates import DuplicatesAdmin, RequestAdminForm
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


def item_deliveries(item):
    """An item's deliveries in the notation the field reads (prefetched by the inline's queryset)."""
    return deliveries_text(d.as_tuple() for d in item.deliveries.all())


class DeliveriesField(forms.CharField):
    """Deliveries by year as text; cleans to [(year, quantity, estimated)], by year."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=4000, **kwargs)

    def clean(self, value):
        parsed, errors = parse_deliveries(super().clean(value))
        if errors:
            raise forms.ValidationError(errors)
        return parsed

    def has_changed(self, initial, data):
        return parse_deliveries(initial)[0] != parse_deliveries(data)[0]


class RequestItemForm(forms.ModelForm):
    deliveries = DeliveriesField(
        label="Deliveries by year",
        help_text="As SIPRI writes them: “1998: 20?; 1999: 40” (? marks an estimate; a year alone: number "
        "not reported; “2001: ?” a delivery SIPRI estimates).",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 12}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, number in (("quantity_requested_estimated", "asked"), ("quantity_delivered_estimated", "delivered")):
            field = self.fields.get(name)
            if field:  # a narrow column right after its number; what it means is its help text
                field.label = "≈"
                field.help_text = f"Ticked: the number {number} is an estimate (SIPRI's ? or (50))."
        if self.instance.pk is not None:
            self.initial["deliveries"] = item_deliveries(self.instance)

    def save(self, commit=True):
        item = super().save(commit)
        if commit and "deliveries" in self.changed_data:
            save_deliveries(item, self.cleaned_data["deliveries"])
        return item


def save_deliveries(item, wanted):
    """Make item's deliveries those wanted, saving each row (so the revision being written records it)."""
    existing = {d.year: d for d in item.deliveries.all()}
    for year, quantity, estimated in wanted:
        delivery = existing.pop(year, None) or Delivery(item=item, year=year)
        if delivery.pk is None or (delivery.quantity, delivery.estimated) != (quantity, estimated):
            delivery.quantity, delivery.estimated = quantity, estimated
            delivery.save()
    for delivery in existing.values():
        delivery.delete()


class RequestItemInline(admin.TabularInline):
    model = RequestItem
    form = RequestItemForm
    extra = 1
    autocomplete_fields = ["equipment_type", "system"]
    fields = [
        "equipment_type",
        "system",
        "description",
        "help_kind",
        "hedged",
        "quantity_requested",
        "quantity_requested_estimated",
        "quantity_delivered",
        "quantity_delivered_estimated",
        "deliveries",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("equipment_type", "system").prefetch_related("deliveries")

    @admin.display(description="Deliveries by year")
    def deliveries(self, obj):
        """What a reader without the change permission sees in the deliveries column."""
        return item_deliveries(obj) if obj and obj.pk else ""


@admin.register(ArmsRequest)
class ArmsRequestAdmin(DuplicatesAdmin, PublishableAdmin):
    form = RequestAdminForm  # held when it may repeat a request (curation/duplicates.py)
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
        (
            "When and how",
            {"fields": [("date", "date_precision", "date_estimated"), "channel", ("requested_by", "addressed_to")]},
        ),
        ("Notes", {"fields": ["notes", "internal_notes"]}),
        ("Record", {"fields": ["external_id", "created_at", "published_at", "updated_at"], "classes": ["collapse"]}),
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
        return f"≈{obj.date_display}" if obj.date_estimated and obj.date else obj.date_display

    @admin.display(description="items")  # not sortable, like citations
    def item_count(self, obj):
        return obj.item_count


class DeliveryInline(admin.TabularInline):
    """An item's deliveries, under the item's own permissions: they are part of it, as on the request page."""

    model = Delivery
    extra = 1
    fields = ["year", "quantity", "estimated"]

    def item_permission(self, request, action):
        return request.user.has_perm(f"tracker.{action}_requestitem")

    def has_view_permission(self, request, obj=None):
        return self.item_permission(request, "view") or self.item_permission(request, "change")

    def has_add_permission(self, request, obj=None):
        return self.item_permission(request, "change")

    def has_change_permission(self, request, obj=None):
        return self.item_permission(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self.item_permission(request, "change")


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
    inlines = [DeliveryInline]
