"""The public filters: one FilterSet per list, shared by its page, its CSV and the matrix.

Every parameter is validated; a bad value is a form error that the page shows beside the
label of its box (errors.py), and the views then show no rows rather than an unfiltered list.
"""

import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from tracker.dates import DatePrecision, NotADate, parse_partial, period_end
from tracker.models import (
    ArmsRequest,
    Citation,
    Delivery,
    Deployment,
    DeploymentStatus,
    EquipmentType,
    Reliability,
    RequestItem,
    RequestStatus,
    Source,
)
from tracker.models.claims import disputed_requests
from tracker.models.deliveries import FIRST_YEAR, LAST_YEAR

from .country_filter import CountryNamesOnce, country_filter
from .pagination import Key, ordering
from .system_filter import system_filter

# ------------------------------------------------------------------ fields


class CodeListField(forms.Field):
    """Repeated query parameters (?supplier=RU&supplier=CN) naming rows by a code.

    Cleans to the list of matching objects; any code that matches nothing is an
    error that names it.
    """

    widget = forms.SelectMultiple

    def __init__(self, *, resolve, noun, **kwargs):
        self.resolve, self.noun = resolve, noun
        super().__init__(**kwargs)

    def to_python(self, value):
        """Repeated parameters, or one holding several codes: ?supplier=RU,CN or "RU CN"."""
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return list(dict.fromkeys(code for v in value for code in re.split(r"[,;\s]+", v or "") if code))

    def clean(self, value):
        codes = super().clean(value)
        if not codes:
            return []
        for code in codes:
            if len(code) > 100 or "\x00" in code:
                raise forms.ValidationError(f"{self.noun} code {code[:20]!r}… is not valid.")
        found, missing = self.resolve(codes)
        if missing:
            raise forms.ValidationError(f"Unknown {self.noun} code: {', '.join(missing)}.")
        return found


def slug_resolver(queryset):
    """Resolves slugs among queryset() (a callable: evaluated per request)."""

    def resolve(slugs):
        keys = [s.lower() for s in slugs]
        return in_order(keys, {obj.slug: obj for obj in queryset().filter(slug__in=keys)}, slugs)

    return resolve


def in_order(keys, by_key, codes):
    """(objects in the order asked, codes that matched nothing)."""
    found = [by_key[k] for k in dict.fromkeys(keys) if k in by_key]
    return found, [code for code, key in zip(codes, keys, strict=True) if key not in by_key]


DATE_FORMS = "a year, a month or a day, as 2020, 2020-05 or 2020-05-17"


class PartialDateField(forms.CharField):
    """An ISO date, or just a year-month or a year: cleans to (first day, last day) of that period."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            start, precision = parse_partial(value)
        except NotADate:
            raise forms.ValidationError(f"{value[:30]!r} is not a date: {DATE_FORMS}.") from None
        except ValueError as error:
            raise forms.ValidationError(f"{value!r} is not a real date ({error}).") from None
        return start, period_end(start, precision)


class YearField(forms.IntegerField):
    """A year, as SIPRI counts deliveries: four digits, within the years a delivery may have."""

    def __init__(self, **kwargs):
        super().__init__(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not re.fullmatch(r"\s*[0-9]{4}\s*", value):
            raise forms.ValidationError(f"{value[:30]!r} is not a year: use four digits, e.g. 1998.")
        return super().to_python(value)


class ChoicesField(django_filters.fields.MultipleChoiceField):
    """Several choices; an empty value (what an untouched form field sends) means no choice."""

    def clean(self, value):
        return super().clean([v for v in value or [] if v != ""])


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    field_class = ChoicesField


class PartialDateFilter(django_filters.Filter):
    field_class = PartialDateField


class YearFilter(django_filters.Filter):
    field_class = YearField


class CodeListFilter(django_filters.Filter):
    field_class = CodeListField

    def __init__(self, *args, resolve, noun, **kwargs):
        super().__init__(*args, resolve=resolve, noun=noun, **kwargs)


def type_filter(method):
    return CodeListFilter(
        label="Equipment type", method=method, resolve=slug_resolver(EquipmentType.objects.all), noun="equipment type"
    )


def resolve_sources(codes):
    """Sources by number; one that no published record cites is as unknown as a number nobody made."""
    keys = [c if re.fullmatch(r"[0-9]{1,17}", c) else "" for c in codes]
    found = Source.objects.in_public_use().filter(pk__in=[int(k) for k in keys if k])
    return in_order(keys, {str(source.pk): source for source in found}, codes)


def source_filter(method):
    return CodeListFilter(label="Source", method=method, resolve=resolve_sources, noun="source")


def overlaps_from(field, precision_field, first_day):
    """Rows whose partial date's period ends on or after first_day."""
    return (
        Q(**{precision_field: DatePrecision.DAY, f"{field}__gte": first_day})
        | Q(**{precision_field: DatePrecision.MONTH, f"{field}__gte": first_day.replace(day=1)})
        | Q(**{precision_field: DatePrecision.YEAR, f"{field}__gte": first_day.replace(month=1, day=1)})
    )


