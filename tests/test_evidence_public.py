"""What the public and the API see of the evidence (issue 21): when a copy was kept, its hash, whether the
original is gone; the copy itself (text, WARC) only where settings.EVIDENCE_PUBLIC allows, and only for
the sources of published records. Captures and checks are written here directly, as a capture job would."""

import csv
import datetime
import hashlib
import io
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_schema_validator import OAS31Validator

from tracker.evidence import storage
from tracker.models import Capture, CaptureState, Citation, LinkCheck, LinkOutcome, Source

pytestmark = pytest.mark.django_db

KEPT_AT = datetime.datetime(2025, 10, 31, 9, 30, 15, 123456, tzinfo=datetime.UTC)
CHECKED_AT = datetime.datetime(2026, 1, 4, 6, 0, tzinfo=datetime.UTC)
BODY = b"<html><title>Deal</title><p>They asked.</p></html>"
SHA = hashlib.sha256(BODY).hexdigest()
WARC = b"WARC/1.1\r\nWARC-Type: response\r\n\r\n" + BODY


@pytest.fixture(autouse=True)
def no_throttle_memory():
    cache.clear()  # the API's throttle and validators live in the cache


def keep(source, body=BODY, fetched_at=KEPT_AT, **fields):
    """A captured copy of source, its WARC in the (temporary) evidence storage."""
    name, warc_sha256, warc_size = storage.keep(io.BytesIO(WARC if body == BODY else b"WARC/1.1\r\n" + body), ".warc")
    return Capture.objects.create(
        source=source,
        url=source.url or "https://example.org/deal",
        state=CaptureState.CAPTURED,
        fetched_at=fetched_at,
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        warc=name,
        warc_sha256=warc_sha256,
        warc_size=warc_size,
        **{"title": "Deal", "text": "They asked.", **fields},
    )


def check(source, gone, checked_at=CHECKED_AT):
    outcome = LinkOutcome.MISSING if gone else LinkOutcome.ONLINE
    return LinkCheck.objects.create(
        source=source, url="https://example.org/deal", checked_at=checked_at, outcome=outcome, gone=gone
    )


def text_of(response):
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def copy_urls(source, sha256=SHA):
    return f"/sources/{source.pk}/copies/{sha256}/", f"/sources/{source.pk}/copies/{sha256}.warc"


@pytest.fixture
def draft_source(make_request):
    """A source only a draft cites: private, whatever the setting."""
    secret = Source.objects.create(outlet="Secret Wire", title="Only a draft cites me", url="https://example.org/s")
    Citation.objects.create(source=secret, request=make_request(published=False, cite=False), credibility=3)
    keep(secret)
    return secret


# ------------------------------------------------------------ record pages


def test_record_pages_say_when_a_copy_was_kept_its_hash_and_that_the_original_is_gone(
    client, make_request, make_deployment, source
):
    pages = [make_request(published=True).get_absolute_url(), make_deployment(published=True).get_absolute_url()]
    keep(source, fetched_at=KEPT_AT - datetime.timedelta(days=30), body=b"older")
    keep(source)  # the latest copy is the one named
    check(source, gone=True, checked_at=CHECKED_AT - datetime.timedelta(days=1))
    check(source, gone=True)
    for page in pages:
        html, text = client.get(page).content.decode(), text_of(client.get(page))
        assert f"Copy kept on 2025-10-31, SHA-256 {SHA[:12]}…" in text
        assert f'title="SHA-256 {SHA}"' in html  # the whole hash, for whoever checks a copy
        assert "The original is no longer online (checked 2026-01-04)." in text
        assert "/copies/" not in html and "kept text" not in text  # no copy for the public by default


def test_a_page_says_nothing_of_copies_never_kept_or_of_an_original_still_online(client, make_request, source):
    page = make_request(published=True).get_absolute_url()
    Capture.objects.create(source=source, url="https://example.org/deal", state=CaptureState.FAILED, error="503")
    check(source, gone=True, checked_at=CHECKED_AT - datetime.timedelta(days=2))
    check(source, gone=False)  # found again: the latest check is what counts
    text = text_of(client.get(page))
    assert "Copy kept" not in text and "no longer online" not in text


