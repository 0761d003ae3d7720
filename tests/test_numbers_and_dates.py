"""Issue 23, "wrong numbers" and "records have no dates": the CSV links say their shape and row count, the
requests come in two shapes from one query, file names say the filter as typed, the home page counts the
countries /countries/ lists, and records carry their first-published and last-changed times (API and CSV)."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import opened_state
from tracker.columns import DEPLOYMENT_COLUMNS, REQUEST_COLUMNS, REQUEST_RECORD_COLUMNS
from tracker.explore import views
from tracker.intake.decoding import ImportFailed
from tracker.intake.engine import run_import
from tracker.models import ArmsRequest, Deployment, RequestItem

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today().isoformat()
STAMP = "%Y-%m-%dT%H:%M:%SZ"


def download(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def links(client, query=""):
    """The two CSV links' texts on the list page."""
    page = client.get(f"/requests/{query}").content.decode()
    found = re.findall(r'<a [^>]*href="/requests(?:-by-record)?\.csv[^"]*"[^>]*>([^<]*)</a>', page)
    assert len(found) == 2, found
    return found


def stamp(value):
    return value.astimezone(datetime.UTC).strftime(STAMP)


# ------------------------------------------------------------ the CSV links say what the file holds


def test_the_links_say_one_row_per_item_and_the_count_of_each_file(client, demo):
    # Venezuela → Russia: one request of four items, as in the issue.
    assert links(client, "?requester=VE&supplier=RU") == [
        "Download CSV, one row per item: 4 rows",
        "CSV, one row per request: 1 row",
    ]
    assert len(download(client, "/requests.csv?requester=VE&supplier=RU")) == 4
    assert len(download(client, "/requests-by-record.csv?requester=VE&supplier=RU")) == 1
    # Every request: 2 + 3 + 4 + 1 items.
    assert links(client) == ["Download CSV, one row per item: 10 rows", "CSV, one row per request: 4 rows"]
    assert len(download(client, "/requests.csv")) == 10
    assert "/requests.csv" not in client.get("/requests/?requester=XX").content.decode()  # a bad filter: no links


def test_a_request_without_items_is_one_row_of_the_item_shape(client, demo):
    request = ArmsRequest.objects.get(requester__iso2="VE", supplier__iso2="CN")
    request.items.all().delete()
    assert links(client, "?supplier=CN") == ["Download CSV, one row per item: 1 row", "CSV, one row per request: 1 row"]
    assert len(download(client, "/requests.csv?supplier=CN")) == 1
    [row] = download(client, "/requests-by-record.csv?supplier=CN")
    assert (row["items"], row["item_count"]) == ("", "0")


def test_a_page_of_many_counts_the_rows_in_its_one_capped_count(client, demo, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 3)  # four requests: two pages, so the page counts
    with CaptureQueriesContext(connection) as ctx:
        assert links(client) == ["Download CSV, one row per item: 10 rows", "CSV, one row per request: 4 rows"]
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 1001" in counts[0].upper()  # the count the page made before, no more
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    assert links(client) == [
        "Download CSV, one row per item: more than 2 rows",
        "CSV, one row per request: more than 2 rows",
    ]


# ------------------------------------------------------------ one row per request, from the same query


def test_one_row_per_request_joins_the_items_in_one_cell(client, demo):
    [row] = download(client, "/requests-by-record.csv?requester=VE&supplier=RU")
    assert list(row) == REQUEST_RECORD_COLUMNS
    assert row["items"] == (
        "repairs for radars (Radar / sensor, Repair / overhaul); "
        "repairs for military aircraft (Other or unspecified aircraft, Repair / overhaul); "
        "Su-30MK2 (Combat aircraft, Repair / overhaul); "
        "possibly missile supplies (Missile, New supply)"
    )
    assert row["item_count"] == "4" and (row["requester_iso2"], row["asked_country_iso2"]) == ("VE", "RU")
    per_item = download(client, "/requests.csv?requester=VE&supplier=RU")
    shared = [c for c in REQUEST_RECORD_COLUMNS if c in REQUEST_COLUMNS]
    assert all({c: r[c] for c in shared} == {c: row[c] for c in shared} for r in per_item)


