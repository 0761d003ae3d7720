"""CSV reports: the same rows as the page, streamed, safe to open in a spreadsheet."""

import csv
import datetime
import io
import tracemalloc

import pytest
from django.apps import apps
from django.db import connection
from django.http import StreamingHttpResponse
from django.utils import timezone

from tests.explorer_data import build
from tracker import reference
from tracker.explore import reports as exports
from tracker.models import ArmsRequest, Citation, Country, EquipmentType, RequestItem, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    return build()


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # UTF-8 BOM: Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def page_ids(client, query):
    return [r.pk for r in client.get("/requests/" + query).context["page"]]


def csv_ids(rows):
    ids = []
    for row in rows:
        if not ids or ids[-1] != int(row["request_id"]):
            ids.append(int(row["request_id"]))
    return ids


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?requester=VE",
        "?supplier=RU&supplier=CN&sort=requester",
        "?type=uav",
        "?date_from=2024&sort=date",
        "?q=jets",
    ],
)
def test_csv_rows_are_the_pages_rows_in_the_same_order(client, data, query):
    rows = read_csv(client.get("/requests.csv" + query))
    assert csv_ids(rows) == page_ids(client, query)


def test_one_row_per_item_and_one_for_a_request_without_items(client, data):
    rows = read_csv(client.get("/requests.csv"))
    assert list(rows[0].keys()) == exports.REQUEST_COLUMNS
    by_request = {}
    for row in rows:
        by_request.setdefault(int(row["request_id"]), []).append(row)
    requests, _ = data
    assert len(by_request[requests["cu_ru_sam"].pk]) == 2
    (coop,) = by_request[requests["ve_cn_coop"].pk]
    assert coop["equipment_type"] == "" and coop["description"] == "" and coop["sources"] == "Blog: Blog post"
    (jets,) = by_request[requests["ve_ru_jets"].pk]
    assert jets["date"] == "2025-10" and jets["date_precision"] == "month"
    assert (jets["requester"], jets["requester_iso2"], jets["asked_country_iso2"]) == ("Venezuela", "VE", "RU")
    assert (jets["system"], jets["quantity_asked"], jets["quantity_delivered"]) == ("Su-30MK2", "12", "")
    assert jets["best_reliability"] == "B" and jets["best_credibility"] == "2"
    assert jets["url"] == f"http://testserver/requests/{requests['ve_ru_jets'].pk}/"
    (undated,) = by_request[requests["by_ru_undated"].pk]
    assert undated["date"] == "" and undated["date_precision"] == ""


def test_formulas_are_neutralised_and_numbers_stay_numbers(client, data):
    rows = read_csv(client.get("/requests.csv?requester=CU"))
    descriptions = {row["description"] for row in rows}
    assert descriptions == {'\'=HYPERLINK("http://evil")', "'-radars"}
    assert {row["quantity_asked"] for row in rows} == {"2", ""}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        ("plain", "plain"),
        (-2, -2),
        (12, 12),
        (1.5, 1.5),
        (None, ""),
        (True, "yes"),
    ],
)
def test_neutralise(value, cell):
    assert exports.neutralise(value) == cell


def test_file_names_say_what_they_hold(client, data):
    today = datetime.date.today().isoformat()
    name = client.get("/requests.csv?requester=ve")["Content-Disposition"]
    assert name == f'attachment; filename="requests_requester-ve_{today}.csv"'  # as typed
    name = client.get("/requests.csv?supplier=RU&supplier=CN&type=uav&date_from=2025")["Content-Disposition"]
    assert name == f'attachment; filename="requests_supplier-RU+CN_type-uav_from-2025_{today}.csv"'
    assert client.get("/deployments.csv")["Content-Disposition"] == f'attachment; filename="deployments_{today}.csv"'
    name = client.get("/matrix.csv?type=uav")["Content-Disposition"]
    assert name == f'attachment; filename="matrix_type-uav_{today}.csv"'


def test_deployments_csv(client, data):
    rows = read_csv(client.get("/deployments.csv?country=RU"))
    (row,) = rows
    assert list(row.keys()) == exports.DEPLOYMENT_COLUMNS
    assert (row["system"], row["host_country_iso2"], row["start"], row["end"]) == ("S-400", "BY", "2022", "2023")
    assert row["personnel"] == ""


def test_matrix_csv(client, data):
    rows = list(csv.reader(io.StringIO(b"".join(client.get("/matrix.csv").streaming_content).decode("utf-8-sig"))))
    header, *body, footer = rows
    assert header[:2] == ["requester", "requester_iso2"] and header[-1] == "total"
    assert "Russia (RU)" in header
    ve = next(r for r in body if r[1] == "VE")
    assert ve[0] == "Venezuela (VE)"  # rows labelled as the columns are
    assert ve[header.index("Russia (RU)")] == "1" and ve[-1] == "3"
    assert footer[0] == "total" and footer[-1] == "5"


def bulk_requests(n, offset=0):
    ve, ru = Country.objects.get(iso2="VE"), Country.objects.get(iso2="RU")
    uav = EquipmentType.objects.get(slug="uav")
    source = Source.objects.get_or_create(outlet="Synthetic", title="SYNTHETIC test data, not a real report")[0]
    requests = ArmsRequest.objects.bulk_create(
        ArmsRequest(
            requester=ve,
            supplier=ru,
            date=datetime.date(2020, 1, 1),
            date_precision="year",
            summary=f"Synthetic request {offset + i} " + "x" * 200,
            published=True,
            published_at=timezone.now(),
        )
        for i in range(n)
    )
    RequestItem.objects.bulk_create(
        RequestItem(request=r, equipment_type=uav, description="synthetic drones", quantity_requested=i)
        for i, r in enumerate(requests)
    )
    Citation.objects.bulk_create(Citation(request=r, source=source, credibility=6) for r in requests)


