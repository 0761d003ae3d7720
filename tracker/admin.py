import datetime
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Exists, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .importing import FORMATS, ImportFailed, run_import
from .models import (
    ArmsRequest,
    Citation,
    Country,
    Deployment,
    EquipmentType,
    ImportKind,
    ImportRun,
    ImportState,
    Person,
    RequestItem,
    Source,
    System,
)
from .pagination import count_up_to

# ---------------------------------------------------------------- shared parts


ADMIN_COUNT_REACH = 1000  # rows counted beyond the page shown; templates/admin/tracker/ say "more than" past it


class CappedPaginator(Paginator):
    """Counts up to `reach` rows, never all of them: past that the count is reach + 1 and
    `capped` is set, so the templates say "more than reach" and show no last page."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, reach):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.reach = reach
        self.capped = False

    @property
    def count(self):
        if not hasattr(self, "_count"):
            self._count = count_up_to(self.object_list, self.reach)
            self.capped = self._count > self.reach
        return self._count

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        pages = list(super().get_elided_page_range(number, on_each_side=on_each_side, on_ends=on_ends))
        if not self.capped:
            return pages
        # The last page number would be a guess: stop after the pages near this one.
        pages = [p for p in pages if p == self.ELLIPSIS or p <= int(number) + on_each_side]
        return [*pages, self.ELLIPSIS] if pages[-1] != self.ELLIPSIS else pages


class BigChangelist:
    """For models with a million rows: no COUNT(*) over them all, once or twice per page."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice, each over every row

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        try:
            page = max(int(request.GET.get(PAGE_VAR, 1)), 1)
        except ValueError:
            page = 1
        # Counting from the start up to a little past the page shown keeps the Next page reachable.
        reach = min(page, 10_000) * per_page + ADMIN_COUNT_REACH
        return CappedPaginator(queryset, per_page, orphans, allow_empty_first_page, reach=reach)


