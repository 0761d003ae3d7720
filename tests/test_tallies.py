"""The summary tables against the live counts, after random edits, imports and deletes, on both databases.

Every tally row is compared with a count made here from the records (independent of the triggers' SQL),
and every summarising page's counts from the tallies with the same counts made live.
"""

import datetime
import io
import random
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import RequestFactory

from tests.item_tallies import KEYS as ITEM_KEYS
from tests.item_tallies import item_filters, live_item_tallies
from tracker.dates import DatePrecision
from tracker.explore import aggregates, summaries, tallies, timelines
from tracker.explore.filters import RequestFilter
from tracker.intake.engine import run_import
from tracker.migrations import _item_tallies, _type_periods
from tracker.migrations._tallies import WATCHED, sqlite_bodies
from tracker.models import (
    ArmsRequest,
    Citation,
    Country,
    CountryTally,
    Deployment,
    DeploymentTally,
    PeriodTally,
    RequestItem,
    RequestStatus,
    RequestTally,
    System,
    SystemTally,
    rebuild_tallies,
)
from tracker.samples.synthetic import generate

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
FILTERS = [
    "",
    "status=delivered",
    "status=delivered&status=refused",
    "requester=VE",
    "supplier=RU,CN",
    "country=RU",
    "country=RU,VE",
    "country=VE&status=agreed",
    "requester=VE&supplier=RU",
    "precision=year",
    "supplier=RU&precision=month&precision=day",
    "date_from=2024",  # not answerable: counted live
    "type=uav",
    "q=drones",
]


def period_key(date, precision):
    if date is None:
        return 0, 0, ""
    return date.year, date.month if precision in (DatePrecision.DAY, DatePrecision.MONTH) else 0, precision


def live_tallies():
    """What each tally must hold, counted from the records with the ORM."""
    requests = ArmsRequest.objects.published()
    pair, sides, period, system = Counter(), Counter(), Counter(), Counter()
    dates = {}
    for r in requests.values("id", "requester", "supplier", "status", "date", "date_precision"):
        pair[(r["requester"], r["supplier"], r["status"])] += 1
        sides[(r["requester"], "r", r["status"])] += 1
        sides[(r["supplier"], "s", r["status"])] += 1
        key = dates[r["id"]] = period_key(r["date"], r["date_precision"])
        for country, side in ((r["requester"], "r"), (r["supplier"], "s"), (0, "*")):
            period[(country, side, *key)] += 1
    items = RequestItem.objects.filter(request__in=requests, system__isnull=False).values_list("request", "system")
    for request_id, system_id in set(items):
        system[(system_id, *dates[request_id])] += 1
    deployments = Deployment.objects.published().values_list("country", "host_country", "system")
    return {
        **live_item_tallies(requests, dates),
        RequestTally: pair,
        CountryTally: sides,
        PeriodTally: period,
        SystemTally: system,
        DeploymentTally: Counter((c, h or 0, s or 0) for c, h, s in deployments),
    }


KEYS = {
    **ITEM_KEYS,
    RequestTally: ("requester", "supplier", "status"),
    CountryTally: ("country", "side", "status"),
    PeriodTally: ("country", "side", "year", "month", "date_precision"),
    SystemTally: ("system", "year", "month", "date_precision"),
    DeploymentTally: ("country", "host", "system"),
}


def stored_tallies():
    return {
        model: Counter({tuple(row[:-1]): row[-1] for row in model.objects.counted().values_list(*keys, "n")})
        for model, keys in KEYS.items()
    }


def filterset(query):
    request = RequestFactory().get(f"/matrix/?{query}")
    fs = RequestFilter(request.GET, queryset=ArmsRequest.objects.published(), request=request)
    assert fs.is_valid(), fs.form.errors
    return fs


