"""Where sources disagree, in public (issue 25): 66 aircraft by one source, "about 60" by another.

The page shows both with their grades and marks the record's own value preferred; ?disputed=1 finds the
record on the list, the API and the CSV; /claims.csv and /api/claims/ have a row for each source's value.
"""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from tests.test_api import conforms
from tracker.models import ArmsRequest, Citation, Claim, RequestItem, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputed(make_request, types):
    """A published request for 66 aircraft (source A, B2) that source B (C3) gives as "about 60"."""
    request = make_request(published=True, cite=False, summary="Venezuela asks Russia for fighters")
    item = request.items.get()
    RequestItem.objects.filter(pk=item.pk).update(quantity_requested=66, description="Su-30 fighters")
    first = Source.objects.create(outlet="Outlet A", title="Sixty-six fighters", reliability="B")
    second = Source.objects.create(outlet="Outlet B", title="About sixty", reliability="C")
    Citation.objects.create(source=first, request=request, credibility=2, quote="66 aircraft were asked for.")
    said = Citation.objects.create(source=second, request=request, credibility=3, quote="some 60 jets")
    Claim.objects.create(
        request=request, citation=said, field="quantity_requested", item=item, low=60, high=60, words="about 60"
    )
    plain = make_request(published=True, summary="undisputed")
    return request, item, plain


def rows_of(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_page_shows_each_source_value_with_its_grades(client, disputed):
    request, item, plain = disputed
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert page.count("sources differ") == 1  # beside the quantity asked only
    differ = page[page.index("sources differ") :]
    preferred, claimed = differ.index(">preferred<"), differ.index("about 60")
    assert differ.index("66") < preferred < differ.index(">B2<") < differ.index("Sixty-six fighters") < claimed
    assert claimed < differ.index(">C3<") < differ.index("About sixty") < differ.index("some 60 jets")
    assert "sources differ" not in client.get(f"/requests/{plain.pk}/").content.decode()


def detail_queries(client, pk):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/requests/{pk}/").status_code == 200
    return len(captured)


def test_the_page_reads_claims_in_one_query_however_many_and_none_if_none(client, disputed):
    request, item, plain = disputed
    before, undisputed = detail_queries(client, request.pk), detail_queries(client, plain.pk)
    citation = request.citations.order_by("pk").first()
    Claim.objects.create(request=request, citation=citation, field="status", status="agreed", words="agreed")
    Claim.objects.create(request=request, citation=citation, field="date", date="2024-01-01", date_precision="year")
    assert detail_queries(client, request.pk) == before == undisputed + 1  # an undisputed page reads no claims
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert page.count("sources differ") == 3


def test_disputed_filters_the_list_the_api_and_the_csv(client, disputed):
    request, item, plain = disputed
    listed = client.get("/requests/?disputed=1")
    assert [r.pk for r in listed.context["page"]] == [request.pk]
    assert 'name="disputed" value="1" checked' in listed.content.decode()  # the filter form says it is on
    assert [r["id"] for r in client.get("/api/requests/?disputed=1").json()["results"]] == [request.pk]
    assert {r["request_id"] for r in rows_of(client.get("/requests.csv?disputed=1"))} == {str(request.pk)}
    assert len(client.get("/requests/").context["page"]) == 2
    response = client.get("/requests/?disputed=yes")
    assert response.status_code == 400 and "Sources differ" in response.content.decode()
    assert client.get("/api/requests/?disputed=maybe").status_code == 400
    # The EXISTS is part of the list's own query: no query more than the unfiltered list.
    with CaptureQueriesContext(connection) as unfiltered:
        client.get("/requests/")
    with CaptureQueriesContext(connection) as filtered:
        client.get("/requests/?disputed=1")
    assert len(filtered) == len(unfiltered)


def test_the_claims_csv_and_api_have_a_row_per_source_value(client, disputed):
    request, item, plain = disputed
    rows = rows_of(client.get("/claims.csv"))
    assert [(r["preferred"], r["value"], r["low"], r["high"], r["words"]) for r in rows] == [
        ("yes", "66", "66", "66", ""),
        ("no", "60", "60", "60", "about 60"),
    ]
    assert [(r["source_title"], r["source_reliability"], r["credibility"]) for r in rows] == [
        ("Sixty-six fighters", "B", "2"),
        ("About sixty", "C", "3"),
    ]
    assert {(r["request_id"], r["field"], r["item_id"], r["item"]) for r in rows} == {
        (str(request.pk), "quantity_requested", str(item.pk), "Su-30 fighters")
    }
    assert rows[1]["quote"] == "some 60 jets"
    # Filtered as the list: a filter that leaves the request out leaves its claims out.
    assert rows_of(client.get("/claims.csv?requester=CU")) == []
    assert client.get("/claims.csv?disputed=2").status_code == 400
    api = client.get("/api/claims/").json()
    schema = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    conforms(schema, "ClaimPage", api)  # what the OpenAPI document says a page of claims is
    assert [(r["preferred"], r["value"], r["low"], r["words"], r["source_title"]) for r in api["results"]] == [
        (True, "66", 66, "", "Sixty-six fighters"),
        (False, "60", 60, "about 60", "About sixty"),
    ]
    assert client.get("/api/claims/?requester=CU").json()["results"] == []
    streamed = b"".join(client.get("/api/claims.jsonl").streaming_content).decode()
    assert [json.loads(line) for line in streamed.splitlines()] == api["results"]  # the same rows, one a line


def test_drafts_claims_are_never_exported(client, disputed, make_request):
    """A draft's claims (and its record) stay out of every public list of claims."""
    request, item, plain = disputed
    draft = make_request(summary="secret draft")
    Claim.objects.create(
        request=draft, citation=draft.citations.get(), field="status", status="refused", words="secretly refused"
    )
    ArmsRequest.objects.filter(pk=request.pk).update(published=False)  # back to draft: its claims go too
    for path in ("/claims.csv", "/api/claims/", "/requests/?disputed=1", "/api/requests/?disputed=1"):
        body = b"".join(client.get(path).streaming_content) if path.endswith(".csv") else client.get(path).content
        assert b"secretly" not in body and b"secret draft" not in body and b"Sixty-six" not in body, path
