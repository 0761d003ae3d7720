"""Changelists for tables of a million rows: a capped count, cheap counts per row, filters that scan nothing."""

import datetime

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Max, Min, OuterRef, Subquery
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tracker.models import INTEGER_RANGE, count_up_to

ADMIN_COUNT_REACH = 1000  # rows counted beyond the page shown; templates/admin/tracker/ say "more than" past it


def integer_field_of(model, path):
    """The integer column a lookup path such as `source`, `source__id__exact` or `id__in` compares,
    or None when it ends elsewhere or names no field (Django answers those itself)."""
    parts = path.split(LOOKUP_SEP)
    for end in range(len(parts), 0, -1):
        try:
            field = get_fields_from_path(model, LOOKUP_SEP.join(parts[:end]))[-1]
        except (FieldDoesNotExist, NotRelationField):
            continue
        field = field.target_field if field.many_to_one or field.one_to_one else field
        lookup = parts[end:]
        return (field, lookup[-1] if lookup else "exact") if isinstance(field, IntegerField) else None
    return None


class RangeCheckedChangeList(ChangeList):
    """?source=<25 digits> is a wrong lookup (the "?e=1" page), not a 500: SQLite cannot even bind it."""

    def get_filters_params(self, params=None):
        lookups = super().get_filters_params(params)
        for key, values in lookups.items():
            found = integer_field_of(self.model, key)
            if found is None or found[1] == "isnull":
                continue
            for value in values:
                for part in value.split(",") if found[1] == "in" else [value]:
                    try:
                        number = int(part)
                    except ValueError:
                        continue  # not a number: Django's own checks answer it
                    if number not in INTEGER_RANGE:
                        raise IncorrectLookupParameters(f"{key}: {part} is out of range")
        return lookups


class RangeCheckedLookups:
    """Every curated changelist refuses integers no column can hold (a 500 the URL fuzzer found)."""

    def get_changelist(self, request, **kwargs):
        return RangeCheckedChangeList


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

    def action_checkbox(self, obj):
        """Django's markup, without a widget rendered through the template engine for each row (a third of
        the requests changelist's time at 100,000 rows)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


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
