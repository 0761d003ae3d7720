"""Changelists for tables of a million rows: a capped count, cheap counts per row, filters that scan nothing."""

import datetime

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count, DateField, IntegerField, Max, Min, OuterRef, Subquery
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tracker.models import INTEGER_RANGE, count_up_to

ADMIN_COUNT_REACH = 1000  # rows counted beyond the page shown; templates/admin/tracker/ say "more than" past it


# The values a date part can take. Django builds dates from a year (year 0 is a ValueError, a 20-digit
# one an OverflowError, both raised when the SQL is compiled, past the admin's own checks), and the date
# hierarchy from a year, month and day (a 20-digit month is an OverflowError); the end of year 9999 (and
# of ISO year 9999) is in year 10000, which no date reaches.
DATE_PARTS = {
    "year": range(1, 9999),
    "iso_year": range(1, 9999),
    "quarter": range(1, 5),
    "month": range(1, 13),
    "week": range(1, 54),
    "day": range(1, 32),
    "week_day": range(1, 8),
    "iso_week_day": range(1, 8),
    "hour": range(24),
    "minute": range(60),
    "second": range(60),
}


def field_of(model, path):
    """The field a lookup path such as `source__id__exact` or `date__year__gte` compares (a foreign key's
    target), with the transforms and lookup after it; None when it names no field (Django answers it)."""
    parts = path.split(LOOKUP_SEP)
    for end in range(len(parts), 0, -1):
        try:
            field = get_fields_from_path(model, LOOKUP_SEP.join(parts[:end]))[-1]
        except (FieldDoesNotExist, NotRelationField):
            continue
        return (field.target_field if field.many_to_one or field.one_to_one else field), parts[end:]
    return None


def wrong_lookup(model, key, values):
    """Why ?key=values would fail after the admin's own checks (a 500, not its "?e=1" page), or None."""
    found = field_of(model, key)
    if found is None:
        return None
    field, rest = found
    lookup = rest[-1] if rest else "exact"
    if lookup == "range":
        return f"{key}: the admin never splits a range; use __gte and __lte"  # "".split unpacked: a 500
    part = next((name for name in reversed(rest) if name in DATE_PARTS), None)
    if isinstance(field, DateField) and part:
        bounds = DATE_PARTS[part]
    elif isinstance(field, IntegerField):
        bounds = INTEGER_RANGE  # beyond it SQLite cannot even bind the number
    else:
        return None
    if lookup == "isnull":
        return None
    for value in values:
        for number in value.split(",") if lookup == "in" else [value]:
            try:
                if int(number) not in bounds:
                    return f"{key}: {number[:30]} is out of range"
            except ValueError:
                if part:
                    return f"{key}: {number[:30]!r} is not a number"
    return None


class RangeCheckedChangeList(ChangeList):
    """?source=<25 digits>, ?date__year=0 or ?created_at__month=<20 digits> is a wrong lookup (the
    "?e=1" page), not a 500."""

    def get_filters_params(self, params=None):
        lookups = super().get_filters_params(params)
        for key, values in lookups.items():
            reason = wrong_lookup(self.model, key, values)
            if reason:
                raise IncorrectLookupParameters(reason)
        return lookups


class RangeCheckedLookups:
    """Every curated changelist refuses lookups that would fail past Django's checks (500s the URL fuzzer found)."""

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
