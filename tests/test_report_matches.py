"""Reports say what matched: item_matched in /requests.csv, and /citations.csv for any request filter."""

import csv
import datetime
import io
import tracemalloc

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from tests.explorer_data import build
from tests.test_exports import bulk_requests
from tracker.columns import CITATION_COLUMNS, REQUEST_COLUMNS
from tracker.dates import iso_partial
from tracker.explore import reports
from tracker.models import ArmsRequest, Citation, Delivery

pytestmark = pytest.mark.django_db


def read_csv(response):
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(raw[1:], newline="")))


def matched(client, query):
    return [(row["description"], row["item_matched"]) for row in read_csv(client.get("/requests.csv" + query))]


REPAIRS = [
    "repairs for radars",
    "repairs for military aircraft",
    "restoring several Russian Sukhoi Su-30MK2 aircraft purchased by Venezuela",
    "possibly missile supplies",
]


# ------------------------------------------------------------ item_matched


def test_the_su30_export_marks_the_row_that_matched(client, demo):
    """The request holds four items; only the Su-30MK2 repair is what ?system=su-30mk2 asked for."""
    rows = read_csv(client.get("/requests.csv?system=su-30mk2"))
    assert list(rows[0]) == REQUEST_COLUMNS
    assert {row["asked_country_iso2"] for row in rows} == {"RU"}
    assert [(row["description"], row["system"], row["item_matched"]) for row in rows] == [
        (REPAIRS[0], "", "no"),
        (REPAIRS[1], "", "no"),
        (REPAIRS[2], "Su-30MK2", "yes"),
        (REPAIRS[3], "", "no"),
    ]


def test_several_values_of_a_filter_match_any_of_them(client, demo):
    assert matched(client, "?type=radar-sensor,missile&supplier=RU") == [
        (REPAIRS[0], "yes"),
        (REPAIRS[1], "no"),
        (REPAIRS[2], "no"),
        (REPAIRS[3], "yes"),
    ]


def test_an_item_matches_when_it_meets_every_item_filter(client, demo):
    """The request has a radar item and a Su-30MK2 item, so it is listed; no single item is both."""
    assert matched(client, "?type=radar-sensor&system=su-30mk2") == [(d, "no") for d in REPAIRS]
    assert matched(client, "?type=combat-aircraft&system=su-30mk2") == [
        (d, "yes" if d == REPAIRS[2] else "no") for d in REPAIRS
    ]


@pytest.mark.parametrize(
    "query", ["", "?country=VE", "?requester=VE&date_from=2025", "?status=requested&sort=supplier"]
)
def test_without_an_item_filter_every_row_matches(client, demo, query):
    rows = read_csv(client.get("/requests.csv" + query))
    assert rows and {row["item_matched"] for row in rows} == {"yes"}


def test_delivery_years_are_item_filters_too(client, make_request):
    request = make_request(published=True)
    delivered = request.items.get()
    other = request.items.create(equipment_type=delivered.equipment_type, description="more drones")
    Delivery.objects.create(item=delivered, year=1998, quantity=None)
    Delivery.objects.create(item=other, year=2004, quantity=None)
    assert matched(client, "?delivered_in=1998") == [("drones", "yes"), ("more drones", "no")]
    assert matched(client, "?delivered_from=1999&delivered_to=2010") == [("drones", "no"), ("more drones", "yes")]
    assert matched(client, "?delivered_from=1990") == [("drones", "yes"), ("more drones", "yes")]


def test_the_column_costs_no_query(client, demo):
    """An item filter costs its lookup, like any filter; item_matched itself is a column of the report's queries."""
    without = len(captured_queries(client, "/requests.csv?country=VE"))
    with_item_filter = len(captured_queries(client, "/requests.csv?system=su-30mk2"))
    assert with_item_filter == without


def captured_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        read_csv(client.get(url))
    return captured.captured_queries


# ----------------------------------------------------------- citations.csv


@pytest.fixture
def data(db):
    return build()