def test_the_gone_note_stands_without_a_copy(client, make_request, source):
    text = text_of(client.get(make_request(published=True).get_absolute_url()))
    assert "no longer online" not in text
    check(source, gone=True)
    text = text_of(client.get(make_request(published=True, summary="again").get_absolute_url()))
    assert "The original is no longer online (checked 2026-01-04)." in text and "Copy kept" not in text


def count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_record_page_query_counts_are_pinned(client, make_request, make_deployment, source):
    # A request page reads the request, its items, their deliveries, its citations; a deployment's the
    # deployment and its citations; then each the cited sources with their evidence (kept.with_kept_copies);
    # then each its published versions and the releases it is in (issue 25).
    request, deployment = make_request(published=True), make_deployment(published=True)
    client.get(request.get_absolute_url())  # warms the content types reversion reads once per process
    before = count(client, request.get_absolute_url()), count(client, deployment.get_absolute_url())
    for n in range(5):
        other = Source.objects.create(outlet=f"Wire {n}", title="More", url=f"https://example.org/{n}")
        Citation.objects.create(source=other, request=request, credibility=3)
        Citation.objects.create(source=other, deployment=deployment, credibility=3)
        keep(other, body=f"page {n}".encode())
        check(other, gone=n % 2 == 0)
    after = count(client, request.get_absolute_url()), count(client, deployment.get_absolute_url())
    assert before == after == (7, 5)


# ------------------------------------------------------------ the copies themselves


def test_copies_are_private_by_default(client, make_request, source):
    make_request(published=True)
    keep(source)
    for url in copy_urls(source):
        assert client.get(url).status_code == 404


