"""An analyst subscribes to what they filtered, and downloads the citations behind it, in a real browser."""

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tracker.models import Citation

pytestmark = pytest.mark.django_db(transaction=True)
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_of(page, link):
    """The feed a link points to, fetched as a feed reader would, and the ids of the records it holds."""
    response = page.request.get(link.evaluate("a => a.href"))  # absolute, as the browser resolves it
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.body())
    return root, [e.find(f"{ATOM}link").get("href").rstrip("/").rsplit("/", 1)[1] for e in root.iter(f"{ATOM}entry")]


def listed_ids(page, table):
    hrefs = page.locator(f"table.{table} tbody td.what a").evaluate_all("links => links.map(a => a.href)")
    return sorted({href.rstrip("/").rsplit("/", 1)[1] for href in hrefs})


def test_both_lists_offer_a_feed_of_their_filter(page, site, shoot):
    page.goto(f"{site.url}/requests/?country=VE&sort=date")
    subscribe = page.get_by_role("link", name="Subscribe (Atom feed)")
    expect(subscribe).to_be_visible()
    expect(subscribe).to_have_attribute("href", "/requests/feed/?country=VE")
    alternate = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    expect(alternate).to_have_attribute("href", "/requests/feed/?country=VE")
    page.locator(".resultbar").scroll_into_view_if_needed()
    shoot(page, "requests-subscribe", full_page=False)
    root, ids = feed_of(page, subscribe)
    assert root.findtext(f"{ATOM}title") == "Arms requests: Either side: Venezuela"
    assert sorted(ids) == listed_ids(page, "requests") and len(ids) == 4

    # The citations behind the same filter, one row each.
    with page.expect_download() as info:
        page.get_by_role("link", name="Citations CSV").click()
    assert info.value.suggested_filename.startswith("citations-VE-")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == Citation.objects.filter(request__requester__iso2="VE").count()
    assert sorted({row["request_id"] for row in rows}) == listed_ids(page, "requests")

    page.goto(f"{site.url}/deployments/?country=US")
    subscribe = page.get_by_role("link", name="Subscribe (Atom feed)")
    expect(subscribe).to_be_visible()
    expect(page.locator('head link[rel="alternate"][type="application/atom+xml"]')).to_have_attribute(
        "href", "/deployments/feed/?country=US"
    )
    shoot(page, "deployments-subscribe", full_page=False)
    _, ids = feed_of(page, subscribe)
    assert ids and len(ids) == page.locator("table.deployments tbody tr").count()


def test_the_su30_download_marks_the_row_that_matched(page, site):
    page.goto(f"{site.url}/requests/?system=su-30mk2")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert [(row["system"], row["item_matched"]) for row in rows] == [
        ("", "no"),
        ("", "no"),
        ("Su-30MK2", "yes"),
        ("", "no"),
    ]
