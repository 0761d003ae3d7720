"""The synthetic data generator and the two export paths (COPY on PostgreSQL, a cursor elsewhere)."""

import csv
import datetime
import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Now

from tests.explorer_data import build
from tracker.dates import iso_partial
from tracker.explore import reports as exports
from tracker.explore.filters import DeploymentFilter, RequestFilter
from tracker.models import (
    ArmsRequest,
    Citation,
    Country,
    Delivery,
    Deployment,
    Person,
    RequestItem,
    Source,
    System,
)
from tracker.models.indexing import refresh_deployment_text, refresh_search_text

pytestmark = pytest.mark.django_db


def generated(**options):
    call_command("generate_data", **{"requests": 300, "deployments": 40, "systems": 30, "persons": 20, **options})


def test_generator_makes_published_cited_records_shaped_like_a_register():
    generated()
    requests = ArmsRequest.objects.filter(external_id__startswith="synthetic:")
    assert requests.count() == 300
    assert requests.published().count() == 300 and not requests.uncited().exists()
    assert Deployment.objects.published().filter(external_id__startswith="synthetic:").count() == 40
    assert (System.objects.count(), Person.objects.count()) == (30, 20)
    assert all(summary.startswith("SYNTHETIC") for summary in requests.values_list("summary", flat=True))
    items = requests.annotate(n=Count("items")).values_list("n", flat=True)
    assert set(items) <= {1, 2, 3, 4, 5} and len(set(items)) >= 3
    assert set(requests.values_list("date_precision", flat=True)) == {"day", "month", "year", ""}
    # A few countries supply most: the busiest supplier is asked far more than an even share.
    busiest = requests.values("supplier").annotate(n=Count("id")).order_by("-n").first()["n"]
    assert busiest > 3 * 300 / Country.objects.count()
    assert set(Citation.objects.values_list("credibility", flat=True)) <= set(range(1, 7))
    assert Source.objects.filter(title__startswith="SYNTHETIC").exists()


def test_generator_writes_the_search_documents_the_site_would():
    generated(requests=50, deployments=20)
    before = dict(ArmsRequest.objects.values_list("pk", "search_text"))
    refresh_search_text(list(before))
    assert dict(ArmsRequest.objects.values_list("pk", "search_text")) == before
    word = RequestItem.objects.first().description.split()[-1]
    assert ArmsRequest.objects.filter(pk__in=RequestFilter({"q": word}).qs.values("pk")).exists()
    deployments = dict(Deployment.objects.values_list("pk", "search_text"))
    assert refresh_deployment_text(list(deployments)) == 0 and all(deployments.values())
    word = Deployment.objects.first().description.split()[-1]
    assert DeploymentFilter({"q": word}, queryset=Deployment.objects.all()).qs.exists()


def test_the_same_seed_gives_the_same_data_and_the_id_sequences_stay_usable():
    def snapshot():
        return list(ArmsRequest.objects.order_by("pk").values_list("summary", "date", "status", "search_text"))

    with transaction.atomic():
        generated(requests=20, deployments=5, seed=7)
        first = snapshot()
        transaction.set_rollback(True)
    generated(requests=20, deployments=5, seed=7)
    assert snapshot() == first
    fresh = ArmsRequest.objects.create(
        requester=Country.objects.get(iso2="VE"), supplier=Country.objects.get(iso2="RU"), summary="After the load"
    )
    assert fresh.pk > max(ArmsRequest.objects.exclude(pk=fresh.pk).values_list("pk", flat=True))


def test_generator_refuses_negative_counts():
    with pytest.raises(SystemExit):
        call_command("generate_data", requests=-1)
    assert not ArmsRequest.objects.exists()


# ------------------------------------------------------------------ exports


def item_matches(item_filters):
    """item_matched in Python: the item satisfies every item filter given (RequestFilter.item_filters)."""

    def matches(item):
        years = item_filters.get("delivered")
        return (
            item.equipment_type in item_filters.get("type", [item.equipment_type])
            and item.system in item_filters.get("system", [item.system])
            and (not years or Delivery.objects.filter(item=item, **years).exists())
        )

    return matches