def live_totals():
    requests, deployments = ArmsRequest.objects.published(), Deployment.objects.published()
    return {
        "request_count": requests.count(),
        "deployment_count": deployments.count(),
        "country_count": len(  # as /countries/ lists them: named by a request or a deployment
            {*requests.values_list("requester", flat=True), *requests.values_list("supplier", flat=True)}
            | {
                *deployments.values_list("country", flat=True),
                *deployments.exclude(host_country=None).values_list("host_country", flat=True),
            }
        ),
    }


def assert_pages_match():
    """Every count a summarising page shows, from the tallies and live, for filters of each kind."""
    for query in FILTERS + item_filters():
        fs = filterset(query)
        for limit in (None, 3):
            ours, live = summaries.who_asked_whom(fs, fs.qs, limit), aggregates.who_asked_whom(fs.qs, limit)
            assert (ours.rows, ours.columns, ours.grid(), ours.others_row(), ours.total) == (
                live.rows,
                live.columns,
                live.grid(),
                live.others_row(),
                live.total,
            ), query
        assert summaries.timeline_counts(fs, fs.qs) == timelines.period_counts(fs.qs), query
        live = aggregates.who_asked_whom(fs.qs)
        name = {c.pk: c.name for c in Country.objects.all()}
        by_strength = sorted(
            ((r, s, n) for (r, s), n in live.cells.items()), key=lambda x: (-x[2], name[x[0]], name[x[1]])
        )
        for limit in (1, 2, 3, 5, 40):
            ours = summaries.strongest_links(fs, fs.qs, limit)
            assert (ours.links, ours.pairs, +ours.row_totals, +ours.column_totals) == (
                by_strength[:limit],
                len(live.cells),
                live.row_totals,
                live.column_totals,
            ), (query, limit)
    for kind in ("countries", "systems"):
        assert summaries.index_columns(kind) == tallies.count_columns(kind)
    assert summaries.totals(summaries.everything(limit=8)) == live_totals()
    requests, deployments = ArmsRequest.objects.published(), Deployment.objects.published()
    for country in Country.objects.filter(iso2__in=["VE", "RU", "CN", "IR", "US", "CU", "BY"]):
        assert summaries.country_counts(country) == {
            "asked_count": requests.filter(requester=country).count(),
            "was_asked_count": requests.filter(supplier=country).count(),
            "deployed_count": deployments.filter(country=country).count(),
            "hosted_count": deployments.filter(host_country=country).count(),
        }
        live = timelines.period_counts(requests.involving(country))
        assert summaries.periods(summaries.involving(country)) == live
    for system in System.objects.all():
        assert summaries.system_periods(system) == timelines.period_counts(requests.asking_for(system))
        assert summaries.system_deployments(system) == deployments.filter(system=system).count()


def assert_all_match():
    live, stored = live_tallies(), stored_tallies()
    for model in KEYS:
        missing, extra = live[model] - stored[model], stored[model] - live[model]
        assert not missing and not extra, f"{model.__name__}: missing {dict(missing)}, extra {dict(extra)}"
    assert_pages_match()
    return live


# ------------------------------------------------------------------ random writes


