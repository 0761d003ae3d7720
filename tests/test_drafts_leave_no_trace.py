"""Drafts leave no trace: what was made only for a draft (a system, a non-state party) is unknown to the public.

Unknown means everywhere the public looks: its page is a 404, suggestions and the filter forms leave it
out, and a filter naming it is refused exactly as a made-up code is (no oracle). Once a published, cited
record uses it, it is known. ISO states are always known.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from tracker.models import ArmsRequest, Citation, Country, Deployment, Release, RequestItem, Source, System

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(countries, types, source):
    """A non-state party and a system, both used only by a draft request and a draft deployment."""
    party = Country.objects.create(name="Secret Brigade", notes="armed group")
    system = System.objects.create(designation="Hush-1", slug="hush-1", equipment_type=types["uav"])
    draft = ArmsRequest.objects.create(requester=party, supplier=countries["RU"], summary="draft", published=False)
    RequestItem.objects.create(request=draft, equipment_type=types["uav"], system=system, description="hush")
    Citation.objects.create(source=source, request=draft, credibility=2)
    deployment = Deployment.objects.create(
        country=countries["RU"], host_country=party, equipment_type=types["uav"], system=system, published=False
    )
    Citation.objects.create(source=source, deployment=deployment, credibility=2)
    return party, system, draft, deployment


def publish(record):
    type(record).objects.filter(pk=record.pk).update(published=True, published_at=Now())


def test_the_queryset_vocabulary(secret, countries):
    party, system, draft, deployment = secret
    assert not System.objects.in_public_use().filter(pk=system.pk).exists()
    assert not Country.objects.public().filter(pk=party.pk).exists()
    assert Country.objects.public().filter(iso2="TV").exists()  # a state no record names: always known
    assert not Country.objects.in_public_use().filter(iso2="TV").exists()
    publish(deployment)  # a published deployment is enough for both
    assert list(System.objects.in_public_use()) == [system]
    assert list(Country.objects.public().filter(iso2__isnull=True)) == [party]


def test_published_without_a_citation_is_still_a_draft(secret):
    party, system, draft, deployment = secret
    Citation.objects.all().delete()
    publish(draft)
    publish(deployment)
    assert not System.objects.in_public_use().exists() and not Country.objects.in_public_use().exists()


def test_the_origin_of_a_system_in_public_use_is_known(secret, countries, types, source):
    party, system, draft, deployment = secret
    System.objects.filter(pk=system.pk).update(origin_country=party)
    assert not Country.objects.in_public_use().filter(pk=party.pk).exists()
    request = ArmsRequest.objects.create(requester=countries["VE"], supplier=countries["RU"], published=True)
    RequestItem.objects.create(request=request, equipment_type=types["uav"], system=system)
    Citation.objects.create(source=source, request=request, credibility=2)
    assert Country.objects.in_public_use().filter(pk=party.pk).exists()


def pages(party, system):
    return {
        "system page": f"/systems/{system.slug}/",
        "party page": f"/countries/{party.pk}/",
        "system filter": f"/requests/?system={system.slug}",
        "deployment system filter": f"/deployments/?system={system.slug}",
        "country filter": f"/requests/?requester={party.pk}",
        "host filter": f"/deployments/?host={party.pk}",
        "matrix filter": f"/matrix.csv?supplier={party.pk}",
        "request feed filter": f"/requests/feed/?system={system.slug}",
        "deployment feed filter": f"/deployments/feed/?host={party.pk}",
        "map filter": f"/deployments/map.json?host={party.pk}",
        "network filter": f"/matrix/network.json?requester={party.pk}",
    }


def test_draft_only_rows_are_unknown_everywhere_until_published(client, secret):
    party, system, draft, deployment = secret
    urls = pages(party, system)
    assert client.get(urls["system page"]).status_code == 404
    assert client.get(urls["party page"]).status_code == 404
    assert client.get("/systems/suggest/?q=hush").json() == []
    for form in ("/requests/", "/deployments/", "/matrix/", "/deployments/map/", "/matrix/network/"):
        assert "Secret Brigade" not in client.get(form).content.decode()
    # Refused exactly as a code nobody ever made: same status, same message shape.
    for name in ("system filter", "deployment system filter"):
        known, unknown = client.get(urls[name]), client.get(urls[name].replace("hush-1", "nope-1"))
        assert known.status_code == unknown.status_code == 400
        assert known.context["errors"] == [("system", "Unknown system or manufacturer: 'hush-1'.")]
    for name in ("country filter", "host filter", "map filter", "network filter"):
        assert client.get(urls[name]).status_code == 400
        assert client.get(urls[name].replace(str(party.pk), "999999")).status_code == 400
    assert client.get(urls["matrix filter"]).status_code == 400
    for name in ("request feed filter", "deployment feed filter"):
        known = client.get(urls[name])
        assert known.status_code == 400 and b"Hush-1" not in known.content and b"Secret Brigade" not in known.content
    assert b"Secret Brigade" not in client.get("/deployments/feed/").content

    publish(draft)
    for name, url in urls.items():
        assert client.get(url).status_code == 200, name
    assert [s["slug"] for s in client.get("/systems/suggest/?q=hush").json()] == ["hush-1"]
    assert "Secret Brigade" in client.get("/requests/").content.decode()
    assert b"Secret Brigade" in client.get("/requests/feed/").content


def test_names_index_pages_and_suggestions_know_nothing_of_drafts(client, secret):
    """A party or system made for drafts: not found by its name, not suggested, not listed or counted."""
    party, system, draft, deployment = secret
    for name in ("Secret Brigade", "secret brigade", "Secret"):  # refused as a name nobody made: no suggestion
        response = client.get("/requests/", {"requester": name})
        assert response.status_code == 400
        assert response.context["errors"] == [("requester", f"Unknown country: '{name}'.")]
    for path in ("/countries/", "/systems/", "/countries.csv", "/systems.csv", "/systems/?origin=RU"):
        response = client.get(path)
        text = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Secret Brigade" not in text and b"Hush-1" not in text, path
    publish(draft)
    assert client.get("/requests/?requester=secret brigade").status_code == 200
    assert "Secret Brigade" in client.get("/countries/").content.decode()
    assert "Hush-1" in client.get("/systems/").content.decode()


def test_search_finds_no_draft_only_name_until_published(client, secret):
    """/search/ (tests/test_site_search.py has more): the party, the system, the draft's words."""
    party, system, draft, deployment = secret
    for q in ["secret", "brigade", "hush", "hush1", "hush-1"]:
        assert client.get("/search/", {"q": q}).context["groups"] == [], q
    publish(draft)
    assert {g.kind for g in client.get("/search/", {"q": "hush"}).context["groups"]} == {"systems", "requests"}
    assert {g.kind for g in client.get("/search/", {"q": "secret brigade"}).context["groups"]} == {"countries"}