def test_citations_csv_has_a_row_per_citation_of_the_pages_requests(client, demo):
    rows = read_csv(client.get("/citations.csv?country=VE"))
    assert list(rows[0]) == CITATION_COLUMNS
    page = [r.pk for r in client.get("/requests/?country=VE").context["page"]]
    in_order = list(dict.fromkeys(int(row["request_id"]) for row in rows))
    assert in_order == page  # the page's requests, in its order
    assert len(rows) == Citation.objects.filter(request__in=page).count()
    repairs = ArmsRequest.objects.get(external_id="demo:2025-ve-ru-repairs")
    post = next(row for row in rows if row["request_id"] == str(repairs.pk) and row["location"])
    assert post["request_url"] == f"http://testserver/requests/{repairs.pk}/"
    assert (post["requester"], post["asked_country"]) == ("Venezuela", "Russia")
    assert post["quote"].startswith("In a letter to Moscow, Maduro requested repairs for radars")
    assert post["location"] == "as relayed by Newsmax"
    assert (post["credibility"], post["credibility_label"]) == ("2", "2: probably true")
    assert (post["source_reliability"], post["source_reliability_label"]) == ("B", "B: usually reliable")
    citation = repairs.citations.select_related("source").get(location="as relayed by Newsmax")
    source = citation.source
    assert (post["source_outlet"], post["source_title"], post["source_url"]) == (
        source.outlet,
        source.title,
        source.url,
    )
    assert (post["source_kind"], post["source_date_precision"]) == (
        source.get_kind_display(),
        source.published_precision,
    )
    assert post["source_date"] == iso_partial(source.published_on, source.published_precision)


def test_citations_within_a_request_come_best_first(client, data):
    requests, _ = data
    jets = requests["ve_ru_jets"]
    worse = Citation.objects.create(source=Citation.objects.first().source, request=jets, credibility=5, quote="x")
    better = Citation.objects.create(source=worse.source, request=jets, credibility=1, quote="y")
    rows = [row for row in read_csv(client.get("/citations.csv")) if row["request_id"] == str(jets.pk)]
    assert [row["credibility"] for row in rows] == ["1", "2", "5"]
    assert rows[0]["quote"] == better.quote and rows[-1]["quote"] == worse.quote


def test_citations_csv_never_shows_a_draft(client, data):
    requests, _ = data
    ids = {int(row["request_id"]) for row in read_csv(client.get("/citations.csv"))}
    assert ids == set(ArmsRequest.objects.published().values_list("pk", flat=True))
    assert requests["draft"].pk not in ids and requests["uncited"].pk not in ids
    assert read_csv(client.get("/citations.csv?requester=RS")) == []  # only a draft and an uncited request


@pytest.mark.parametrize(("query", "parameter"), [("?country=XX", "country"), ("?date_to=2025-02-30", "date_to")])
def test_citations_csv_bad_parameter_is_a_400_that_names_it(client, data, query, parameter):
    response = client.get("/citations.csv" + query)
    assert response.status_code == 400
    assert [name for name, _ in response.context["errors"]] == [parameter]


def test_citations_csv_is_named_for_its_filter_and_streams_in_chunks(
    client, data, monkeypatch, django_assert_num_queries
):
    today = datetime.date.today().isoformat()
    response = client.get("/citations.csv?requester=VE")
    assert response["Content-Disposition"] == f'attachment; filename="citations_requester-VE_{today}.csv"'
    monkeypatch.setattr(reports.streaming, "CHUNK", 2)
    everything = ArmsRequest.objects.published().count()
    assert everything == 5
    # One query for the requests (read as they come), two per chunk of 2 (3 chunks): their citations and
    # their sources' evidence (Source.with_evidence()), and the report's snapshot: here, inside the test's
    # transaction, a savepoint (2 queries).
    with django_assert_num_queries(1 + 3 * 2 + 2):
        rows = read_csv(client.get("/citations.csv"))
    assert len(rows) == Citation.objects.filter(request__in=ArmsRequest.objects.published()).count()


def test_the_requests_list_links_to_the_citations_of_its_filter(client, data):
    html = client.get("/requests/?country=VE&type=uav&sort=date").content.decode()
    assert 'href="/citations.csv?country=VE&amp;type=uav&amp;sort=date"' in html


def peak_memory(client, url):
    response = client.get(url)
    tracemalloc.start()
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return lines, peak


def test_citations_csv_memory_does_not_grow_with_rows(client, monkeypatch):
    monkeypatch.setattr(reports.streaming, "CHUNK", 200)  # several chunks even here; production reads 2000
    bulk_requests(1000)
    lines_small, peak_small = peak_memory(client, "/citations.csv")
    bulk_requests(4000, offset=1000)
    lines_large, peak_large = peak_memory(client, "/citations.csv")
    assert (lines_small, lines_large) == (1001, 5001)
    assert peak_large < peak_small * 1.5, (peak_small, peak_large)