class Writer:
    """Random writes of every kind the tallies depend on, through the ORM and around it."""

    def __init__(self, seed, countries, types, source):
        self.rng = random.Random(seed)
        self.countries, self.types, self.source = list(countries.values()), list(types.values()), source
        self.systems = [
            System.objects.create(
                designation=f"Tally-{i}", slug=f"tally-{i}", equipment_type=self.types[i % len(self.types)]
            )
            for i in range(4)
        ]

    def date(self):
        precision = self.rng.choice(["day", "month", "year", ""])
        if not precision:
            return None, ""
        day = datetime.date(self.rng.randint(2019, 2025), self.rng.randint(1, 12), self.rng.randint(1, 28))
        return day.replace(day=1) if precision == "month" else day.replace(
            month=1, day=1
        ) if precision == "year" else day, precision

    def pair(self):
        requester, supplier = self.rng.sample(self.countries, 2)
        return requester, supplier

    def request(self):
        requests = list(ArmsRequest.objects.order_by("pk").values_list("pk", flat=True))
        return ArmsRequest.objects.get(pk=self.rng.choice(requests)) if requests else None

    def create(self):
        requester, supplier = self.pair()
        date, precision = self.date()
        request = ArmsRequest.objects.create(
            requester=requester,
            supplier=supplier,
            date=date,
            date_precision=precision,
            status=self.rng.choice(RequestStatus.values),
            summary="tally test",
            published=self.rng.random() < 0.7,
        )
        for _ in range(self.rng.randint(0, 3)):
            self.item(request)
        for _ in range(self.rng.choice([0, 1, 1, 2])):
            Citation.objects.create(source=self.source, request=request, credibility=2)

    def item(self, request):
        system = self.rng.choice([None, *self.systems])
        kind = self.rng.choice(self.types[:3])
        RequestItem.objects.create(request=request, equipment_type=kind, system=system, description="x")

    def edit(self):
        request = self.request()
        if request is None:
            return
        change = self.rng.choice(["status", "date", "swap", "publish", "unpublish", "summary"])
        if change == "status":
            request.status = self.rng.choice(RequestStatus.values)
        elif change == "date":
            request.date, request.date_precision = self.date()
        elif change == "swap":
            request.requester, request.supplier = request.supplier, request.requester
        elif change in ("publish", "unpublish"):
            request.published = change == "publish"
        else:
            request.summary += " edited"
        request.save()

    def bulk_update(self):
        ArmsRequest.objects.filter(status=RequestStatus.REQUESTED).update(status=RequestStatus.AGREED)

    def cite(self):
        request = self.request()
        if request:
            Citation.objects.create(source=self.source, request=request, credibility=3)

    def uncite(self):
        citations = list(Citation.objects.filter(request__isnull=False).values_list("pk", flat=True))
        if citations:
            Citation.objects.filter(pk=self.rng.choice(citations)).delete()

    def move_citation(self):
        citation = Citation.objects.filter(request__isnull=False).order_by("?").first()
        request = self.request()
        if citation and request:
            Citation.objects.filter(pk=citation.pk).update(request=request)

    def items(self):
        request = self.request()
        if request is None:
            return
        action = self.rng.choice(["add", "delete", "change"])
        item = request.items.order_by("?").first()
        if action == "add" or item is None:
            self.item(request)
        elif action == "delete":
            item.delete()
        elif self.rng.random() < 0.5:
            RequestItem.objects.filter(pk=item.pk).update(system=self.rng.choice([None, *self.systems]))
        else:
            RequestItem.objects.filter(pk=item.pk).update(equipment_type=self.rng.choice(self.types[:3]))

    def delete(self):
        request = self.request()
        if request:
            request.delete()  # Django deletes the items and citations first

    def delete_record_first(self):
        """The other order, which the deferred foreign keys allow: the request, then its citations and items."""
        request = self.request()
        if request is None:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM tracker_armsrequest WHERE id = %s", [request.pk])
            cursor.execute("DELETE FROM tracker_citation WHERE request_id = %s", [request.pk])
            cursor.execute("DELETE FROM tracker_requestitem WHERE request_id = %s", [request.pk])

    def rolled_back(self):
        try:
            with transaction.atomic():
                self.create()
                self.edit()
                raise RuntimeError
        except RuntimeError:
            pass

    def deployment(self):
        deployments = list(Deployment.objects.values_list("pk", flat=True))
        action = self.rng.choice(["create", "create", "edit", "uncite", "delete"])
        if action == "create" or not deployments:
            country, host = self.pair()
            deployment = Deployment.objects.create(
                country=country,
                host_country=self.rng.choice([None, host]),
                system=self.rng.choice([None, *self.systems]),
                equipment_type=self.types[1],
                description="tally test",
                published=self.rng.random() < 0.7,
            )
            if self.rng.random() < 0.8:
                Citation.objects.create(source=self.source, deployment=deployment, credibility=2)
            return
        deployment = Deployment.objects.get(pk=self.rng.choice(deployments))
        if action == "edit":
            deployment.published = not deployment.published
            deployment.host_country = self.rng.choice([None, *self.countries[:3]])
            if deployment.host_country == deployment.country:
                deployment.host_country = None
            deployment.system = self.rng.choice([None, *self.systems])
            deployment.save()
        elif action == "uncite":
            deployment.citations.all().delete()
        else:
            deployment.delete()

    def step(self):
        action = self.rng.choice(
            [self.create] * 6
            + [self.edit] * 4
            + [self.cite, self.uncite, self.move_citation, self.items, self.items, self.delete]
            + [self.delete_record_first, self.rolled_back, self.bulk_update, self.deployment, self.deployment]
        )
        action()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_tally_matches_the_live_count_after_random_writes(seed, countries, types, source):
    writer = Writer(seed, countries, types, source)
    for step in range(1, 121):
        writer.step()
        if step % 30 == 0:
            assert_all_match()
    live = assert_all_match()
    assert sum(live[RequestTally].values()) >= 5, "the writes left something to count"