# ----------------------------------------------------------------- requests

NEWEST = [Key("date", descending=True, nullable=True), Key("id", descending=True)]
REQUEST_SORTS = {
    "-date": ("Newest first", NEWEST),
    "date": ("Oldest first", [Key("date", nullable=True), Key("id")]),
    "requester": ("Requester A–Z", [Key("requester__name"), *NEWEST]),
    "-requester": ("Requester Z–A", [Key("requester__name", descending=True), *NEWEST]),
    "supplier": ("Asked country A–Z", [Key("supplier__name"), *NEWEST]),
    "-supplier": ("Asked country Z–A", [Key("supplier__name", descending=True), *NEWEST]),
    "status": ("Status", [Key("status"), *NEWEST]),
    "-status": ("Status, reversed", [Key("status", descending=True), *NEWEST]),
}
DEFAULT_REQUEST_SORT = "-date"


class SortFilter(django_filters.ChoiceFilter):
    """?sort=…: a fixed set of orderings, each a list of pagination Keys ending in the id so pages never shuffle."""

    def __init__(self, sorts, **kwargs):
        self.sorts = sorts
        super().__init__(choices=[(key, label) for key, (label, _) in sorts.items()], label="Sort", **kwargs)

    def chosen(self, value):
        """(sort name, its Keys): no value means the first sort."""
        name = value or next(iter(self.sorts))
        return name, self.sorts[name][1]

    def filter(self, qs, value):
        # Always applied (FilterSets here are always bound).
        return qs.order_by(*ordering(self.chosen(value)[1]))


