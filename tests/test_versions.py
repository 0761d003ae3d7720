"""Versions you can cite (issue 25): /requests/<id>/v/<n>/ shows the n-th published state for good, with a banner."""

import json
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.models import ArmsRequest, Citation, Deployment, RequestItem, Source, record_each, revision
from tracker.models.record_versions import current_version_number, published_versions

pytestmark = pytest.mark.django_db


def save(obj, **changes):
    """A curator's save: the record with its items and citations, in one revision."""
    with revision(comment="test"):
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.save()
    return obj


@pytest.fixture
def story(make_request, types, source):
    """A request drafted, published (v1), edited (v2), then given an item and republished (v3)."""
    save(source)  # as the admin saves one: its first version
    request = make_request(summary="Venezuela asks for drones", internal_notes="CURATOR-ONLY remark")
    save(request)  # the draft's own revision: no version number
    save(request, published=True)
    save(request, status="agreed", summary="Venezuela agrees a drone deal")
    RequestItem.objects.create(request=request, equipment_type=types["uav"], description="loitering munitions")
    save(request, notes="Second item reported.")
    return request


def test_published_states_are_numbered_drafts_are_not(story):
    assert [v.number for v in published_versions(story)] == [1, 2, 3]
    assert current_version_number(story) == 3
    save(story, published=False, summary="DRAFT-ONLY wording")
    assert current_version_number(story) == 3  # a draft state gets no number
    save(story, published=True, summary="Republished")
    assert current_version_number(story) == 4


def test_a_version_shows_its_state_and_what_changed_since(client, story):
    page = client.get(f"/requests/{story.pk}/v/1/")
    text = page.content.decode()
    record = text.split('class="lede"')[1]  # the record below the banner
    assert page.status_code == 200
    assert "Venezuela asks for drones" in record and "Venezuela agrees a drone deal" not in record
    assert "loitering munitions" not in record and "Second item reported" not in record
    changes = page.context["changes"]
    assert "Status: Requested → Agreed" in changes
    assert "Item added: “loitering munitions”" in changes
    assert "Public notes: not reported → Second item reported." in changes
    assert f'href="/requests/{story.pk}/v/3/"' in text
    assert "CURATOR-ONLY" not in text
    latest = client.get(f"/requests/{story.pk}/v/3/")
    assert "This is the current version" in latest.content.decode() and latest.context["changes"] == []
    for missing in (0, 4, 99):
        assert client.get(f"/requests/{story.pk}/v/{missing}/").status_code == 404


def test_the_record_page_names_its_version_and_cites_it(client, story):
    text = client.get(f"/requests/{story.pk}/").content.decode()
    assert f'version 3 · <a href="/requests/{story.pk}/v/3/"' in text
    assert f"http://testserver/requests/{story.pk}/v/3/ (accessed" in text
    for ext in ("bib", "ris", "json"):
        assert f"/requests/{story.pk}/v/3/cite.{ext}" in text


def test_drafts_and_withdrawn_records(client, make_request, story):
    never = make_request()
    save(never)
    assert client.get(f"/requests/{never.pk}/v/1/").status_code == 404
    save(story, published=False, summary="DRAFT-ONLY wording", notes="DRAFT-ONLY notes")
    assert client.get(f"/requests/{story.pk}/").status_code == 404
    page = client.get(f"/requests/{story.pk}/v/3/")
    text = page.content.decode()
    assert page.status_code == 200 and "has since been withdrawn" in text
    assert "DRAFT-ONLY" not in text and "CURATOR-ONLY" not in text
    assert client.get(f"/requests/{story.pk}/v/4/").status_code == 404


def test_a_source_is_shown_as_it_stood(client, story):
    source = Source.objects.get()
    save(source, title="A report, retitled later")
    text = client.get(f"/requests/{story.pk}/v/1/").content.decode()
    assert "A report" in text and "retitled later" not in text
    # Versioned since: a later version shows the new title.
    save(Citation.objects.get(request=story), quote="They asked, again.")
    assert "retitled later" in client.get(f"/requests/{story.pk}/v/4/").content.decode()


def test_a_row_deleted_since_is_named_as_such(client, story, make_request):
    """A source cited by version 1, uncited then deleted: version 1 still shows, naming it as deleted."""
    other = Source.objects.create(outlet="Gone Daily", title="Deleted later", reliability="C")
    Citation.objects.create(source=other, request=story, credibility=3)
    save(story, summary="Cited twice")  # version 4 cites it
    Citation.objects.filter(source=other).delete()
    save(story, summary="Cited once")  # version 5 no longer does
    other.delete()
    page = client.get(f"/requests/{story.pk}/v/4/")
    assert page.status_code == 200 and "(since deleted)" in page.content.decode()
    assert "Source removed: “(since deleted)”" in page.context["changes"]
    assert client.get(f"/api/requests/{story.pk}/versions/4/").json()["citations"][-1]["source"]["title"] == (
        "(since deleted)"
    )


