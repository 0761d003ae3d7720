"""The index pages: /countries/ and /systems/, and their CSV (/countries.csv, /systems.csv).

Each lists what published records name, with counts (tallies.py: one GROUP BY per column), sortable
(?sort=) and filtered by its FilterSet (?region= for countries; ?type= and ?origin= for systems). The
page and its CSV answer the same query string with the same rows, in the same order.
"""

import functools

import django_filters
from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.shortcuts import render

from tracker.columns import COUNTRY_INDEX_COLUMNS, SYSTEM_INDEX_COLUMNS
from tracker.models import Country, EquipmentType, System

from . import reports
from .country_filter import CountryNamesOnce, country_filter
from .errors import FilterError, form_errors
from .filters import type_filter
from .tallies import COUNTRY_SORTS, SYSTEM_SORTS, country_tallies, ordered, system_tallies

COUNTRIES_PER_PAGE = 500  # every country and party on one page: a few hundred at most
SYSTEMS_PER_PAGE = 100


def sort_choices(sorts, descending_first):
    """?sort= values: each column and its reverse; counts read most first."""
    choices = []
    for key, (label, _) in sorts.items():
        first, then = (f"-{key}", key) if key in descending_first else (key, f"-{key}")
        choices += [(first, label), (then, f"{label}, reversed")]
    return choices


class IndexSortFilter(django_filters.ChoiceFilter):
    """Validated here, applied to the counted rows (tallies.ordered): counts are not columns of the query."""

    def __init__(self, sorts, descending_first, **kwargs):
        super().__init__(choices=sort_choices(sorts, descending_first), label="Sort", method=self.keep, **kwargs)

    @staticmethod
    def keep(qs, name, value):
        return qs


def region_list():
    """{region: [its sub-regions]}, UN M49, as the reference data gives them (one query)."""
    regions = {}
    pairs = Country.objects.exclude(region="").order_by("region", "subregion").values_list("region", "subregion")
    for region, subregion in pairs.distinct():
        regions.setdefault(region, [])
        if subregion:
            regions[region].append(subregion)
    return regions


class RegionField(forms.CharField):
    """A UN M49 region or sub-region, any case; cleans to its name as the reference data spells it."""

    def __init__(self, *, regions=region_list, **kwargs):
        self.regions = regions
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        known = self.regions()
        names = {name.casefold(): name for region, subregions in known.items() for name in [region, *subregions]}
        if value.strip().casefold() not in names:
            raise forms.ValidationError(
                f"Unknown region '{value[:40]}': use a UN M49 region ({', '.join(known)}) or one of their sub-regions."
            )
        return names[value.strip().casefold()]


class RegionFilter(django_filters.CharFilter):
    field_class = RegionField


class CountryIndexFilter(django_filters.FilterSet):
    region = RegionFilter(label="Region", method="filter_region", max_length=100)
    sort = IndexSortFilter(COUNTRY_SORTS, descending_first=("asked", "asked_of", "deployed", "hosted"))

    SORTS, TIE, DEFAULT_SORT = COUNTRY_SORTS, "name", "name"
    count = staticmethod(country_tallies)

    class Meta:
        model = Country
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=Country.objects.all() if queryset is None else queryset, **kwargs)
        self.regions = functools.cache(region_list)  # one query for the check and the form's choices
        self.filters["region"].extra["regions"] = self.regions

    def filter_region(self, qs, name, region):
        return qs.filter(Q(region=region) | Q(subregion=region)) if region else qs


class SystemIndexFilter(CountryNamesOnce, django_filters.FilterSet):
    type = type_filter("filter_type")
    origin = country_filter("Country of origin", "filter_origin")
    sort = IndexSortFilter(SYSTEM_SORTS, descending_first=("requests", "deployments"))

    SORTS, TIE, DEFAULT_SORT = SYSTEM_SORTS, "designation", "designation"
    count = staticmethod(system_tallies)

    class Meta:
        model = System
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=System.objects.all() if queryset is None else queryset, **kwargs)

    def filter_type(self, qs, name, types):
        return qs.filter(equipment_type__in=types) if types else qs

    def filter_origin(self, qs, name, countries):
        return qs.filter(origin_country__in=countries) if countries else qs


def counted(request, filterset_class):
    """(filterset, its counted rows in the order asked, errors): no rows when a parameter is bad."""
    filterset = filterset_class(request.GET, request=request)
    if not filterset.is_valid():
        return filterset, [], form_errors(filterset.form)
    sort = filterset.form.cleaned_data.get("sort") or filterset.DEFAULT_SORT
    return filterset, ordered(filterset.count(filterset.qs), sort, filterset.SORTS, filterset.TIE), []


def index_page(request, template, filterset_class, per_page, **context):
    filterset, rows, errors = counted(request, filterset_class)
    paginator = Paginator(rows, per_page)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        asked = request.GET["page"][:20]
        errors.append(FilterError("page", f"There is no page '{asked}': pages run from 1 to {paginator.num_pages}."))
        page = Paginator([], per_page).page(1)
    if isinstance(filterset, CountryNamesOnce):  # the country box's suggestions: the rows its values were read from
        context["country_names"] = filterset.country_names()
    if isinstance(filterset, CountryIndexFilter):  # the region box's choices: those its value was checked against
        context["regions"] = filterset.regions()
    context |= {
        "filter": filterset,
        "page": page,
        "count": len(rows),
        "errors": errors,
        "chosen": {name: request.GET.getlist(name) for name in request.GET},
        "default_sort": filterset.DEFAULT_SORT,
    }
    return render(request, template, context, status=400 if errors else 200)


def csv_of(request, kind, filterset_class, cells):
    filterset, rows, errors = counted(request, filterset_class)
    if errors:
        return render(request, "tracker/bad_request.html", {"errors": errors}, status=400)
    base = request.build_absolute_uri("/").rstrip("/")
    columns = COUNTRY_INDEX_COLUMNS if kind == "countries" else SYSTEM_INDEX_COLUMNS
    body = ([*cells(t.subject, t), base + t.subject.get_absolute_url()] for t in rows)
    return reports.stream_csv(reports.filename_for(kind, filterset), columns, body)


# ------------------------------------------------------------------- pages


def country_index(request):
    return index_page(request, "tracker/country_index.html", CountryIndexFilter, COUNTRIES_PER_PAGE)


def country_index_csv(request):
    def cells(c, t):
        kind = c.get_kind_display()
        return [c.name, c.code, c.iso2, c.iso3, kind, c.region, c.subregion, t.asked, t.asked_of, t.deployed, t.hosted]

    return csv_of(request, "countries", CountryIndexFilter, cells)


def system_index(request):
    types = EquipmentType.objects.only("name", "slug")
    return index_page(request, "tracker/system_index.html", SystemIndexFilter, SYSTEMS_PER_PAGE, types=types)


def system_index_csv(request):
    def cells(s, t):
        origin = s.origin_country
        origin_name, origin_iso2 = (origin.name, origin.iso2) if origin else ("", "")
        return [
            s.designation,
            s.slug,
            s.equipment_type.name,
            s.manufacturer,
            origin_name,
            origin_iso2,
            t.requests,
            t.deployments,
        ]

    return csv_of(request, "systems", SystemIndexFilter, cells)