def test_with_evidence_public_a_published_records_source_shows_its_copy(client, settings, make_request, source):
    settings.EVIDENCE_PUBLIC = True
    page = make_request(published=True).get_absolute_url()
    keep(source, title="Deal <b>signed</b>", text="First <script>alert(1)</script>\n\nSecond paragraph")
    text_url, warc_url = copy_urls(source)
    html = client.get(page).content.decode()
    assert f'href="{text_url}"' in html and f'href="{warc_url}"' in html

    response = client.get(text_url)
    body = response.content.decode()
    assert "Deal &lt;b&gt;signed&lt;/b&gt;" in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert" not in body and "<b>signed" not in body
    assert "2025-10-31 09:30 UTC" in text_of(response) and SHA in body

    download = client.get(warc_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/warc"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == WARC


def test_with_evidence_public_the_latest_copy_of_a_hash_and_no_other(client, settings, make_request, source):
    settings.EVIDENCE_PUBLIC = True
    make_request(published=True)
    keep(source, fetched_at=KEPT_AT - datetime.timedelta(days=3), title="Older")
    keep(source, title="Newer")
    text_url, _ = copy_urls(source)
    assert "Newer" in client.get(text_url).content.decode()
    for url in copy_urls(source, sha256="0" * 64):
        assert client.get(url).status_code == 404


def test_with_evidence_public_a_draft_only_source_stays_private(client, settings, draft_source):
    settings.EVIDENCE_PUBLIC = True
    for url in copy_urls(draft_source):
        assert client.get(url).status_code == 404


def test_a_copy_missing_from_the_storage_is_a_404(client, settings, make_request, source):
    settings.EVIDENCE_PUBLIC = True
    make_request(published=True)
    capture = keep(source)
    storage.evidence_storage().delete(capture.warc)
    assert client.get(copy_urls(source)[1]).status_code == 404


# ------------------------------------------------------------ API


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


def conforms(schema, component, instance):
    OAS31Validator({"$ref": f"#/components/schemas/{component}", "components": schema["components"]}).validate(instance)


def evidence(source_json):
    return {k: source_json[k] for k in ("captured_at", "capture_sha256", "gone", "gone_checked_at")}


def test_api_sources_carry_their_evidence(client, schema, make_request, make_deployment, source):
    request, deployment = make_request(published=True), make_deployment(published=True)
    plain = Source.objects.create(outlet="Plain", title="Never kept", url="https://example.org/p")
    Citation.objects.create(source=plain, request=request, credibility=4)
    keep(source)
    check(source, gone=True)
    kept = {"captured_at": "2025-10-31T09:30:15Z", "capture_sha256": SHA, "gone": True}
    kept["gone_checked_at"] = "2026-01-04T06:00:00Z"
    never = dict.fromkeys(kept)

    record = client.get(f"/api/requests/{request.pk}/").json()
    conforms(schema, "Request", record)
    by_id = {c["source"]["id"]: c["source"] for c in record["citations"]}
    assert evidence(by_id[source.pk]) == kept and evidence(by_id[plain.pk]) == never
    for nested in by_id.values():
        resource = client.get(nested["url"]).json()
        conforms(schema, "Source", resource)
        assert resource == nested  # the nested form reads as the resource
    deployment_json = client.get(f"/api/deployments/{deployment.pk}/").json()
    conforms(schema, "Deployment", deployment_json)
    assert evidence(deployment_json["citations"][0]["source"]) == kept
    (line,) = [json.loads(x) for x in b"".join(client.get("/api/requests.jsonl").streaming_content).splitlines()]
    assert {c["source"]["id"]: evidence(c["source"]) for c in line["citations"]} == {source.pk: kept, plain.pk: never}
    page = client.get("/api/deployments/").json()
    conforms(schema, "DeploymentPage", page)
    assert evidence(page["results"][0]["citations"][0]["source"]) == kept


def test_api_gone_is_false_once_checked_online(client, make_request, source):
    request = make_request(published=True)
    check(source, gone=False)
    nested = client.get(f"/api/requests/{request.pk}/").json()["citations"][0]["source"]
    assert nested["gone"] is False and nested["gone_checked_at"] == "2026-01-04T06:00:00Z"
    assert nested["captured_at"] is None and nested["capture_sha256"] is None


def test_api_etag_changes_when_a_copy_is_kept_or_the_link_checked(client, make_request, source):
    request = make_request(published=True)
    paths = [f"/api/requests/{request.pk}/", f"/api/sources/{source.pk}/", "/api/requests/"]
    first = {path: client.get(path)["ETag"] for path in paths}
    keep(source)
    kept = {path: client.get(path)["ETag"] for path in paths}
    check(source, gone=True)
    checked = {path: client.get(path)["ETag"] for path in paths}
    for path in paths:
        assert len({first[path], kept[path], checked[path]}) == 3, path
        assert client.get(path, headers={"If-None-Match": first[path]}).status_code == 200
        assert client.get(path, headers={"If-None-Match": checked[path]}).status_code == 304


# ------------------------------------------------------------ citations CSV


def csv_rows(response):
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_citations_csv_carries_each_sources_evidence(client, make_request, source, draft_source):
    request = make_request(published=True)
    plain = Source.objects.create(outlet="Plain", title="Never kept", url="https://example.org/p")
    Citation.objects.create(source=plain, request=request, credibility=4)
    keep(source)
    check(source, gone=True)
    checked_online = Source.objects.create(outlet="Online", title="Still there", url="https://example.org/o")
    Citation.objects.create(source=checked_online, request=request, credibility=5)
    check(checked_online, gone=False)
    rows = {row["source_title"]: row for row in csv_rows(client.get("/citations.csv"))}
    assert set(rows) == {"A report", "Never kept", "Still there"}  # the draft's source is not in it
    columns = ["source_captured_at", "source_capture_sha256", "source_gone", "source_gone_checked_at"]
    assert list(rows["A report"])[-4:] == columns
    assert [rows["A report"][c] for c in columns] == ["2025-10-31T09:30:15Z", SHA, "yes", "2026-01-04T06:00:00Z"]
    assert [rows["Never kept"][c] for c in columns] == ["", "", "", ""]
    assert [rows["Still there"][c] for c in columns] == ["", "", "no", "2026-01-04T06:00:00Z"]


def test_citations_csv_queries_do_not_grow_with_sources(client, make_request, source):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            csv_rows(client.get("/citations.csv"))
        return len(ctx.captured_queries)

    make_request(published=True)
    keep(source)
    before = queries()
    for n in range(10):
        other = Source.objects.create(outlet=f"Wire {n}", title="More", url=f"https://example.org/{n}")
        Citation.objects.create(source=other, request=make_request(published=True, summary=f"n{n}"), credibility=3)
        keep(other, body=f"page {n}".encode())
        check(other, gone=True)
    # the report's savepoint and its release, the requests, then per chunk their citations and their sources
    assert before == queries() == 5
