"""/search/?q=: everything public in one box, grouped by kind with counts, each result linking where it should."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tracker.explore import site_search
from tracker.models import ArmsRequest, Citation, Country, Deployment, Person, RequestItem, Source, System
from tracker.models import search as search_module

pytestmark = pytest.mark.django_db


def page(client, q, status=200):
    response = client.get("/search/", {"q": q})
    assert response.status_code == status, response.content.decode()[:500]
    return response


def groups(response):
    return {g.kind: g for g in response.context["groups"]}


def hrefs(response, kind):
    """The links of one kind's section."""
    html = response.content.decode()
    section = re.search(rf'<section class="results" id="{kind}".*?</section>', html, re.S)
    return re.findall(r'href="([^"]+)"', section.group(0)) if section else []


def test_the_demo_velasquez_finds_the_person_and_his_requests(client, demo):
    response = page(client, "velasquez")
    found = groups(response)
    assert set(found) == {"requests", "persons"}
    assert [p.name for p in found["persons"].rows] == ["Ramon Celestino Velasquez"]
    assert found["requests"].count == 2
    assert hrefs(response, "persons")[0] == "/requests/?q=Ramon%20Celestino%20Velasquez"
    assert "/requests/?q=velasquez" in hrefs(response, "requests")
    # The person's link lists the same requests.
    listed = client.get("/requests/", {"q": "Ramon Celestino Velasquez"}).context["page"].object_list
    assert {r.pk for r in listed} == {r.pk for r in found["requests"].rows}


@pytest.mark.parametrize("q", ["Su-30", "su30mk2", "SU 30 MK2", "su-30mk2", "30MK"])
def test_a_designation_however_typed_finds_the_system(client, demo, q):
    response = page(client, q)
    assert [s.designation for s in groups(response)["systems"].rows] == ["Su-30MK2"]
    assert hrefs(response, "systems")[0] == "/systems/su-30mk2/"


@pytest.mark.parametrize("q", ["VE", "ven", "Venezuela", "venezuela", "bolivarian"])
def test_a_country_by_code_or_name_links_to_its_page(client, demo, q):
    response = page(client, q)
    assert groups(response)["countries"].rows[0].name == "Venezuela"
    assert hrefs(response, "countries")[0] == "/countries/VE/"


def test_sources_link_to_the_lists_of_what_cites_them(client, demo):
    post = Source.objects.get(outlet="The Washington Post")
    response = page(client, "washington post")
    assert [s.pk for s in groups(response)["sources"].rows] == [post.pk]
    links = hrefs(response, "sources")
    assert f"/requests/?source={post.pk}" in links
    listed = client.get(f"/requests/?source={post.pk}").context["page"].object_list
    assert listed and all(post in r.cited_sources() for r in listed)


def test_deployments_are_found_by_words_and_listed_alike(client, demo):
    response = page(client, "gerald ford")
    found = groups(response)["deployments"]
    assert found.count == 1 and "Gerald R. Ford" in found.rows[0].unit
    listed = client.get("/deployments/", {"q": "gerald ford"}).context["page"].object_list
    assert [d.pk for d in listed] == [d.pk for d in found.rows]


def test_counts_per_kind_and_the_link_to_all(client, countries, types, source, monkeypatch):
    monkeypatch.setattr(site_search, "RECORDS_SHOWN", 2)
    for i in range(3):
        request = ArmsRequest.objects.create(
            requester=countries["VE"], supplier=countries["RU"], summary=f"Orlan drones {i}", published=True
        )
        Citation.objects.create(source=source, request=request, credibility=2)
    found = groups(page(client, "orlan"))["requests"]
    assert (found.count, len(found.rows), found.more, found.label) == (3, 2, True, "3 requests")
    monkeypatch.setattr(search_module, "FEW", 2)
    found = groups(page(client, "orlan"))["requests"]
    assert (found.count_display, found.label) == ("2+", "2+ requests")


def test_nothing_found_and_punctuation_alone(client, demo):
    for q in ["zzzzqx", "--", "%", "'&|!"]:
        response = page(client, q)
        assert response.context["groups"] == [] and "Nothing public matches" in response.content.decode()
    response = page(client, "")
    assert response.context["groups"] == [] and "Nothing public matches" not in response.content.decode()


def test_the_page_reads_a_fixed_number_of_queries(client, demo, django_assert_max_num_queries):
    # Every kind found: requests and deployments (their first matches, then a page), systems, persons,
    # countries (their names, then those found), sources.
    for q in ["ve", "s", "venezuelan"]:
        with django_assert_max_num_queries(12):
            page(client, q)
    with CaptureQueriesContext(connection) as few:
        page(client, "velasquez")
    for i in range(30):
        make_more(i)
    with CaptureQueriesContext(connection) as more:
        page(client, "velasquez")
    assert len(more.captured_queries) == len(few.captured_queries)