def test_the_importer_refuses_the_one_row_per_request_file(client, demo, editor):
    raw = client.get("/requests-by-record.csv").streaming_content
    before = list(ArmsRequest.objects.values_list("pk", "updated_at").order_by("pk"))
    with pytest.raises(ImportFailed, match=r"lacks the column\(s\): equipment_type, system"):
        run_import("requests", b"".join(raw), "by-record.csv", dry_run=False, user=editor)
    assert list(ArmsRequest.objects.values_list("pk", "updated_at").order_by("pk")) == before


@pytest.mark.parametrize(
    "query", ["", "?sort=requester", "?sort=-date&supplier=IR", "?type=uav", "?system=su-30mk2", "?q=drones"]
)
def test_both_shapes_hold_the_same_requests_in_the_same_order(client, demo, query):
    per_item = [row["request_id"] for row in download(client, f"/requests.csv{query}")]
    per_record = [row["request_id"] for row in download(client, f"/requests-by-record.csv{query}")]
    assert per_record == list(dict.fromkeys(per_item)) and per_record


def test_a_filter_matching_nothing_gives_the_header_alone(client, demo):
    response = client.get("/requests-by-record.csv?q=zzzzqqq")
    assert b"".join(response.streaming_content).decode("utf-8-sig") == ",".join(REQUEST_RECORD_COLUMNS) + "\n"


def test_item_cells_are_guarded_and_say_estimates(client, demo):
    request = ArmsRequest.objects.get(requester__iso2="VE", supplier__iso2="CN")
    item = request.items.get()
    RequestItem.objects.filter(pk=item.pk).update(description="=HYPERLINK(1)")
    RequestItem.objects.create(
        request=request,
        equipment_type=item.equipment_type,
        description="",
        help_kind="supply",
        quantity_requested=400,
        quantity_requested_estimated=True,
    )
    [row] = download(client, "/requests-by-record.csv?supplier=CN")
    # A spreadsheet never runs the cell; the quantity comes first, ≈ when estimated; no words: the type.
    assert row["items"] == "'=HYPERLINK(1) (Other, Cooperation); ≈400 Other (Other, New supply)"
    assert client.get("/requests-by-record.csv?requester=XX").status_code == 400


# ------------------------------------------------------------ file names say the filter as typed


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/requests.csv?requester=RU&date_from=2020", "requests_requester-RU_from-2020"),
        ("/requests.csv?requester=ru&date_from=2020-01&date_to=2025", "requests_requester-ru_from-2020-01_to-2025"),
        ("/requests.csv?supplier=RU,%20CN&type=uav", "requests_supplier-RU+CN_type-uav"),
        ("/requests.csv?supplier=RU&supplier=CN", "requests_supplier-RU+CN"),
        ("/requests.csv?q=dr%C3%B4nes%20%2F%20jets&sort=requester", "requests_q-drones-jets"),
        ("/requests.csv?delivered_in=1998", "requests_delivered-in-1998"),
        ("/requests.csv", "requests"),
        ("/requests-by-record.csv?country=Venezuela", "requests-by-record_country-Venezuela"),
        ("/deployments.csv?country=US&active_on=2025", "deployments_country-US_active-on-2025"),
        ("/matrix.csv?type=uav", "matrix_type-uav"),
        ("/citations.csv?requester=VE", "citations_requester-VE"),
    ],
)
def test_file_names_say_the_filters_as_typed_and_the_day_once(client, demo, path, name):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}_{TODAY}.csv"'


# ------------------------------------------------------------ the home page counts what /countries/ lists


def test_home_counts_the_countries_and_parties_that_countries_lists(client, demo):
    home = client.get("/")
    listed = client.get("/countries/")
    # Venezuela, Iran, Russia and China in requests; the United States only through its deployments.
    assert home.context["country_count"] == listed.context["count"] == 5
    assert {t.subject.iso2 for t in listed.context["page"]} == {"VE", "IR", "RU", "CN", "US"}
    page = home.content.decode()
    assert '<dt>Countries and parties involved</dt><dd><a href="/countries/">5</a></dd>' in page
    assert "<strong>5</strong> countries and parties" in listed.content.decode()
    Deployment.objects.update(published=False)  # and only what is published counts, on both
    assert client.get("/").context["country_count"] == client.get("/countries/").context["count"] == 4


