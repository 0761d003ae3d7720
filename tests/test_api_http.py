"""Conditional GET on the API: ETag and Last-Modified from what the answer shows, a 304 from the data version,
which every kind of write changes (tests/test_api_validators.py: what the public never sees leaves them)."""

import pytest
from django.core.cache import cache
from django.db import connection

from tracker.intake.engine import run_import
from tracker.models import ArmsRequest, Citation, DataVersion, ImportRun, RequestItem, Source
from tracker.models.freshness import UNWATCHED, WATCHED

pytestmark = pytest.mark.django_db
DATA_FILE = __import__("pathlib").Path(__file__).parent / "data" / "sipri_current_sample.csv"


@pytest.fixture(autouse=True)
def no_throttle_memory():
    cache.clear()


@pytest.fixture
def published(make_request):
    return make_request(published=True)


def etag(client, path="/api/requests/"):
    response = client.get(path)
    assert response.status_code == 200
    return response["ETag"]


def test_a_304_runs_one_tiny_query_and_keeps_the_caching_headers(client, published, django_assert_num_queries):
    first = client.get("/api/requests/?country=VE")
    assert first["Cache-Control"] == "public, max-age=60"
    assert {"Accept", "origin"} <= {v.strip() for v in first["Vary"].split(",")}
    assert first["Last-Modified"].endswith(" GMT")
    with django_assert_num_queries(1):  # the data version: no filter, no list query
        again = client.get("/api/requests/?country=VE", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "public, max-age=60"
    since = client.get("/api/requests/?country=VE", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get("/api/requests/?country=VE", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_each_address_and_form_has_its_own_tag(client, published):
    tags = {
        etag(client, path)
        for path in (
            "/api/requests/",
            "/api/requests/?country=VE",
            "/api/requests.jsonl",
            f"/api/requests/{published.pk}/",
            "/api/deployments/",
        )
    }
    assert len(tags) == 5
    json_tag = client.get("/api/deployments/")["ETag"]
    lines_tag = client.get("/api/deployments/", headers={"Accept": "application/jsonl"})["ETag"]
    assert json_tag != lines_tag


def test_a_jsonl_download_answers_304_too(client, published):
    tag = etag(client, "/api/requests.jsonl?country=VE")
    assert client.get("/api/requests.jsonl?country=VE", headers={"If-None-Match": tag}).status_code == 304


def raw_sql(request):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tracker_armsrequest SET summary = 'raw' WHERE id = %s", [request.pk])


def orm_save(request):
    request = ArmsRequest.objects.get(pk=request.pk)
    request.summary = "saved"
    request.save()


# Each write, and whether the country page of the record's requester shows it (its counts) too.
WRITES = {
    "save through the ORM": orm_save,
    "queryset update": lambda r: ArmsRequest.objects.filter(pk=r.pk).update(summary="updated"),
    "delete of a citation": lambda r: Citation.objects.filter(request=r).delete(),
    "delete of the record": lambda r: ArmsRequest.objects.filter(pk=r.pk).delete(),
    "unpublish action": lambda r: ArmsRequest.objects.filter(pk=r.pk).unpublish(),
    "bulk_create of items": lambda r: RequestItem.objects.bulk_create(
        [RequestItem(request=r, equipment_type=r.items.get().equipment_type, description="more")]
    ),
    "bulk_update of items": lambda r: RequestItem.objects.bulk_update(
        [RequestItem(pk=r.items.get().pk, description="changed")], ["description"]
    ),
    "source edit": lambda r: Source.objects.update(title="Retitled"),
    "country rename": lambda r: r.requester.__class__.objects.filter(pk=r.requester_id).update(name="Venezuela!"),
    "raw SQL": raw_sql,
}


COUNTED = {"delete of a citation", "delete of the record", "unpublish action", "country rename"}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_kind_of_write_changes_the_tag_of_what_shows_it(client, published, write):
    country = f"/api/countries/{published.requester.code}/"
    before = etag(client), etag(client, country)
    WRITES[write](published)
    after = etag(client), etag(client, country)
    assert after[0] != before[0]
    assert (after[1] != before[1]) == (write in COUNTED)


def test_publishing_a_draft_and_an_import_change_the_tag(client, make_request, editor):
    draft = make_request(published=False)
    before = etag(client)
    assert ArmsRequest.objects.filter(pk=draft.pk).publish(editor)[0] == 1
    published = etag(client)
    assert published != before
    run_import("requests", DATA_FILE.read_bytes(), "sipri_current_sample.csv", dry_run=False, publish=True)
    assert etag(client) != published


def test_what_the_public_never_sees_does_not_change_the_tag(client, published, editor):
    before = etag(client)
    ImportRun.objects.create(kind="requests", file_name="x.csv", file_format="ours", state="previewed", user=editor)
    assert etag(client) == before


def test_the_version_grows_with_each_write_and_starts_from_the_clock(published):
    version, changed_at = DataVersion.objects.current()
    assert version > 10**15 and changed_at is not None  # microseconds since 1970, from the first row
    ArmsRequest.objects.filter(pk=published.pk).update(summary="again")
    assert DataVersion.objects.current()[0] > version


def triggers():
    """{table: number of data-version triggers on it}."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        found = {}
        for table, name in cursor.fetchall():
            if "data_version" in name and table != "tracker_dataversion":
                found[table.strip('"')] = found.get(table.strip('"'), 0) + 1
        return found


def test_every_table_the_public_reads_is_watched():
    from django.apps import apps

    tables = {model._meta.db_table for model in apps.get_app_config("tracker").get_models()}
    assert tables == set(WATCHED) | set(UNWATCHED)
    per_table = 3 if connection.vendor == "sqlite" else 2  # insert, update, delete / statement, truncate
    assert triggers() == dict.fromkeys(WATCHED, per_table)