def count_of(model, field):
    """How many `model` rows point at each row: a correlated subquery, which the database
    runs for the rows on the page only, where Count() would GROUP BY every row first."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")), 0)


class YearFilter(admin.SimpleListFilter):
    """Years, newest first, between the first and last dates (two index lookups), where
    date_hierarchy would read DISTINCT years over every row. Decades for long spans."""

    field = None  # set by year_filter()
    MAX_YEARS = 30

    def lookups(self, request, model_admin):
        rows = model_admin.model.objects
        first = rows.aggregate(d=Min(self.field))["d"]  # one aggregate per query: SQLite uses the index only then
        last = rows.aggregate(d=Max(self.field))["d"]
        if first is None:
            return []
        if last.year - first.year < self.MAX_YEARS:
            return [(str(y), str(y)) for y in range(last.year, first.year - 1, -1)]
        return [(f"{d}s", f"{d}s") for d in range(last.year // 10 * 10, first.year // 10 * 10 - 1, -10)]

    def has_output(self):
        return True  # even with no dates yet, so that ?…_year= still filters (to nothing)

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        decade = value.endswith("s")
        try:
            start = int(value.removesuffix("s"))
            first, after = datetime.date(start, 1, 1), datetime.date(start + (10 if decade else 1), 1, 1)
        except (ValueError, OverflowError):
            raise IncorrectLookupParameters(f"{value!r} is not a year") from None
        return queryset.filter(**{f"{self.field}__gte": first, f"{self.field}__lt": after})


def year_filter(field, title):
    return type(
        f"YearFilter_{field}", (YearFilter,), {"field": field, "title": title, "parameter_name": f"{field}_year"}
    )


class CountryFilter(admin.RelatedFieldListFilter):
    """Every country (a few hundred rows), where RelatedOnlyFieldListFilter would read
    DISTINCT countries over every row; shown closed until used."""

    template = "admin/tracker/long_filter.html"


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


class PublishableForm(forms.ModelForm):
    """Lets the model's "published needs a citation" rule see the citation rows
    submitted with the same form, which are saved only after the record."""

    def clean(self):
        self.instance.pending_citation_count = self.submitted_citation_count()
        return super().clean()

    def submitted_citation_count(self):
        prefix = "citations"
        total = self.data.get(f"{prefix}-TOTAL_FORMS")
        if total is None or not re.fullmatch(r"[0-9]{1,6}", str(total)):
            return None  # the citation inline is not on this form: the saved citations count
        return sum(
            1
            for i in range(int(total))
            if self.data.get(f"{prefix}-{i}-source") and not self.data.get(f"{prefix}-{i}-DELETE")
        )


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "quote", "location", "credibility"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class PublishableAdmin(BigChangelist, SimpleHistoryAdmin):
    form = PublishableForm
    actions = ["publish", "unpublish"]
    readonly_fields = ["external_id", "created_at", "updated_at"]
    list_per_page = 50

    @admin.action(description="Publish selected records (those with at least one citation)", permissions=["change"])
    def publish(self, request, queryset):
        published, refused = queryset.publish()
        if published:
            self.message_user(request, f"Published {published} record(s).", messages.SUCCESS)
        if refused:
            names = "; ".join(str(obj) for obj in refused[:10])
            self.message_user(
                request,
                f"Not published, no citation yet ({len(refused)}): {names}. Add a source to each first.",
                messages.WARNING,
            )

    @admin.action(description="Unpublish selected records (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.unpublish()
        self.message_user(request, f"Moved {count} record(s) back to draft.", messages.SUCCESS)

    # Not sortable: sorting by it would count the citations of every row.
    @admin.display(description="citations")
    def citations_shown(self, obj):
        if obj.citation_count == 0:
            return format_html('<span style="color:#b00">{}</span>', "none")
        return obj.citation_count


class PublishedFilter(admin.SimpleListFilter):
    """Published, draft, or draft that cannot be published yet."""

    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("published", "Published"), ("draft", "Draft"), ("uncited", "Without any citation")]

    def queryset(self, request, queryset):
        if self.value() == "published":
            return queryset.filter(published=True)
        if self.value() == "draft":
            return queryset.filter(published=False)
        if self.value() == "uncited":
            return queryset.uncited()
        return queryset


# ------------------------------------------------------------------ reference


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
class CountryAdmin(SimpleHistoryAdmin):
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
class EquipmentTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "system_count", "description"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(system_count=Count("systems")).order_by("name")

    @admin.display(description="systems", ordering="system_count")
    def system_count(self, obj):
        return obj.system_count


@admin.register(System)
class SystemAdmin(SimpleHistoryAdmin):
    list_display = ["designation", "equipment_type", "manufacturer", "origin_country"]
    list_filter = ["equipment_type", ("origin_country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["equipment_type", "origin_country"]
    search_fields = ["designation", "manufacturer", "description"]
    autocomplete_fields = ["origin_country", "equipment_type"]
    prepopulated_fields = {"slug": ["designation"]}


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "title", "country"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    search_fields = ["name", "title", "country__name"]
    autocomplete_fields = ["country"]


# -------------------------------------------------------------------- sources


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "outlet", "kind", "reliability", "published_display", "citation_count", "link"]
    list_filter = ["reliability", "kind", "outlet"]
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
        if not obj.url:
            return "—"
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">open</a>', obj.url)


@admin.register(Citation)
class CitationAdmin(BigChangelist, SimpleHistoryAdmin):
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

    @admin.display(description="supports")
    def cited_record(self, obj):
        return obj.request or obj.deployment

    @admin.display(description="reliability", ordering="source__reliability")
    def reliability(self, obj):
        return obj.source.reliability

    @admin.display(description="quote")
    def quote_start(self, obj):
        return obj.quote[:90] + ("…" if len(obj.quote) > 90 else "")


# ------------------------------------------------------------------- requests


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
        "id",
        "requester",
        "supplier",
        "date_shown",
        "status",
        "channel",
        "item_count",
        "citations_shown",
        "published",
    ]
    list_display_links = ["id", "requester"]
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

    @admin.display(description="date", ordering="date")
    def date_shown(self, obj):
        return obj.date_display

    @admin.display(description="items")  # not sortable, like citations
    def item_count(self, obj):
        return obj.item_count


@admin.register(RequestItem)
class RequestItemAdmin(BigChangelist, SimpleHistoryAdmin):
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


# ---------------------------------------------------------------- deployments


@admin.register(Deployment)
class DeploymentAdmin(PublishableAdmin):
    list_display = [
        "id",
        "country",
        "what",
        "equipment_type",
        "region",
        "host_country",
        "start_shown",
        "status",
        "citations_shown",
        "published",
    ]
    list_display_links = ["id", "country"]
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
        ("Where", {"fields": ["location", "region", "host_country", ("latitude", "longitude")]}),
        ("When", {"fields": [("start_date", "start_precision"), ("end_date", "end_precision")]}),
        ("Why and notes", {"fields": ["purpose", "notes", "internal_notes"]}),
        ("Record", {"fields": ["external_id", "created_at", "updated_at"], "classes": ["collapse"]}),
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

    @admin.display(description="start", ordering="start_date")
    def start_shown(self, obj):
        return obj.start_display


# -------------------------------------------------------------------- imports


class ImportForm(forms.Form):
    file = forms.FileField(help_text="Our requests or deployments CSV, or a SIPRI trade register (classic or current).")
    kind = forms.ChoiceField(choices=ImportKind.choices, initial=ImportKind.REQUESTS, label="The file holds")
    file_format = forms.ChoiceField(
        label="Format",
        choices=[("", "Detect from the header"), *FORMATS.items()],
        required=False,
    )
    publish = forms.BooleanField(required=False, help_text="Otherwise imported records are drafts to review.")
    skip_invalid = forms.BooleanField(
        required=False,
        label="Skip bad rows",
        help_text="Import the good rows and download the bad ones; otherwise one bad row stops the import.",
    )

    MAX_BYTES = 50 * 2**20

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("Files up to 50 MB; split larger registers or use manage.py import_requests.")
        return upload


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Every import, dry run or applied; the upload page is a thin front for tracker.importing."""

    list_display = [
        "created_at",
        "file_name",
        "kind",
        "file_format",
        "state",
        "created",
        "updated",
        "unchanged",
        "invalid",
        "user",
    ]
    list_filter = ["state", "kind", "file_format"]
    search_fields = ["file_name", "user__username"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    exclude = ["content"]
    change_list_template = "admin/tracker/importrun/change_list.html"

    def has_add_permission(self, request):
        return False  # runs are made by importing, not typed in

    def has_change_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:tracker_importrun_preview", object_id)

    def may_import(self, request, kind):
        model = ArmsRequest if kind == ImportKind.REQUESTS else Deployment
        label = f"tracker.%s_{model._meta.model_name}"
        return request.user.has_perm(label % "add") and request.user.has_perm(label % "change")

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="tracker_importrun_upload"),
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="tracker_importrun_preview"),
            path(
                "<int:pk>/rejects.csv", self.admin_site.admin_view(self.rejects_view), name="tracker_importrun_rejects"
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not (self.may_import(request, ImportKind.REQUESTS) or self.may_import(request, ImportKind.DEPLOYMENTS)):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if not self.may_import(request, data["kind"]):
                raise PermissionDenied
            try:
                outcome = run_import(
                    data["kind"],
                    data["file"].read(),
                    data["file"].name,
                    file_format=data["file_format"] or None,
                    dry_run=True,
                    skip_invalid=data["skip_invalid"],
                    publish=data["publish"],
                    user=request.user,
                )
            except ImportFailed as error:
                form.add_error("file", str(error))
            else:
                return redirect("admin:tracker_importrun_preview", outcome.run.pk)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Import a file",
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/tracker/importrun/upload.html", context, status=400 if form.errors else 200
        )

    def preview_view(self, request, pk):
        run = get_object_or_404(ImportRun, pk=pk)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        if request.method == "POST":
            if run.state != ImportState.PREVIEWED or not self.may_import(request, run.kind):
                raise PermissionDenied
            try:
                outcome = run_import(
                    run.kind,
                    run.content,
                    run.file_name,
                    file_format=run.file_format,
                    skip_invalid=run.skip_invalid,
                    publish=run.publish,
                    user=request.user,
                )
            except ImportFailed as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect("admin:tracker_importrun_preview", run.pk)
            level = messages.SUCCESS if outcome.applied else messages.ERROR
            self.message_user(request, outcome.run.report["summary"], level)
            return redirect("admin:tracker_importrun_preview", outcome.run.pk)
        context = {
            **self.admin_site.each_context(request),
            "run": run,
            "title": f"Import #{run.pk}: {run.file_name}",
            "opts": self.model._meta,
            "can_apply": run.state == ImportState.PREVIEWED
            and self.may_import(request, run.kind)
            and (run.invalid == 0 or run.skip_invalid),
        }
        return TemplateResponse(request, "admin/tracker/importrun/preview.html", context)

    def rejects_view(self, request, pk):
        run = get_object_or_404(ImportRun, pk=pk)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        text = run.report.get("rejects", "")
        if not text:
            raise Http404("This run kept no bad rows.")
        response = HttpResponse(text.encode(run.report.get("encoding", "utf-8")), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{run.file_name}.rejects.csv"'
        return response