def expected_rows(queryset, base_url, item_filters=None):
    """What the report must hold, computed in Python the slow, obvious way (the former export code)."""
    matches = item_matches(item_filters or {})
    items, citations = defaultdict(list), defaultdict(list)
    deliveries = defaultdict(list)
    for delivery in Delivery.objects.order_by("year"):
        deliveries[delivery.item_id].append(str(delivery))
    for item in RequestItem.objects.select_related("equipment_type", "system").order_by("id"):
        items[item.request_id].append(item)
    for citation in Citation.objects.select_related("source").order_by("credibility", "id"):
        citations[citation.request_id].append(citation)
    for r in queryset.select_related("requester", "supplier", "requested_by", "addressed_to"):
        cited = citations[r.pk]
        sources = "; ".join(dict.fromkeys(f"{c.source.outlet}: {c.source.title}" for c in cited))
        common = [
            r.pk,
            str(r.uid),
            iso_partial(r.date, r.date_precision),
            r.date_precision,
            "yes" if r.date_estimated else "no",
            r.requester.name,
            r.requester.iso2 or "",
            r.supplier.name,
            r.supplier.iso2 or "",
            r.requested_by.name if r.requested_by else "",
            r.addressed_to.name if r.addressed_to else "",
            r.get_channel_display(),
            r.get_status_display(),
        ]
        tail = [
            r.summary,
            sources,
            min((c.source.reliability for c in cited), default=""),
            min((c.credibility for c in cited), default=None),
            r.published_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            r.updated_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            f"{base_url}/requests/{r.pk}/",
        ]
        if not items[r.pk]:
            yield [*common, "", "", "", "", "", None, "", None, "", "", "no" if item_filters else "yes", *tail]
        for i in items[r.pk]:
            what = [i.equipment_type.name, i.system.designation if i.system else "", i.description]
            quantities = [
                i.quantity_requested,
                "yes" if i.quantity_requested_estimated else "no",
                i.quantity_delivered,
                "yes" if i.quantity_delivered_estimated else "no",
                "; ".join(deliveries[i.pk]),
                "yes" if matches(i) else "no",
            ]
            yield [*common, *what, i.get_help_kind_display(), "yes" if i.hedged else "no", *quantities, *tail]


def as_csv(rows, neutralise=True):
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([exports.neutralise(cell) for cell in row] if neutralise else row)
    return list(csv.reader(io.StringIO(out.getvalue())))