# As /systems/su-30mk2/ and /countries/VE/ in test_explorer_pages, plus what a deployment shown costs: its
# citations, and on the system page its row too (read by id once the ids are found, leading()). Checking
# public use adds none; the counts come from the summary tables.
@pytest.mark.parametrize(("page", "expected"), [("system page", 10), ("party page", 12)])
def test_query_counts_of_the_pages_that_check_public_use(client, secret, page, expected):
    party, system, draft, deployment = secret
    publish(draft)
    publish(deployment)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(pages(party, system)[page]).status_code == 200
    assert len(ctx.captured_queries) == expected
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/systems/suggest/?q=hu").json()
    assert len(ctx.captured_queries) == 1


def test_an_unpublished_record_takes_its_traces_with_it(client, secret):
    party, system, draft, deployment = secret
    publish(draft)
    assert client.get(f"/systems/{system.slug}/").status_code == 200
    ArmsRequest.objects.filter(pk=draft.pk).update(published=False)
    assert client.get(f"/systems/{system.slug}/").status_code == 404
    assert client.get(f"/countries/{party.pk}/").status_code == 404


def test_the_api_knows_draft_only_rows_no_more_than_the_pages(client, secret):
    party, system, draft, deployment = secret
    unknown = {
        f"/api/systems/{system.slug}/": 404,
        f"/api/countries/{party.pk}/": 404,
        f"/api/requests/?system={system.slug}": 400,
        f"/api/deployments/?host={party.pk}": 400,
        f"/api/requests.jsonl?requester={party.pk}": 400,
    }
    for url, status in unknown.items():
        assert client.get(url).status_code == status, url
    assert b"Hush-1" not in client.get("/api/systems/").content
    assert b"Secret Brigade" not in b"".join(client.get("/api/countries.jsonl").streaming_content)
    publish(draft)
    for url in unknown:
        assert client.get(url).status_code == 200, url


