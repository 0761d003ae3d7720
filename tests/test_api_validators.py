"""Validators say what the public sees: a curator's work on a draft (its internal notes, a new draft, its
items) leaves every ETag and Last-Modified as it was, on the API, the pages, the feeds and the CSV files;
a published edit changes those of the answers that show it. A JSON Lines download whose lines change
between its ETag and its streaming is cut, never sent under the old ETag."""

import pytest
from django.core.cache import cache

from tracker.api import bulk, freshness
from tracker.api.throttling import ClientThrottle
from tracker.models import ArmsRequest, DataVersion, Deployment, RequestItem, System

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """A minute passes at every reading of the clock, so a Last-Modified that ought to move does."""
    ticks = iter(range(1_800_000_000, 1_900_000_000, 60))
    monkeypatch.setattr(freshness, "now", lambda: next(ticks), raising=False)
    # Dozens of requests a test: on a quick machine more than the 30 a second the throttle allows.
    monkeypatch.setattr(ClientThrottle, "THROTTLE_RATES", {"client": "100000/second"})
    cache.clear()  # the throttle's counts and the validators remembered


@pytest.fixture
def world(make_request, make_deployment, types):
    system = System.objects.create(designation="Su-30MK2", slug="su-30mk2", equipment_type=types["uav"])
    published = make_request(published=True, notes="public notes")
    published.items.update(system=system)
    draft = make_request(requester="CU", published=False, internal_notes="first thoughts")
    deployment = make_deployment(published=True)
    draft_deployment = make_deployment(country="RU", published=False)
    return published, draft, deployment, draft_deployment


def addresses(world):
    published, _, deployment, _ = world
    api = ["/api/requests/", "/api/requests/?country=VE", f"/api/requests/{published.pk}/", "/api/requests.jsonl"]
    api += ["/api/deployments/", f"/api/deployments/{deployment.pk}/", "/api/deployments.jsonl"]
    api += ["/api/countries/", "/api/countries/VE/", "/api/countries/CU/", "/api/systems/", "/api/systems/su-30mk2/"]
    api += ["/api/countries.jsonl", f"/api/sources/{published.citations.get().source_id}/"]
    pages = ["/", "/requests/", f"/requests/{published.pk}/", "/requests.csv", "/requests/feed/", "/deployments/"]
    pages += ["/deployments.csv", "/deployments/feed/", "/countries/", "/countries/VE/", "/systems/", "/matrix/"]
    return api, pages


def validators(client, paths):
    """{path: (ETag, Last-Modified)}; None where the answer has none."""
    found = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        if response.streaming:
            b"".join(response.streaming_content)
        found[path] = (response.get("ETag"), response.get("Last-Modified"))
    return found


def edit_draft_notes(world):
    ArmsRequest.objects.filter(pk=world[1].pk).update(internal_notes="curators at work")
    draft = ArmsRequest.objects.get(pk=world[1].pk)
    draft.notes = "a note the public will read once published"
    draft.save()


def add_a_draft(world, make_request):
    make_request(requester="BY", supplier="CN", published=False, summary="a new draft")


def edit_draft_items(world):
    draft = world[1]
    RequestItem.objects.create(request=draft, equipment_type=draft.items.get().equipment_type, description="radars")
    draft.items.update(description="jammers", quantity_requested=12)


def edit_draft_deployment(world):
    Deployment.objects.filter(pk=world[3].pk).update(internal_notes="moving", description="frigates")


DRAFT_EDITS = {
    "a draft's notes": lambda world, make_request: edit_draft_notes(world),
    "a new draft": add_a_draft,
    "a draft's items": lambda world, make_request: edit_draft_items(world),
    "a draft deployment": lambda world, make_request: edit_draft_deployment(world),
}


@pytest.mark.parametrize("edit", list(DRAFT_EDITS))
def test_work_on_drafts_leaves_every_validator_as_it_was(client, world, make_request, edit):
    api, pages = addresses(world)
    before, version = validators(client, api + pages), DataVersion.objects.current()[0]
    DRAFT_EDITS[edit](world, make_request)
    assert DataVersion.objects.current()[0] > version  # the edit was a write the triggers counted
    after = validators(client, api + pages)
    assert after == before
    assert all(before[path][0] and before[path][1] for path in api)  # every API answer has both
    for path in api:  # and a conditional GET with what a poller held is still a 304
        assert client.get(path, headers={"If-None-Match": before[path][0]}).status_code == 304, path
        assert client.get(path, headers={"If-Modified-Since": before[path][1]}).status_code == 304, path


def test_a_published_edit_changes_the_validators_of_what_shows_it(client, world):
    api, _ = addresses(world)
    published = world[0]
    before = validators(client, api)
    ArmsRequest.objects.filter(pk=published.pk).update(summary="Venezuela asks again")
    after = validators(client, api)
    shows_it = {"/api/requests/", "/api/requests/?country=VE", f"/api/requests/{published.pk}/", "/api/requests.jsonl"}
    for path in api:
        changed = after[path][0] != before[path][0], after[path][1] != before[path][1]
        assert changed == ((True, True) if path in shows_it else (False, False)), path
        response = client.get(path, headers={"If-None-Match": before[path][0]})
        assert response.status_code == (200 if path in shows_it else 304), path


def test_publishing_a_draft_changes_the_lists(client, world, editor):
    before = validators(client, ["/api/requests/", "/api/countries/CU/", "/api/requests.jsonl"])
    assert ArmsRequest.objects.filter(pk=world[1].pk).publish(editor)[0] == 1
    after = validators(client, list(before))
    assert all(after[path][0] != before[path][0] for path in before)


def test_a_download_whose_lines_change_after_its_etag_is_cut(client, world):
    first = client.get("/api/requests.jsonl")
    lines = b"".join(first.streaming_content)
    again = client.get("/api/requests.jsonl")  # the ETag remembered, the lines not read yet
    assert again["ETag"] == first["ETag"]
    ArmsRequest.objects.filter(pk=world[0].pk).update(summary="changed meanwhile")
    with pytest.raises(bulk.ChangedWhileStreaming):
        b"".join(again.streaming_content)
    fresh = client.get("/api/requests.jsonl")
    assert fresh["ETag"] != first["ETag"] and b"".join(fresh.streaming_content) != lines


def test_a_head_has_the_validators_of_its_get(client, world):
    for path in ("/api/requests/", "/api/requests.jsonl", f"/api/requests/{world[0].pk}/"):
        head = client.head(path)
        get = client.get(path)
        assert (head["ETag"], head["Last-Modified"]) == (get["ETag"], get["Last-Modified"]), path
