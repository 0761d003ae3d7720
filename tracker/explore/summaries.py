"""Counts for the pages that summarise, from the summary tables when they can answer (tracker/models/tallies.py).

A page's filters decide. When every filter given is one a tally's keys answer (countries, status, date
precision; for the matrix and the network also one equipment type or one system), the counts are a sum over
tally rows: thousands at most, whatever the number of requests. Any other filter (a period, a search, a
source) counts the filtered requests live, as before; both ways give the same numbers (tests/test_tallies.py).
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connections
from django.db.models import Q, Sum

from tracker.models import (
    Country,
    CountryTally,
    DeploymentTally,
    PeriodTally,
    RequestTally,
    SystemTally,
)
from tracker.models.tallies import SIDES, SystemPairTally, TypeCountryTally, TypePairTally, TypePeriodTally

from . import aggregates
from .timelines import period_counts

COUNTRY_PARAMS = ("country", "requester", "supplier")
PAIR_FILTERS = {*COUNTRY_PARAMS, "status"}
ITEM_PARAMS = ("type", "system")  # one of them, with one value: a request for two would count twice
PERIOD_FILTERS = {*COUNTRY_PARAMS, "precision"}
ITEM_PERIOD_FILTERS = {"precision"}  # with one type or one system: TypePeriodTally's and SystemTally's keys


def given(filterset):
    """The filters a (valid) filterset was given a value for; the sort is not a filter."""
    data = filterset.form.cleaned_data
    return {name for name, value in data.items() if name != "sort" and value not in (None, "", [], ())}


def pks(countries):
    return [country.pk for country in countries]


def who_asked_whom(filterset, requests, limit=None):
    """The matrix of the filtered requests (aggregates.Matrix), its rows and columns cut to limit."""
    rows = pair_rows(filterset)
    if rows is None:
        return aggregates.who_asked_whom(requests, limit)
    countries_chosen = given(filterset) & set(COUNTRY_PARAMS)
    # The matrix cut to limit needs every country's total: the few thousand rows of CountryTally hold them.
    totals = None if countries_chosen or limit is None else country_totals(filterset)
    return aggregates.tallied_matrix(rows, limit, totals)


def everything(limit):
    """The matrix of every published request (the home page's), cut to limit."""
    return aggregates.tallied_matrix(RequestTally.objects.all(), limit, country_totals())


def country_totals(filterset=None):
    """({requester pk: requests made}, {asked country pk: requests received}) of the statuses and the type the
    filters give, or None for a system (its pair rows, a few thousand, are summed instead)."""
    data = filterset.form.cleaned_data if filterset else {}
    if data.get("system"):
        return None
    rows = TypeCountryTally.objects.filter(equipment_type=data["type"][0].pk) if data.get("type") else None
    rows = CountryTally.objects.all() if rows is None else rows
    if data.get("status"):
        rows = rows.filter(status__in=data["status"])
    sums = rows.sum_by("side", "country")
    made, received = Counter(), Counter()
    for (side, country), n in sums.items():
        (made if side == SIDES["requester"] else received)[country] = n
    return made, received


def pair_rows(filterset):
    """The RequestTally rows that answer the filters (TypePairTally's or SystemPairTally's for one type or
    system), or None."""
    data, names = filterset.form.cleaned_data, given(filterset)
    items = names & set(ITEM_PARAMS)
    if not names - items <= PAIR_FILTERS or len(items) > 1 or any(len(data[name]) > 1 for name in items):
        return None
    if "type" in items:
        rows = TypePairTally.objects.filter(equipment_type=data["type"][0].pk)
    elif "system" in items:
        rows = SystemPairTally.objects.filter(system=data["system"][0].pk)
    else:
        rows = RequestTally.objects.all()
    if data.get("status"):
        rows = rows.filter(status__in=data["status"])
    if data.get("requester"):
        rows = rows.filter(requester__in=pks(data["requester"]))
    if data.get("supplier"):
        rows = rows.filter(supplier__in=pks(data["supplier"]))
    if data.get("country"):
        chosen = pks(data["country"])
        rows = rows.filter(Q(requester__in=chosen) | Q(supplier__in=chosen))
    return rows


def periods(rows):
    """Tally rows summed as timelines.period_counts() gives them: {(year, month or None, precision): n}."""
    counts = Counter()
    for (year, month, precision), n in rows.sum_by("year", "month", "date_precision").items():
        counts[(None, None, None) if year == 0 else (year, month or None, precision)] += n
    return counts


def period_rows(filterset):
    """The PeriodTally rows (TypePeriodTally's or SystemTally's for one type or system) that answer the filters,
    or None. One side at a time: a request between two countries asked for would count twice."""
    data, names = filterset.form.cleaned_data, given(filterset)
    items = names & set(ITEM_PARAMS)
    if items:  # one type or one system, no country: two could count a request twice
        if len(items) > 1 or not names - items <= ITEM_PERIOD_FILTERS or any(len(data[name]) > 1 for name in items):
            return None
        if "type" in items:
            rows = TypePeriodTally.objects.filter(equipment_type=data["type"][0].pk)
        else:
            rows = SystemTally.objects.filter(system=data["system"][0].pk)
        return rows.filter(date_precision__in=data["precision"]) if data.get("precision") else rows
    sides = [name for name in COUNTRY_PARAMS if data.get(name)]
    if not names <= PERIOD_FILTERS or len(sides) > 1:
        return None
    if not sides:
        rows = PeriodTally.objects.filter(country=0, side=SIDES["all"])
    elif sides == ["country"]:
        if len(data["country"]) > 1:
            return None
        rows = involving(data["country"][0])
    else:
        rows = PeriodTally.objects.filter(country__in=pks(data[sides[0]]), side=SIDES[sides[0]])
    if data.get("precision"):
        rows = rows.filter(date_precision__in=data["precision"])
    return rows


def timeline_counts(filterset, requests):
    """{(year, month, precision): requests} of the filtered requests, for timelines.timeline()."""
    rows = period_rows(filterset)
    return period_counts(requests) if rows is None else periods(rows)


def involving(country):
    return PeriodTally.objects.filter(country=country.pk, side__in=[SIDES["requester"], SIDES["supplier"]])


def country_counts(country):
    """The counts a country's page shows: requests made and received, deployments made and hosted."""
    sides = CountryTally.objects.filter(country=country.pk).sum_by("side")
    deployments = DeploymentTally.objects
    return {
        "asked_count": sides.get(SIDES["requester"], 0),
        "was_asked_count": sides.get(SIDES["supplier"], 0),
        "deployed_count": deployments.filter(country=country.pk).total(),
        "hosted_count": deployments.filter(host=country.pk).total(),
    }


def system_periods(system):
    return periods(SystemTally.objects.filter(system=system.pk))


def system_deployments(system):
    return DeploymentTally.objects.filter(system=system.pk).total()


def index_columns(kind):
    """{column: {country or system pk: count}} for /countries/ and /systems/ (tallies.count_columns' answer)."""
    deployments = DeploymentTally.objects
    if kind == "countries":
        return {
            "asked": CountryTally.objects.filter(side=SIDES["requester"]).sum_by("country"),
            "asked_of": CountryTally.objects.filter(side=SIDES["supplier"]).sum_by("country"),
            "deployed": deployments.sum_by("country"),
            "hosted": deployments.exclude(host=0).sum_by("host"),
        }
    return {
        "requests": SystemTally.objects.sum_by("system"),
        "deployments": deployments.exclude(system=0).sum_by("system"),
    }


def totals(matrix):
    """The home page's figures, the matrix's totals among them: published requests and deployments, and the
    countries and parties they name (either side of a request, deploying or hosting), as /countries/ lists them."""
    deployments = DeploymentTally.objects.sum_by("country", "host")  # host 0: none
    named = {country for pair in deployments for country in pair if country}
    return {
        "request_count": matrix.total,
        "deployment_count": sum(deployments.values()),
        "country_count": len(set(matrix.row_totals) | set(matrix.column_totals) | named),
    }


@dataclass
class Links:
    """The strongest requester → asked country links of the filtered requests, for the network."""

    links: list  # [(requester pk, asked pk, requests)], strongest first, ties by the two names
    countries: dict  # pk -> Country, at least every end of a link
    pairs: int  # distinct pairs among the filtered requests
    row_totals: Counter  # requests made, per requester, over every filtered request
    column_totals: Counter


def strongest_links(filterset, requests, limit):
    """Links cut to limit: from the summary tables when they answer (the database cuts them), else from every
    pair counted live."""
    rows = pair_rows(filterset)
    if rows is None:
        m = aggregates.who_asked_whom(requests)
        countries = {c.pk: c for c in (*m.rows, *m.columns)}
        return Links(by_strength(m.cells, countries)[:limit], countries, len(m.cells), m.row_totals, m.column_totals)
    if given(filterset) & set(COUNTRY_PARAMS):  # a country's pairs: a few hundred at most, read whole
        cells = rows.sum_by("requester", "supplier")
        made, received, pairs = Counter(), Counter(), len(cells)
        for (r, s), n in cells.items():
            made[r] += n
            received[s] += n
    else:
        made, received = country_totals(filterset) or (
            Counter(rows.sum_by("requester")),
            Counter(rows.sum_by("supplier")),
        )
        cells, pairs = strongest_cells(rows, limit)
    countries = Country.objects.in_bulk({pk for pair in cells for pk in pair})
    return Links(by_strength(cells, countries)[:limit], countries, pairs, made, received)


def strongest_cells(rows, limit):
    """({pair: requests} holding every pair among the limit strongest, ties included; the number of pairs).

    One aggregation of the tally rows (126,000 at 1,000,000 requests), which the database keeps for the count
    and the cut: counting the pairs and choosing the strongest each read the whole table before.
    """
    grouped = rows.counted().order_by().values_list("requester", "supplier").annotate(total=Sum("n"))
    sql, params = grouped.query.get_compiler(using=rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(
            f"WITH pairs (requester, supplier, total) AS ({sql}) "
            "SELECT requester, supplier, total, (SELECT COUNT(*) FROM pairs) FROM pairs "
            "WHERE total >= COALESCE((SELECT total FROM pairs ORDER BY total DESC LIMIT 1 OFFSET %s), 0)",
            (*params, limit - 1),
        )
        found = cursor.fetchall()
    return {(r, s): n for r, s, n, _ in found}, found[0][3] if found else 0


def by_strength(cells, countries):
    """[(requester pk, asked pk, n)], most requests first, ties by the requester's then the asked country's name."""
    return sorted(
        ((r, s, n) for (r, s), n in cells.items()),
        key=lambda link: (-link[2], countries[link[0]].name, countries[link[1]].name),
    )