def test_a_version_page_answers_a_conditional_get(client, story):
    first = client.get(f"/requests/{story.pk}/v/1/")
    assert "public" in first["Cache-Control"]
    again = client.get(f"/requests/{story.pk}/v/1/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    save(story, status="delivered")  # a newer version: the banner changes, so does the tag
    assert client.get(f"/requests/{story.pk}/v/1/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_query_count_of_a_version_page(client, story):
    client.get(f"/requests/{story.pk}/v/3/")  # content types cached, as in any process after its first page
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/requests/{story.pk}/v/1/").status_code == 200
    assert len(ctx.captured_queries) == 10, [q["sql"][:120] for q in ctx.captured_queries]


def test_the_api_reads_a_record_at_a_version(client, story):
    listed = client.get(f"/api/requests/{story.pk}/versions/").json()
    assert [v["version"] for v in listed["versions"]] == [1, 2, 3] and listed["withdrawn"] is False
    assert listed["versions"][0]["html_url"] == f"http://testserver/requests/{story.pk}/v/1/"
    first = client.get(f"/api/requests/{story.pk}/versions/1/").json()
    current = client.get(f"/api/requests/{story.pk}/").json()
    assert first["summary"] == "Venezuela asks for drones" and first["status"] == "requested"
    assert len(first["items"]) == 1 and len(current["items"]) == 2
    assert (first["version"], first["latest_version"]) == (1, 3)
    assert current["version"] == 3 and current["version_url"] == f"http://testserver/requests/{story.pk}/v/3/"
    # Same keys as the current record, but the version's own.
    assert set(current) | {"version_date", "latest_version", "withdrawn"} == set(first)
    assert first["version_url"] == first["html_url"] == f"http://testserver/requests/{story.pk}/v/1/"
    assert "CURATOR-ONLY" not in str(first) and "internal_notes" not in first
    assert client.get(f"/api/requests/{story.pk}/versions/4/").status_code == 404
    assert client.get("/api/requests/999999/versions/").status_code == 404


def test_a_record_with_many_revisions_reads_in_the_same_queries_and_fast(client, story):
    """1,000 more published revisions (bulk, as an import writes them): the version pages and the record page read
    no more queries, and each answers within a second (about 0.2 s at most on SQLite)."""
    client.get(f"/requests/{story.pk}/v/3/")  # content types cached
    counts = {}
    for path in (f"/requests/{story.pk}/v/1/", f"/requests/{story.pk}/", f"/api/requests/{story.pk}/versions/1/"):
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        counts[path] = len(ctx.captured_queries)
    record_each([story] * 1000, comment="re-import")
    assert current_version_number(story) == 1003
    for path in (*counts, f"/requests/{story.pk}/v/1003/", f"/requests/{story.pk}/v/500/"):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        took = time.perf_counter() - start
        assert response.status_code == 200 and took < 1.0, (path, took)
        if path in counts:
            assert len(ctx.captured_queries) == counts[path], path


def test_the_api_versions_are_documented_and_answer_as_documented(client, demo):
    from drf_spectacular.generators import SchemaGenerator
    from openapi_schema_validator import OAS31Validator

    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    paths = {"/api/requests/{id}/versions/", "/api/requests/{id}/versions/{number}/"}
    assert paths | {"/api/deployments/{id}/versions/", "/api/deployments/{id}/versions/{number}/"} <= set(
        document["paths"]
    )
    request = ArmsRequest.objects.published().filter(requested_by__isnull=False).first()
    deployment = Deployment.objects.published().first()
    for path, component in [
        (f"/api/requests/{request.pk}/versions/", "VersionList"),
        (f"/api/requests/{request.pk}/versions/1/", "RequestVersion"),
        (f"/api/deployments/{deployment.pk}/versions/", "VersionList"),
        (f"/api/deployments/{deployment.pk}/versions/1/", "DeploymentVersion"),
        (f"/api/requests/{request.pk}/versions/99/", "Problem"),
        (f"/api/requests/{request.pk}/", "Request"),
    ]:
        answer = client.get(path).json()
        OAS31Validator({"$ref": f"#/components/schemas/{component}", "components": document["components"]}).validate(
            answer
        )
    # The demo's request at its version 1 is the current record, but for its version fields.
    current = client.get(f"/api/requests/{request.pk}/").json()
    first = client.get(f"/api/requests/{request.pk}/versions/1/").json()
    for key in ("requester", "supplier", "requested_by", "addressed_to", "date", "status", "summary", "items"):
        assert first[key] == current[key], key
    strip = lambda citations: [{**c, "source": {**c["source"], "captured_at": None}} for c in citations]  # noqa: E731
    assert strip(first["citations"]) == strip(current["citations"])
