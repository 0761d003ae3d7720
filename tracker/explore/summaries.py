"""Counts for the pages that summarise, from the summary tables when they can answer (tracker/models/tallies.py).

A page's filters decide. When every filter given is one a tally's keys answer (countries, status, date
precision), the counts are a sum over tally rows: thousands at most, whatever the number of requests.
Any other filter (a period, a system, a search, a source) counts the filtered requests live, as before;
both ways give the same numbers (tests/test_tallies.py).
"""

from collections import Counter

from django.db.models import Q

from tracker.models import ArmsRequest, Deployment, DeploymentTally, PeriodTally, RequestTally, SystemTally
from tracker.models.tallies import SIDES

from . import aggregates
from .timelines import period_counts

COUNTRY_PARAMS = ("country", "requester", "supplier")
PAIR_FILTERS = {*COUNTRY_PARAMS, "status"}
PERIOD_FILTERS = {*COUNTRY_PARAMS, "precision"}


def given(filterset):
    """The filters a (valid) filterset was given a value for; the sort is not a filter."""
    data = filterset.form.cleaned_data
    return {name for name, value in data.items() if name != "sort" and value not in (None, "", [], ())}


def pks(countries):
    return [country.pk for country in countries]


def who_asked_whom(filterset, requests, limit=None):
    """The matrix of the filtered requests (aggregates.Matrix), its rows and columns cut to limit."""
    rows = pair_rows(filterset)
    return aggregates.who_asked_whom(requests, limit) if rows is None else aggregates.tallied_matrix(rows, limit)


def pair_rows(filterset):
    """The RequestTally rows that answer the filters, or None."""
    if not given(filterset) <= PAIR_FILTERS:
        return None
    data, rows = filterset.form.cleaned_data, RequestTally.objects.all()
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
    """The PeriodTally rows that answer the filters, or None. One side at a time: a request between two
    countries asked for would count twice."""
    data, names = filterset.form.cleaned_data, given(filterset)
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
    sides = PeriodTally.objects.filter(country=country.pk).sum_by("side")
    deployments = DeploymentTally.objects.counted()
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
            "asked": RequestTally.objects.sum_by("requester"),
            "asked_of": RequestTally.objects.sum_by("supplier"),
            "deployed": deployments.sum_by("country"),
            "hosted": deployments.exclude(host=0).sum_by("host"),
        }
    return {
        "requests": SystemTally.objects.sum_by("system"),
        "deployments": deployments.exclude(system=0).sum_by("system"),
    }


def totals():
    """The home page's figures: published requests and deployments, countries on either side of a request."""
    pairs = RequestTally.objects.counted().order_by()
    return {
        "request_count": PeriodTally.objects.filter(country=0).total(),
        "deployment_count": DeploymentTally.objects.total(),
        "country_count": pairs.values("requester").union(pairs.values("supplier")).count(),
    }


# The live counts the tallies replace, for the tests that compare them.
def live_totals():
    requests = ArmsRequest.objects.published()
    return {
        "request_count": requests.count(),
        "deployment_count": Deployment.objects.published().count(),
        "country_count": requests.order_by().values("requester").union(requests.order_by().values("supplier")).count(),
    }