def test_imports_and_the_generator_keep_the_tallies(countries):
    outcome = run_import("requests", (DATA / "sipri_current_sample.csv").read_bytes(), "sample.csv", publish=True)
    assert outcome.created > 30
    live = assert_all_match()
    assert sum(live[SystemTally].values()) > 30
    generate(requests=300, deployments=40, systems=5, persons=5, seed=7)  # COPY on PostgreSQL, raw inserts on SQLite
    run_import("requests", (DATA / "sipri_current_sample.csv").read_bytes(), "sample.csv", publish=True)  # unchanged
    synthetic = ArmsRequest.objects.filter(external_id__startswith="synthetic:").order_by("pk")
    ArmsRequest.objects.filter(pk__in=list(synthetic.values_list("pk", flat=True)[:50])).unpublish()
    live = assert_all_match()
    assert sum(live[RequestTally].values()) > 150


def test_a_truncate_or_a_rebuild_counts_again(make_request, make_deployment):
    make_request(published=True)
    make_request(requester="CN", supplier="RU", published=True, status="delivered")
    make_deployment(published=True)
    RequestTally.objects.update(n=99)  # corrupt it: the rebuild puts it right
    rebuild_tallies()
    assert_all_match()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending: TRUNCATE refuses them
            cursor.execute("TRUNCATE tracker_citation CASCADE")  # and the claims on them (0028)
        assert stored_tallies() == live_tallies() and RequestTally.objects.counted().count() == 0


def test_a_count_taken_from_a_missing_row_leaves_no_negative_row(make_request):
    request = make_request(published=True)
    RequestTally.objects.all().delete()  # as a flush may, before the records
    request.delete()
    assert not RequestTally.objects.filter(n__lt=0).exists()


@pytest.mark.parametrize("after_a_load", [False, True])
def test_the_triggers_exist(after_a_load):
    """And are on again after the generator's load, which counts once at the end with them off."""
    if after_a_load:
        generate(requests=20, deployments=5, seed=3)
        assert_all_match()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%tally%'")
            expected = {f"{table}_tally_{event.split()[0].lower()}" for table, event in sqlite_bodies()}
            expected |= {_item_tallies.sqlite_name(table, event) for table, event in _item_tallies.sqlite_bodies()}
            expected |= {_type_periods.sqlite_name(table, event) for table, event in _type_periods.sqlite_bodies()}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE '%tally%' AND tgenabled = 'O'")
            expected = {f"{t}_tally_{e}" for t in WATCHED for e in ("insert", "update", "delete", "truncate")}
            expected |= {name for _, name in _item_tallies.pg_trigger_names()}
            expected |= {name for _, name in _type_periods.pg_trigger_names()}
        assert {name for (name,) in cursor.fetchall()} == expected


def test_the_rebuild_command_counts_again(make_request):
    make_request(published=True)
    PeriodTally.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_tallies", stdout=out)
    assert "counted again" in out.getvalue()
    assert_all_match()