def test_a_release_holds_no_draft_and_no_curator_only_field(secret, make_request, settings, tmp_path):
    """Issue 25: every file of a release (CSV, JSON Lines, CHANGES, datapackage.json) is read for traces."""
    party, system, draft, deployment = secret
    settings.STORAGES = {
        **settings.STORAGES,
        "releases": {**settings.STORAGES["releases"], "OPTIONS": {"location": tmp_path}},
    }
    make_request(published=True, internal_notes="CURATOR-ONLY NOTE", notes="A public note")
    Source.objects.update(notes="SOURCE NOTE FOR CURATORS")
    call_command("make_release", stdout=io.StringIO())
    release = Release.objects.get()
    written = b"".join((tmp_path / release.tag / entry["name"]).read_bytes() for entry in release.manifest)
    assert b"A public note" in written and len(release.manifest) == 8  # the files are read, and hold the public side
    secrets = [b"Secret Brigade", b"Hush-1", b"CURATOR-ONLY", b"SOURCE NOTE", str(draft.uid).encode()]
    assert [text for text in secrets + [str(deployment.uid).encode()] if text in written] == []


def test_versions_and_citations_hold_no_draft_state_and_no_curator_only_field(client, secret, source):
    """Issue 25: a draft state has no version, so no version page, API version or citation file; a published
    version shows no internal note, and its banner of changes reads only published states."""
    from tracker.models import revision

    party, system, draft, deployment = secret

    def save(record, **fields):
        with revision(comment="test"):
            for name, value in fields.items():
                setattr(record, name, value)
            record.save()

    save(draft, internal_notes="CURATOR-ONLY note")  # a draft's revision
    for kind, record in (("requests", draft), ("deployments", deployment)):
        page, api = f"/{kind}/{record.pk}/v/1/", f"/api/{kind}/{record.pk}/versions/"
        for path in (page, page + "cite.bib", api, api + "1/"):
            assert client.get(path).status_code == 404, path
    save(draft, published=True)  # version 1, with the note the curator keeps to themselves
    save(draft, published=False, summary="DRAFT-ONLY wording", notes="DRAFT-ONLY public notes")
    save(draft, published=True, summary="Published wording", notes="", internal_notes="CURATOR-ONLY, changed")  # v2
    seen = [
        client.get(f"/requests/{draft.pk}/v/1/").content,
        client.get(f"/requests/{draft.pk}/v/2/").content,
        client.get(f"/requests/{draft.pk}/").content,
        client.get(f"/api/requests/{draft.pk}/versions/1/").content,
        client.get(f"/api/requests/{draft.pk}/versions/").content,
        client.get(f"/requests/{draft.pk}/v/1/cite.json").content,
    ]
    assert b"Published wording" in seen[0] and b"Hush-1" in seen[0]  # the pages are read: the public side is there
    assert client.get(f"/requests/{draft.pk}/v/3/").status_code == 404  # the draft state between has no number
    assert [page for page in seen if b"DRAFT-ONLY" in page or b"CURATOR-ONLY" in page] == []
    assert client.get(f"/requests/{draft.pk}/v/1/").context["changes"] == [
        "Summary: draft → Published wording"  # not the draft's wording in between, nor the internal notes
    ]
