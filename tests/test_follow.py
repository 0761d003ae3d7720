"""Following and reusing what the site shows: the subscribe page, country and system feeds, the JSON beside
every CSV, the API in the footer, and a record's own dates."""

import re
from html import unescape

import pytest

from tests.explorer_data import build
from tests.test_feeds import read_feed
from tracker.models import ArmsRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    return build()


def test_the_subscribe_page_explains_the_feed_and_gives_its_address(client, data):
    requests, _ = data
    response = client.get("/requests/subscribe/", {"country": "VE", "type": "uav", "sort": "date"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="http://testserver/requests/feed/?country=VE&amp;type=uav"' in html  # to copy, absolute
    alternate = r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">'
    assert re.findall(alternate, html) == ["/requests/feed/?country=VE&amp;type=uav"]
    assert "What is a feed?" in html and 'data-copy="feed-url"' in html
    assert [record.pk for record, _ in response.context["latest"]] == [requests["ve_ir_drones"].pk]


def test_a_deployment_feed_has_its_page_too(client, data):
    _, deployments = data
    response = client.get("/deployments/subscribe/?country=US")
    assert response.status_code == 200
    assert {r.pk for r, _ in response.context["latest"]} == {deployments["us_ships"].pk, deployments["us_troops"].pk}
    assert 'value="http://testserver/deployments/feed/?country=US"' in response.content.decode()


def test_a_bad_filter_is_named_on_the_subscribe_page(client, data):
    response = client.get("/requests/subscribe/?country=Atlantis")
    assert response.status_code == 400
    assert "Atlantis" in response.content.decode()


@pytest.mark.parametrize(
    ("page", "feed", "follow", "expected"),
    [
        (
            "/countries/VE/",
            "/requests/feed/?country=VE",
            "Follow Venezuela",
            ["ve_ru_jets", "ve_ir_drones", "ve_cn_coop"],
        ),
        ("/countries/RU/", "/requests/feed/?country=RU", "Follow Russia", ["ve_ru_jets", "cu_ru_sam", "by_ru_undated"]),
        ("/systems/su-30mk2/", "/requests/feed/?system=su-30mk2", "Follow Su-30MK2", ["ve_ru_jets"]),
        ("/systems/s-400/", "/requests/feed/?system=s-400", "Follow S-400", ["cu_ru_sam"]),
    ],
)
def test_countries_and_systems_have_feeds_of_their_published_requests(client, data, page, feed, follow, expected):
    """Involving the country (either side), or asking for the system; never a draft or an uncited record."""
    requests, _ = data
    html = client.get(page).content.decode()
    assert 'type="application/atom+xml" title="' in html and f'href="{feed}"' in html
    subscribe = feed.replace("/feed/", "/subscribe/")
    assert re.search(rf'<a class="subscribe" href="{re.escape(subscribe)}">{follow}</a>', html)
    _, entries = read_feed(client, feed)
    assert sorted(entry["pk"] for entry in entries) == sorted(requests[key].pk for key in expected)
    assert client.get(subscribe).status_code == 200


def links(html):
    return [unescape(href) for href in re.findall(r'<a [^>]*href="([^"]+)"', html)]


@pytest.mark.parametrize(
    "page",
    ["/requests/?country=VE&sort=date", "/deployments/?country=US", "/countries/VE/", "/systems/s-400/", "/"],
)
def test_every_csv_has_its_json_with_the_same_filters(client, data, page):
    """Beside each list's CSV, the API's list of the same query: the same records."""
    found = links(client.get(page).content.decode())
    csvs = [href for href in found if re.match(r"/(requests|deployments)\.csv", href)]
    assert csvs
    for csv in csvs:
        json = re.sub(r"^/(requests|deployments)\.csv", r"/api/\1/", csv)
        assert json in found, (page, csv)
        answer = client.get(json)
        assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json")


def test_the_json_lists_what_the_page_lists(client, data):
    page = client.get("/requests/?country=VE&sort=date")
    json = next(href for href in links(page.content.decode()) if href.startswith("/api/requests/"))
    assert json == "/api/requests/?country=VE&sort=date"
    assert [r["id"] for r in client.get(json).json()["results"]] == [r.pk for r in page.context["page"]]


def test_the_footer_leads_to_the_api_and_its_documentation(client, data):
    for page in ["/", "/requests/", "/countries/VE/"]:
        found = links(client.get(page).content.decode())
        assert "/api/" in found and "/api/docs/" in found


def test_a_record_page_says_when_it_was_first_published_and_last_changed(client, data):
    requests, deployments = data
    record = ArmsRequest.objects.get(pk=requests["ve_ru_jets"].pk)
    html = client.get(f"/requests/{record.pk}/").content.decode()
    assert f'<dt>First published</dt><dd><time datetime="{record.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")}">' in html
    assert ("<dt>Last changed</dt>" in html) == hasattr(record, "changed_at")
    html = client.get(f"/deployments/{deployments['us_ships'].pk}/").content.decode()
    assert "<dt>First published</dt>" in html