def tricky_records():
    """Cells a spreadsheet would run, line breaks, quotes, no items, no date, a source cited twice."""
    data = build()
    ve, ru = Country.objects.get(iso2="VE"), Country.objects.get(iso2="RU")
    source = Source.objects.create(outlet='=HYPERLINK("x")', title='Quote "this", please', reliability="B")
    other = Source.objects.create(outlet="@Outlet", title="Second", reliability="A")
    r = ArmsRequest.objects.create(
        requester=ve, supplier=ru, summary="-2+3 asked\nover two lines", published=False, date=None, date_precision=""
    )
    Citation.objects.create(request=r, source=source, credibility=4)
    Citation.objects.create(request=r, source=other, credibility=2)
    Citation.objects.create(request=r, source=source, credibility=1)
    ArmsRequest.objects.filter(pk=r.pk).update(published=True, published_at=Now())
    item_type = RequestItem.objects.first().equipment_type
    RequestItem.objects.create(request=r, equipment_type=item_type, description="+1 drone", hedged=True)
    tabbed = RequestItem.objects.create(
        request=r,
        equipment_type=item_type,
        description="\tTabbed",
        quantity_requested=3,
        quantity_requested_estimated=True,
        quantity_delivered=2,
    )
    Delivery.objects.create(item=tabbed, year=1999, quantity=None, estimated=True)
    Delivery.objects.create(item=tabbed, year=1998, quantity=1, estimated=True)
    Delivery.objects.create(item=tabbed, year=2000, quantity=1)
    Delivery.objects.create(item=tabbed, year=2001)
    ArmsRequest.objects.filter(pk=data[0]["ve_ir_drones"].pk).update(date_estimated=True)
    return data


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=requester",
        "sort=-status&country=VE",
        "type=uav",
        "q=drones",
        "system=shahed-136&type=uav",
        "delivered_in=1999",
    ],
)
def test_the_sql_report_holds_the_obvious_rows_in_the_same_order(query, monkeypatch):
    tricky_records()
    generated(requests=120, deployments=0, systems=10, persons=10)
    monkeypatch.setattr(exports.RequestReport, "FIRST", 7)  # the split between the two parts falls inside the data
    params = dict(p.split("=") for p in query.split("&") if p)
    filterset = RequestFilter(params, queryset=ArmsRequest.objects.published())
    qs = filterset.qs
    expected = as_csv(expected_rows(qs, "http://testserver", filterset.item_filters()))
    report = exports.RequestReport(qs, "http://testserver", filterset.item_filters())
    with exports.report_transaction():
        through_cursor = as_csv(exports.sql_rows(report), neutralise=False)
    assert through_cursor == expected
    assert len(expected) > 100 or query
    matched = {row[exports.REQUEST_COLUMNS.index("item_matched")] for row in expected}
    if not filterset.item_filters():
        assert matched <= {"yes"}
    elif query.startswith("delivered_in"):
        assert matched == {"yes", "no"}  # "+1 drone", of the request delivered in 1999, but not itself
    if connection.vendor == "postgresql":
        with exports.report_transaction():
            copied = b"".join(exports.copy_blocks(report)).decode()
        assert list(csv.reader(io.StringIO(copied))) == expected
    formulas = [cell for row in expected for cell in row if cell and cell[0] in "=+-@\t"]
    assert not formulas  # every one got its quote
    assert any(cell.startswith("'=HYPERLINK") for row in expected for cell in row) or query


def test_the_download_is_the_same_file_on_every_database(client):
    tricky_records()
    response = client.get("/requests.csv?sort=requester")
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    published = ArmsRequest.objects.published()
    expected = as_csv(expected_rows(RequestFilter({"sort": "requester"}, queryset=published).qs, "http://testserver"))
    assert [list(row.values()) for row in rows] == expected
    assert "\r\n" not in raw.replace('"\r\n', "")  # one line ending, as COPY writes it
    weird = [row for row in rows if row["summary"].startswith("'-2+3")]
    assert [row["description"] for row in weird] == ["'+1 drone", "'\tTabbed"]
    assert weird[0]["sources"] == '\'=HYPERLINK("x"): Quote "this", please; @Outlet: Second'
    assert (weird[0]["best_reliability"], weird[0]["best_credibility"], weird[0]["date"]) == ("A", "1", "")
    tabbed = weird[1]
    assert (tabbed["quantity_asked"], tabbed["quantity_asked_estimated"]) == ("3", "yes")
    assert (tabbed["quantity_delivered"], tabbed["quantity_delivered_estimated"]) == ("2", "no")
    assert tabbed["deliveries"] == "1998: 1?; 1999: ?; 2000: 1; 2001"
    assert weird[0]["deliveries"] == "" and weird[0]["quantity_asked_estimated"] == "no"
    drones = next(row for row in rows if row["description"] == "drones" and row["asked_country_iso2"] == "IR")
    assert (drones["date"], drones["date_estimated"]) == ("2025", "yes")


def test_report_dates_keep_their_precision():
    build()
    report = exports.RequestReport(ArmsRequest.objects.published().order_by("pk"), "http://x")
    with exports.report_transaction():
        dates = {(row[2], row[3]) for row in exports.sql_rows(report)}
    for text, precision in dates:
        assert len(text or "") == {"day": 10, "month": 7, "year": 4, "": 0}[precision]
        if text:
            datetime.date.fromisoformat(text + {"day": "", "month": "-01", "year": "-01-01"}[precision])
