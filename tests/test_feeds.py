"""Atom feeds of any filter: the page's records, the most recently published first, stable ids, never a draft."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils.dateparse import parse_datetime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.explorer_data import build
from tests.test_fuzz_urls import PUBLIC_KEYS, VALUES
from tracker.explore import feeds
from tracker.models import ArmsRequest, Deployment

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
TAG = "tag:arms-request-tracker,2025:"


@pytest.fixture
def data(db):
    return build()


def read_feed(client, url):
    """(feed element, [entries as dicts]) of a feed that must parse as Atom."""
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = []
    for entry in root.findall(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        entries.append(
            {
                "id": entry.findtext(f"{ATOM}id"),
                "pk": int(re.fullmatch(r"http://testserver/\w+/(\d+)/", link).group(1)),
                "title": entry.findtext(f"{ATOM}title"),
                "summary": entry.findtext(f"{ATOM}summary"),
                "published": parse_datetime(entry.findtext(f"{ATOM}published")),
                "updated": parse_datetime(entry.findtext(f"{ATOM}updated")),
                "categories": [c.get("term") for c in entry.findall(f"{ATOM}category")],
            }
        )
    return root, entries


def page_pks(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {record.pk for record in response.context["page"]}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?country=VE",
        "?country=VE&type=uav",
        "?system=su-30mk2",
        "?requester=VE&sort=date",
        "?supplier=RU,CN",
        "?status=refused",
        "?date_from=2025",
        "?q=jets",
        "?reliability=B",
        "?requester=RS",  # only a draft and an uncited request: nothing
    ],
)
def test_the_request_feed_holds_the_pages_records(client, data, query):
    _, entries = read_feed(client, "/requests/feed/" + query)
    assert {e["pk"] for e in entries} == page_pks(client, "/requests/" + query)
    assert len(entries) == len({e["id"] for e in entries})


@pytest.mark.parametrize(
    "query", ["", "?country=US", "?host=BY", "?status=active", "?type=ship", "?active_on=2025-09", "?q=battalion"]
)
def test_the_deployment_feed_holds_the_pages_records(client, data, query):
    _, entries = read_feed(client, "/deployments/feed/" + query)
    assert {e["pk"] for e in entries} == page_pks(client, "/deployments/" + query)


def test_an_entry_reads_like_the_list_row(client, data):
    requests, deployments = data
    jets = ArmsRequest.objects.get(pk=requests["ve_ru_jets"].pk)
    root, entries = read_feed(client, "/requests/feed/?country=VE&sort=date")
    assert root.findtext(f"{ATOM}title") == "Arms requests: Either side: Venezuela"
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/requests/?country=VE"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/requests/feed/?country=VE"
    [entry] = [e for e in entries if e["pk"] == jets.pk]
    assert entry["id"] == f"{TAG}request:{jets.uid}"
    assert entry["title"] == "Venezuela → Russia: 12 × Su-30MK2: jets"
    assert entry["categories"] == ["Requested", "Combat aircraft"]
    assert entry["published"] == jets.published_at and entry["updated"] == jets.updated_at
    summary = entry["summary"]  # HTML, as text inside the XML
    assert "Venezuela</a> asked <a" in summary and "<strong>Su-30MK2</strong>: jets (new supply)" in summary
    assert "When: Oct 2025 · Status: Requested · 1 source, best grade B2" in summary
    assert f'href="http://testserver/requests/{jets.pk}/"' in summary

    _, entries = read_feed(client, "/deployments/feed/?host=BY")
    [s400] = entries
    assert s400["title"] == "Russia: S-400 battalion (Belarus)"
    assert "Since: 2022 – 2023 · Status: Ended" in s400["summary"]
    assert s400["id"] == f"{TAG}deployment:{deployments['ru_s400_by'].uid}"


def test_the_newest_published_comes_first_whatever_its_date(client, data):
    requests, _ = data
    draft = requests["draft"]  # dated May 2025: the page lists October's request before it
    _, before = read_feed(client, "/requests/feed/")
    assert draft.pk not in {e["pk"] for e in before}
    assert ArmsRequest.objects.filter(pk=draft.pk).publish() == (1, [])
    _, after = read_feed(client, "/requests/feed/")
    assert after[0]["pk"] == draft.pk
    assert [e["pk"] for e in after[1:]] == [e["pk"] for e in before]
    assert after[0]["published"] == ArmsRequest.objects.get(pk=draft.pk).published_at > before[0]["published"]
    assert [e["published"] for e in after] == sorted((e["published"] for e in after), reverse=True)
    page = [r.pk for r in client.get("/requests/").context["page"]]
    assert page.index(requests["ve_ru_jets"].pk) < page.index(draft.pk)  # the page sorts by date, the feed not


def test_editing_changes_updated_but_never_the_id(client, data):
    requests, _ = data
    jets = ArmsRequest.objects.get(pk=requests["ve_ru_jets"].pk)
    _, before = read_feed(client, "/requests/feed/")
    [old] = [e for e in before if e["pk"] == jets.pk]
    jets.summary = "Venezuela asks Russia for more jets"
    jets.status = "negotiating"
    jets.save()
    root, after = read_feed(client, "/requests/feed/")
    [new] = [e for e in after if e["pk"] == jets.pk]
    assert new["id"] == old["id"] and new["published"] == old["published"]
    assert new["updated"] > old["updated"]
    assert "Status: Under negotiation" in new["summary"] and "more jets" in new["summary"]
    # The feed's own <updated> is its latest change.
    assert parse_datetime(root.findtext(f"{ATOM}updated")) == max(max(e["updated"], e["published"]) for e in after)


def test_unpublishing_removes_it_and_publishing_again_keeps_its_id_and_first_publication(client, data):
    requests, deployments = data
    jets, ships = requests["ve_ru_jets"], deployments["us_ships"]
    _, before = read_feed(client, "/requests/feed/")
    [old] = [e for e in before if e["pk"] == jets.pk]
    ArmsRequest.objects.filter(pk=jets.pk).unpublish()
    Deployment.objects.filter(pk=ships.pk).unpublish()
    assert jets.pk not in {e["pk"] for e in read_feed(client, "/requests/feed/")[1]}
    assert ships.pk not in {e["pk"] for e in read_feed(client, "/deployments/feed/")[1]}
    ArmsRequest.objects.filter(pk=jets.pk).publish()
    [again] = [e for e in read_feed(client, "/requests/feed/")[1] if e["pk"] == jets.pk]
    assert (again["id"], again["published"]) == (old["id"], old["published"])
    assert again["updated"] > old["updated"]


def test_drafts_and_uncited_records_never_appear(client, data):
    requests, deployments = data
    hidden = {requests["draft"].pk, requests["uncited"].pk}
    for query in ("", "?country=RS", "?supplier=CN", "?q=summary", "?type=uav"):
        response = client.get("/requests/feed/" + query)
        assert not hidden & {e["pk"] for e in read_feed(client, "/requests/feed/" + query)[1]}
        assert b"draft summary" not in response.content and b"uncited summary" not in response.content
    assert read_feed(client, "/deployments/feed/?q=secret")[1] == []  # the draft deployment's words
    assert deployments["draft"].pk not in {e["pk"] for e in read_feed(client, "/deployments/feed/?country=CN")[1]}


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/requests/feed/?country=XX", "country"),
        ("/requests/feed/?date_from=2025-13", "date_from"),
        ("/requests/feed/?system=no-such-system", "system"),
        ("/requests/feed/?sort=sideways", "sort"),
        ("/deployments/feed/?status=sunk", "status"),
        ("/deployments/feed/?active_on=yesterday", "active_on"),
    ],
)
def test_a_bad_parameter_is_a_400_that_names_it(client, data, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert [name for name, _ in response.context["errors"]] == [parameter]
    label = {"country": "Either side", "date_from": "From", "active_on": "Active on"}.get(parameter, parameter.title())
    assert f"<strong>{label}</strong>: " in response.content.decode()


def test_a_feed_holds_the_latest_entries_only(client, data, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_ENTRIES", 2)
    _, entries = read_feed(client, "/requests/feed/")
    newest = ArmsRequest.objects.published().latest_published_first()[:2]
    assert [e["pk"] for e in entries] == [r.pk for r in newest]


# Each country, type or system named costs its lookup; then the entries, their items and their citations.
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/requests/feed/", 3),
        ("/requests/feed/?country=VE&type=uav&system=shahed-136", 6),
        ("/deployments/feed/", 2),
        ("/deployments/feed/?country=RU&host=BY&type=air-defence", 4),  # both countries read in one query
    ],
)
def test_query_counts(client, data, django_assert_num_queries, url, queries, make_request):
    for i in range(5):  # more entries, same count
        make_request(requester="VE", supplier="IR", published=True, summary=f"more {i}")
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("page", "feed", "subscribe"),
    [
        (
            "/requests/?country=VE&type=uav&sort=date",
            "/requests/feed/?country=VE&amp;type=uav",
            "/requests/subscribe/?country=VE&amp;type=uav",
        ),
        ("/deployments/?country=US&sort=status", "/deployments/feed/?country=US", "/deployments/subscribe/?country=US"),
        ("/requests/", "/requests/feed/", "/requests/subscribe/"),
    ],
)
def test_list_pages_offer_their_feed(client, data, page, feed, subscribe):
    """Feed readers find the feed in the page's head; a person's "Subscribe" leads to the page that explains it."""
    html = client.get(page).content.decode()
    assert re.search(
        rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="{re.escape(feed)}">', html
    )
    assert re.search(rf'<a class="subscribe" href="{re.escape(subscribe)}"', html)


def test_no_feed_is_offered_for_a_bad_filter(client, data):
    html = client.get("/requests/?country=XX").content.decode()
    assert "application/atom+xml" not in html


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(["/requests/feed/", "/deployments/feed/"]),
    pairs=st.lists(st.tuples(st.sampled_from([*PUBLIC_KEYS, "delivered_in", "junk"]), VALUES), max_size=4),
)
def test_random_filters_give_a_feed_or_a_400(data, path, pairs):
    response = Client(raise_request_exception=False).get(path, dict(pairs))
    assert response.status_code in (200, 400, 414), (path, pairs)  # 414: an address over 4,000 characters
    if response.status_code == 200:
        ET.fromstring(response.content)


def test_control_characters_in_the_query_or_a_record_never_break_the_feed(client, data):
    ArmsRequest.objects.filter(pk=data[0]["ve_ru_jets"].pk).update(summary="Jets\x0bpasted from a PDF\x1b")
    for url in ["/requests/feed/?q=%1B", "/requests/feed/?country=VE", "/deployments/feed/?q=%0B"]:
        response = client.get(url)
        assert response.status_code == 200, url
        ET.fromstring(response.content)  # well-formed XML 1.0
    assert "Jets\ufffdpasted from a PDF\ufffd" in client.get("/requests/feed/?country=VE").content.decode()
