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
    # The record's own link: a row also links its systems (/systems/<slug>/).
    links = page.locator(f"table.{table} tbody td.what a[href^='/{table}/']")
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    return sorted({href.rstrip("/").rsplit("/", 1)[1] for href in hrefs})


def test_subscribe_explains_the_feed_and_copies_its_address(page, site, shoot):
    """A person's "Subscribe" leads to a page saying what a feed is, with its address to copy; a feed reader given
    the list (or that page) still finds the Atom feed in its head, and the feed is well-formed XML."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page.goto(f"{site.url}/requests/?country=VE&sort=date")
    alternate = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    expect(alternate).to_have_attribute("href", "/requests/feed/?country=VE")
    ids_listed = listed_ids(page, "requests")
    page.get_by_role("link", name="Subscribe to these filters").click()

    expect(page).to_have_url(f"{site.url}/requests/subscribe/?country=VE")
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscribe to arms requests")
    expect(page.locator(".selection")).to_have_text("Filters: Either side: Venezuela")
    expect(alternate).to_have_attribute("href", "/requests/feed/?country=VE")
    address = page.get_by_role("textbox", name="The feed's address")
    expect(address).to_have_value(f"{site.url}/requests/feed/?country=VE")
    page.get_by_role("button", name="Copy address").click()
    expect(page.get_by_role("status")).to_have_text("Copied. Paste it into your feed reader.")
    assert page.evaluate("navigator.clipboard.readText()") == f"{site.url}/requests/feed/?country=VE"
    expect(page.locator(".latest-entries li")).to_have_count(4)
    shoot(page, "subscribe-page")

    root, ids = feed_of(page, page.get_by_role("link", name="See the feed itself"))
    assert root.findtext(f"{ATOM}title") == "Arms requests: Either side: Venezuela"
    assert sorted(ids) == ids_listed and len(ids) == 4

    page.goto(f"{site.url}/deployments/?country=US")
    page.get_by_role("link", name="Subscribe to these filters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscribe to deployments")
    _, ids = feed_of(page, page.get_by_role("link", name="See the feed itself"))
    page.goto(f"{site.url}/deployments/?country=US")
    assert ids and len(ids) == page.locator("table.deployments tbody tr").count()


def test_a_country_and_a_system_can_be_followed(page, site, shoot):
    """ "Follow Venezuela": the requests it made or was asked; "Follow Su-30MK2": the requests asking for it."""
    for path, follow, feed, expected in [
        ("/countries/VE/", "Follow Venezuela", "/requests/feed/?country=VE", "/requests/?country=VE"),
        ("/systems/su-30mk2/", "Follow Su-30MK2", "/requests/feed/?system=su-30mk2", "/requests/?system=su-30mk2"),
    ]:
        page.goto(site.url + path)
        expect(page.locator('head link[rel="alternate"][type="application/atom+xml"]')).to_have_attribute("href", feed)
        shoot(page, f"follow-{path.split('/')[2].lower()}", full_page=False)
        page.get_by_role("link", name=follow).click()
        expect(page.get_by_role("textbox", name="The feed's address")).to_have_value(site.url + feed)
        _, ids = feed_of(page, page.get_by_role("link", name="See the feed itself"))
        page.goto(site.url + expected)
        assert sorted(ids) == listed_ids(page, "requests") and ids, path


def test_the_citations_behind_a_filter(page, site):
    """One row per citation of the requests the page lists."""
    page.goto(f"{site.url}/requests/?country=VE")
    with page.expect_download() as info:
        page.get_by_role("link", name="Citations CSV").click()
    assert info.value.suggested_filename.startswith("citations") and "VE" in info.value.suggested_filename
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == Citation.objects.filter(request__requester__iso2="VE").count()
    assert sorted({row["request_id"] for row in rows}) == listed_ids(page, "requests")


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