def make_more(i):
    request = ArmsRequest.objects.filter(summary__icontains="velasquez").first()
    copy = ArmsRequest.objects.create(
        requester=request.requester,
        supplier=request.supplier,
        requested_by=request.requested_by,
        summary=f"Velasquez again {i}",
        published=True,
    )
    Citation.objects.create(source=Source.objects.first(), request=copy, credibility=3)


@pytest.mark.parametrize(
    ("q", "status", "named"),
    [
        ("x" * 201, 400, "<strong>Search</strong>: "),
        ("x" * 3900, 400, "<strong>Search</strong>: "),
        ("a\x00b", 400, "'q'"),  # refused before any view (tracker/middleware.py)
        ("x" * 10_000, 414, "'q'"),  # an address too long for gunicorn too
    ],
)
def test_bad_input_is_refused_naming_q(client, q, status, named):
    response = client.get("/search/", {"q": q})
    assert response.status_code == status and named in response.content.decode()


def test_hostile_input_never_raises(client, demo):
    for q in ['"', "'", "\\", "*", "NEAR(a b)", "a:*", "%_%", "𝔘𝔫𝔦 ½ ﬁ", "\u200b\u0301\u202e ve", "中文 العربية"]:
        page(client, q)


def test_the_search_box_is_in_the_header_of_every_public_page_but_its_own(client, demo):
    for path in ["/", "/requests/", "/matrix/", "/deployments/", "/countries/VE/", "/systems/su-30mk2/"]:
        html = client.get(path).content.decode()
        assert 'class="site-search" role="search" action="/search/"' in html, path
    html = page(client, "ve").content.decode()
    assert 'class="site-search"' not in html and 'id="search-q" name="q" value="ve"' in html
    assert 'class="site-search"' not in client.get("/admin/login/").content.decode()


# ------------------------------------------------------------------ drafts


@pytest.fixture
def draft_only(countries, types, source):
    """A party, a system, a person and a source used by a draft request (cited) and nothing else."""
    party = Country.objects.create(name="Quietfront Militia", notes="armed group")
    system = System.objects.create(designation="Quietwing-7", slug="quietwing-7", equipment_type=types["uav"])
    person = Person.objects.create(name="Quentin Quietman")
    outlet = Source.objects.create(outlet="Quiet Gazette", title="Quiet plans")
    draft = ArmsRequest.objects.create(
        requester=party, supplier=countries["RU"], requested_by=person, summary="Quiet drones", published=False
    )
    RequestItem.objects.create(request=draft, equipment_type=types["uav"], system=system, description="quiet")
    Citation.objects.create(source=outlet, request=draft, credibility=2)
    deployment = Deployment.objects.create(country=countries["RU"], description="Quiet deployment", published=False)
    Citation.objects.create(source=outlet, deployment=deployment, credibility=2)
    return draft, deployment


def test_what_only_drafts_use_is_never_found_until_published(client, draft_only):
    draft, deployment = draft_only
    for q in ["quiet", "quietwing", "quietwing7", "quentin", "quietfront", "gazette"]:
        assert page(client, q).context["groups"] == [], q
    ArmsRequest.objects.filter(pk=draft.pk).update(published=True, published_at=timezone.now())
    found = groups(page(client, "quiet"))
    assert set(found) == {"requests", "systems", "persons", "countries", "sources"}
    assert hrefs(page(client, "quietfront"), "countries")[0] == f"/countries/{draft.requester_id}/"
    assert groups(page(client, "gazette"))["sources"].rows[0].cites_deployments is False
    Deployment.objects.filter(pk=deployment.pk).update(published=True, published_at=timezone.now())
    assert set(groups(page(client, "quiet"))) == {*site_search.RELATED, "systems", "persons", "countries", "sources"}


def test_a_source_no_published_record_cites_is_refused_as_a_filter_like_a_made_up_number(client, draft_only):
    draft, _ = draft_only
    quiet = Source.objects.get(outlet="Quiet Gazette")
    for path in ["/requests/", "/deployments/"]:
        known, unknown = client.get(f"{path}?source={quiet.pk}"), client.get(f"{path}?source=999999")
        assert known.status_code == unknown.status_code == 400
        assert known.context["errors"] == [("source", f"Unknown source code: {quiet.pk}.")]
        assert client.get(f"{path}?source=abc").status_code == 400
    ArmsRequest.objects.filter(pk=draft.pk).update(published=True, published_at=timezone.now())
    assert [r.pk for r in client.get(f"/requests/?source={quiet.pk}").context["page"]] == [draft.pk]