def peak_memory_while_streaming(client):
    response = client.get("/requests.csv")
    tracemalloc.start()
    rows = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return rows, peak


def test_streaming_memory_does_not_grow_with_rows(client, monkeypatch):
    # Small chunks so a few thousand rows span many of them; production uses CHUNK=2000.
    monkeypatch.setattr(exports.streaming, "CHUNK", 200)
    bulk_requests(1000)
    rows_small, peak_small = peak_memory_while_streaming(client)
    bulk_requests(4000, offset=1000)
    rows_large, peak_large = peak_memory_while_streaming(client)
    assert (rows_small, rows_large) == (1001, 5001)
    # Five times the rows, about the same peak: memory is bound by the chunk, not the file.
    assert peak_large < peak_small * 1.5, (peak_small, peak_large)


def fail_after_first_chunk(body):
    def failing(report, **options):
        yield from list(body(report, **options))[:1]
        raise RuntimeError("the database went away")

    return failing


def test_a_download_failing_after_its_header_raises_and_is_logged(client, data, monkeypatch, caplog):
    """Raised, not swallowed: the server then cuts the connection, and no short file looks complete."""
    monkeypatch.setattr(exports.requests, "sql_rows", fail_after_first_chunk(exports.requests.sql_rows))
    monkeypatch.setattr(exports.requests, "copy_blocks", fail_after_first_chunk(exports.requests.copy_blocks))
    content = client.get("/requests.csv").streaming_content
    assert next(content).startswith("\ufeffrequest_id,".encode())
    with pytest.raises(RuntimeError, match="went away"):
        list(content)
    assert "failed after its first line" in caplog.text and "went away" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_download_left_halfway_ends_its_read_only_transaction(client, monkeypatch):
    """The response's close() closes the stream, so the transaction ends before the connection is reused."""
    reference.load_all(apps)  # a transactional test may start from empty tables
    build()
    seen = {}

    def recording(body):
        def recorded(report, **options):
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(
                        "SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')"
                    )
                    seen["snapshot"] = cursor.fetchone()
            seen["in_transaction"] = connection.in_atomic_block
            yield from body(report, **options)

        return recorded

    monkeypatch.setattr(exports.streaming, "LINES_PER_WRITE", 1)
    monkeypatch.setattr(exports.requests, "sql_rows", recording(exports.requests.sql_rows))
    monkeypatch.setattr(exports.requests, "copy_blocks", recording(exports.requests.copy_blocks))
    response = client.get("/requests.csv")
    content = iter(response.streaming_content)
    next(content), next(content)  # the header, then the first rows: the report's transaction is open
    assert seen["in_transaction"] and connection.in_atomic_block
    if connection.vendor == "postgresql":
        assert seen["snapshot"] == ("repeatable read", "on")
    else:
        assert connection.transaction_mode == "IMMEDIATE"  # deferred for the report's BEGIN only
    response.close()
    assert not connection.in_atomic_block and connection.get_autocommit()


def test_a_search_that_matches_nothing_is_an_empty_report_not_a_cut_download(client, make_request):
    make_request(published=True, summary="Radars for the coast")
    response = client.get("/requests.csv?q=zzzznothing")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1  # the header alone: before, the download was cut after it (EmptyResultSet)


def test_the_first_records_leave_before_the_rest_is_queried(client, data, monkeypatch):
    """The report's quick first part is written out whole before the query of the rest runs: on SQLite at
    1,000,000 requests that query sorts for 25 s before its first row, and the first lines waited for it."""
    monkeypatch.setattr(exports.requests.RequestReport, "FIRST", 2)
    asked = []
    plain_sql = exports.requests.RequestReport.sql

    def recording(report, part=None):
        asked.append(part)
        return plain_sql(report, part)

    monkeypatch.setattr(exports.requests.RequestReport, "sql", recording)
    content = iter(client.get("/requests.csv").streaming_content)
    assert next(content).startswith("\ufeff".encode())  # the header line
    first = next(content)
    assert asked == ["first"]  # the rest not queried yet
    first_ids = {line.split(b",")[0] for line in first.splitlines()}
    assert len(first_ids) == 2
    rest = b"".join(content)
    assert asked == ["first", "rest"] and rest
    assert not first_ids & {line.split(b",")[0] for line in rest.splitlines()}


def test_a_filter_seen_before_reuses_its_report_sql(client, data, monkeypatch):
    """The report's SQL is kept per filter and process: building its annotations cost the ORM more than a small
    filter's rows took to read and write (issue 24). A different filter, or other rows, build or read anew."""
    monkeypatch.setattr(exports.requests, "BUILT", {})
    built = []
    plain_build = exports.requests.RequestReport.build

    def recording(report, part=None):
        built.append(part)
        return plain_build(report, part)

    monkeypatch.setattr(exports.requests.RequestReport, "build", recording)
    first = read_csv(client.get("/requests.csv?requester=VE"))
    assert built == ["first", "rest"] and first
    assert read_csv(client.get("/requests.csv?requester=VE")) == first and built == ["first", "rest"]
    ArmsRequest.objects.filter(requester__iso2="VE").update(summary="changed since")
    again = read_csv(client.get("/requests.csv?requester=VE"))
    assert built == ["first", "rest"] and {row["summary"] for row in again} == {"changed since"}
    assert read_csv(client.get("/requests.csv?supplier=VE")) != first and built == ["first", "rest"] * 2