class RequestFilter(CountryNamesOnce, django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", max_length=200)
    country = country_filter("Either side", "filter_country")
    requester = country_filter("Requester", "filter_requester")
    supplier = country_filter("Asked country", "filter_supplier")
    type = type_filter("filter_type")
    system = system_filter("filter_system")
    status = ChoicesFilter(label="Status", choices=RequestStatus.choices)
    date_from = PartialDateFilter(label="From", method="filter_date_from")
    date_to = PartialDateFilter(label="To", method="filter_date_to")
    precision = ChoicesFilter(label="Date known to", field_name="date_precision", choices=DatePrecision.choices)
    reliability = django_filters.ChoiceFilter(
        label="Sources graded", choices=Reliability.choices, method="filter_reliability"
    )
    # One range over the deliveries of one item (filter_queryset), never three separate conditions.
    delivered_in = YearFilter(label="Delivered in", method="delivery_years")
    delivered_from = YearFilter(label="Delivered from", method="delivery_years")
    delivered_to = YearFilter(label="Delivered up to", method="delivery_years")
    source = source_filter("filter_source")
    # Records where a cited source gives another value (models/claims.py): one EXISTS on an indexed key.
    disputed = django_filters.ChoiceFilter(
        label="Sources differ", choices=[("1", "Only where sources differ")], method="filter_disputed"
    )
    sort = SortFilter(REQUEST_SORTS)

    class Meta:
        model = ArmsRequest
        fields = []

    # Parameters whose values are lists of countries, for links that change one side.
    COUNTRY_PARAMS = ("country", "requester", "supplier")

    def search(self, qs, name, value):
        return qs.matching(value)

    def filter_country(self, qs, name, countries):
        return qs.filter(Q(requester__in=countries) | Q(supplier__in=countries)) if countries else qs

    def filter_requester(self, qs, name, countries):
        return qs.filter(requester__in=countries) if countries else qs

    def filter_supplier(self, qs, name, countries):
        return qs.filter(supplier__in=countries) if countries else qs

    def filter_type(self, qs, name, types):
        if not types:
            return qs
        return qs.filter(Exists(RequestItem.objects.filter(request=OuterRef("pk"), equipment_type__in=types)))

    def filter_system(self, qs, name, systems):
        if not systems:
            return qs
        return qs.filter(Exists(RequestItem.objects.filter(request=OuterRef("pk"), system__in=systems)))

    def filter_date_from(self, qs, name, period):
        return qs.filter(overlaps_from("date", "date_precision", period[0])) if period else qs

    def filter_date_to(self, qs, name, period):
        # A request's stored date is the first day of its period.
        return qs.filter(date__lte=period[1]) if period else qs

    def filter_reliability(self, qs, name, grade):
        if not grade:
            return qs
        return qs.filter(Exists(Citation.objects.filter(request=OuterRef("pk"), source__reliability__lte=grade)))

    def filter_source(self, qs, name, sources):
        return qs.filter(Exists(Citation.objects.filter(request=OuterRef("pk"), source__in=sources))) if sources else qs

    def filter_disputed(self, qs, name, value):
        return qs.filter(disputed_requests()) if value else qs

    def delivery_years(self, qs, name, year):
        return qs  # filter_queryset applies the three together

    def delivered_years(self):
        """The delivery years asked for, as lookups on Delivery ({"year__gte": 1998, …}); empty if none."""
        data, years = self.form.cleaned_data, {}
        for name, lookup in (("delivered_in", "year"), ("delivered_from", "year__gte"), ("delivered_to", "year__lte")):
            if data.get(name) is not None:
                years[lookup] = data[name]
        return years

    def filter_queryset(self, queryset):
        """Requests with an item delivered in that year (or within the range), by its deliveries by year."""
        qs = super().filter_queryset(queryset)
        years = self.delivered_years()
        if not years:
            return qs
        return qs.filter(Exists(Delivery.objects.filter(item__request=OuterRef("pk"), **years)))

    def item_filters(self):
        """The filters that each ask for an item (type, system, delivery years), as chosen, leaving out those not
        given: {"type": [EquipmentType], "system": [System], "delivered": {year lookups}}.

        A request matches when it has items that satisfy them; the requests CSV (one row per item) says which
        of its items satisfy them all (item_matched)."""
        data = self.form.cleaned_data
        chosen = {"type": data.get("type"), "system": data.get("system"), "delivered": self.delivered_years()}
        return {name: value for name, value in chosen.items() if value}


# -------------------------------------------------------------- deployments

DEPLOYMENT_SORTS = {
    "-start": ("Newest first", [Key("start_date", descending=True, nullable=True), Key("id", descending=True)]),
    "start": ("Oldest first", [Key("start_date", nullable=True), Key("id")]),
    "country": ("Deploying country A–Z", [Key("country__name"), Key("id", descending=True)]),
    "-country": ("Deploying country Z–A", [Key("country__name", descending=True), Key("id", descending=True)]),
    "status": ("Status", [Key("status"), Key("id", descending=True)]),
}


class DeploymentFilter(CountryNamesOnce, django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", max_length=200)
    country = country_filter("Deploying country", "filter_country")
    host = country_filter("Host country", "filter_host")
    type = type_filter("filter_type")
    system = system_filter("filter_system")
    status = ChoicesFilter(label="Status", choices=DeploymentStatus.choices)
    active_on = PartialDateFilter(label="Active on", method="filter_active_on")
    source = source_filter("filter_source")
    sort = SortFilter(DEPLOYMENT_SORTS)

    class Meta:
        model = Deployment
        fields = []

    COUNTRY_PARAMS = ("country", "host")

    def search(self, qs, name, value):
        return qs.matching(value)

    def filter_country(self, qs, name, countries):
        return qs.filter(country__in=countries) if countries else qs

    def filter_host(self, qs, name, countries):
        return qs.filter(host_country__in=countries) if countries else qs

    def filter_type(self, qs, name, types):
        return qs.filter(equipment_type__in=types) if types else qs

    def filter_system(self, qs, name, systems):
        return qs.filter(system__in=systems) if systems else qs

    def filter_active_on(self, qs, name, period):
        """Started by the end of that period (or start unreported but active) and not ended before it."""
        if not period:
            return qs
        first, last = period
        started = Q(start_date__lte=last) | Q(start_date__isnull=True, status=DeploymentStatus.ACTIVE)
        # End dates are stored as the last day of their period.
        not_ended = Q(end_date__gte=first) | (Q(end_date__isnull=True) & ~Q(status=DeploymentStatus.ENDED))
        return qs.filter(started, not_ended)

    def filter_source(self, qs, name, sources):
        if not sources:
            return qs
        return qs.filter(Exists(Citation.objects.filter(deployment=OuterRef("pk"), source__in=sources)))
