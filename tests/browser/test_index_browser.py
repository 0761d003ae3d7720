"""An analyst browses the index pages, reads the matrix, and types country names, at desktop and phone width."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watched_context

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_countries_and_systems_sort_filter_and_download(page, site, shoot):
    page.goto(f"{site.url}/")
    page.get_by_role("link", name="Countries", exact=True).click()
    expect(page.locator("h1")).to_have_text("Countries and parties")
    venezuela = page.locator("table.index tbody tr", has_text="Venezuela")
    expect(venezuela.locator("td[data-label='Requested']")).to_have_text("4")
    shoot(page, "countries")

    # Counts sort most first; the arrow says how it is sorted.
    page.get_by_role("link", name="Requests made").click()
    assert page.url.endswith("?sort=-asked")
    expect(page.locator("table.index tbody th").first).to_contain_text("Venezuela (VE)")
    page.get_by_label("Region (UN M49)").select_option("South America")
    page.get_by_role("button", name="Apply filters").click()
    assert "region=South+America" in page.url and "sort=-asked" in page.url
    expect(page.locator("table.index tbody tr")).to_have_count(1)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert [(r["country"], r["code"], r["requests_made"]) for r in rows] == [("Venezuela", "VE", "4")]

    # A count opens the list it counts.
    page.get_by_role("link", name="4", exact=True).click()
    expect(page.locator(".count")).to_contain_text("4 requests match")

    page.get_by_role("link", name="Systems", exact=True).click()
    expect(page.locator("table.index tbody tr", has_text="Su-30MK2")).to_have_count(1)
    shoot(page, "systems")
    page.get_by_role("link", name="Su-30MK2").click()
    expect(page.get_by_role("link", name="Download CSV of the requests for Su-30MK2")).to_have_attribute(
        "href", "/requests.csv?system=su-30mk2"
    )


def test_the_country_box_suggests_names_and_the_list_takes_them(page, site, shoot):
    page.goto(f"{site.url}/requests/")
    box = page.get_by_label("Asked country")
    box.fill("Russia, Ch")
    expect(page.locator("#country-names option[value='Russia, China']")).to_have_count(1)
    box.fill("Russia, China")
    box.press("Escape")
    box.press("Enter")
    assert "supplier=Russia%2C+China" in page.url
    expect(page.locator(".count")).to_contain_text("requests match")
    expect(page.locator(".errors")).to_have_count(0)
    expect(box).to_have_value("Russia, China")

    page.goto(f"{site.url}/requests/?requester=Korea")
    expect(page.locator(".errors")).to_contain_text("Did you mean North Korea (KP), South Korea (KR)?")
    shoot(page, "requests-ambiguous-country")


def test_the_matrix_reads_the_same_on_both_axes(page, site, shoot):
    page.goto(f"{site.url}/matrix/")
    labelled = re.compile(r"^\s*\S.* \([A-Z]{2}\)\s*$")  # "Iran (IR)": name with code, on both axes
    for header in page.locator("table.matrix thead th.column-head").all():
        expect(header).to_have_text(labelled)
    expect(page.locator("table.matrix tbody th").first).to_have_text(labelled)
    expect(page.locator("table.matrix tbody th").first).to_contain_text("Venezuela (VE)")
    # Column names run upwards: taller than wide, and not cut at demo length.
    box = page.locator("table.matrix thead th.column-head .country-label").first.bounding_box()
    assert box["height"] > box["width"]
    shoot(page, "matrix-labels")


@pytest.mark.parametrize("path", ["/countries/", "/systems/", "/matrix/"])
def test_phone_width(browser, site, shoot, path):
    with watched_context(browser, viewport=PHONE) as (context, _):
        page = context.new_page()
        page.goto(f"{site.url}{path}")
        # The page itself never scrolls sideways; the matrix scrolls inside its own region.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        name = path.strip("/")
        table = page.locator("table").first
        table.scroll_into_view_if_needed()
        shoot(page, f"{name}-phone", full_page=False)
        if path != "/matrix/":
            # Each row is a card: name above its labelled counts.
            first = page.locator("table.index tbody tr").first
            name_box = first.locator("th").bounding_box()
            count_box = first.locator("td[data-label]").first.bounding_box()
            assert count_box["y"] >= name_box["y"] + name_box["height"] - 1