# ------------------------------------------------------------ records' own dates: API and CSV


def test_api_records_carry_first_published_and_last_changed(client, demo):
    request = ArmsRequest.objects.published().first()
    record = client.get(f"/api/requests/{request.pk}/").json()
    assert (record["first_published"], record["last_changed"]) == (
        stamp(request.published_at),
        stamp(request.changed_at),
    )
    listed = {r["id"]: r for r in client.get("/api/requests/").json()["results"]}
    assert listed[request.pk]["first_published"] == record["first_published"]
    deployment = Deployment.objects.published().first()
    record = client.get(f"/api/deployments/{deployment.pk}/").json()
    assert (record["first_published"], record["last_changed"]) == (
        stamp(deployment.published_at),
        stamp(deployment.changed_at),
    )
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    for name in ("Request", "Deployment"):
        assert schema[name]["properties"]["first_published"]["format"] == "date-time"
        assert "last_changed" in schema[name]["required"]


def test_csv_files_carry_the_same_times(client, demo):
    requests = {str(r.pk): r for r in ArmsRequest.objects.published()}
    for path in ("/requests.csv", "/requests-by-record.csv"):
        for row in download(client, path):
            r = requests[row["request_id"]]
            assert (row["first_published"], row["last_changed"]) == (stamp(r.published_at), stamp(r.changed_at))
    rows = download(client, "/deployments.csv")
    assert list(rows[0]) == DEPLOYMENT_COLUMNS and len(rows) == 4
    for row in rows:
        d = Deployment.objects.get(pk=row["deployment_id"])
        assert (row["first_published"], row["last_changed"]) == (stamp(d.published_at), stamp(d.changed_at))


def test_an_admin_edit_moves_last_changed_and_keeps_first_published(editor_client, make_request):
    request = make_request(published=True)
    first, before = request.published_at, request.changed_at
    item, citation = request.items.get(), request.citations.get()
    change = f"/admin/tracker/armsrequest/{request.pk}/change/"
    data = {
        "requester": request.requester_id,
        "supplier": request.supplier_id,
        "summary": "Venezuela asks Russia again",
        "status": request.status,
        "channel": request.channel,
        "date": "2025-10",
        "date_precision": "month",
        "published": "on",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-0-id": item.pk,
        "items-0-request": request.pk,
        "items-0-equipment_type": item.equipment_type_id,
        "items-0-description": item.description,
        "items-0-help_kind": item.help_kind,
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "1",
        "citations-0-id": citation.pk,
        "citations-0-request": request.pk,
        "citations-0-source": citation.source_id,
        "citations-0-credibility": "2",
        "citations-0-quote": citation.quote,
        "opened_state": opened_state(editor_client, change),
    }
    response = editor_client.post(change, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    request.refresh_from_db()
    assert request.summary == "Venezuela asks Russia again"
    assert request.published_at == first and request.changed_at > before
    record = editor_client.get(f"/api/requests/{request.pk}/").json()
    assert record["last_changed"] == stamp(request.changed_at)


def test_an_import_update_moves_last_changed(client, make_request, editor):
    request = make_request(published=True)
    ArmsRequest.objects.filter(pk=request.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    first, before = request.published_at, ArmsRequest.objects.get(pk=request.pk).changed_at
    exported = b"".join(client.get("/requests.csv").streaming_content).decode("utf-8-sig")
    edited = exported.replace("VE asks RU", "VE asks RU again")
    run = run_import("requests", edited.encode(), "edited.csv", dry_run=False, user=editor)
    assert run.updated == 1, run.problems
    request.refresh_from_db()
    assert request.summary == "VE asks RU again"
    assert request.published_at == first and request.changed_at > before
    # An import that changes only a record's items changes the record too.
    ArmsRequest.objects.filter(pk=request.pk).update(updated_at=before)
    exported = b"".join(client.get("/requests.csv").streaming_content).decode("utf-8-sig")
    items_only = exported.replace(",drones,", ",drones and radars,")
    assert items_only != exported
    run_import("requests", items_only.encode(), "items.csv", dry_run=False, user=editor)
    request.refresh_from_db()
    assert request.items.get().description == "drones and radars" and request.changed_at > before
