"""An analyst explores the public pages in a real browser and downloads what they filtered."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watched_context
from tracker.explore import views
from tracker.models import ArmsRequest

pytestmark = pytest.mark.django_db(transaction=True)


def test_filter_open_follow_matrix_and_download(page, site, shoot):
    page.goto(f"{site.url}/")
    expect(page.locator("h1")).to_contain_text("Who asked whom")
    shoot(page, "home")

    # Filter by a country, by keyboard, as a user would.
    page.get_by_role("link", name="Requests", exact=True).click()
    page.get_by_label("Asked country").fill("ru")
    page.get_by_label("Asked country").press("Escape")  # closes the suggestions of the datalist
    page.get_by_label("Asked country").press("Enter")
    expect(page.locator(".count")).to_contain_text("1 request match")
    assert "supplier=ru" in page.url
    shoot(page, "requests-filtered-by-country")

    # Then by a system, which the server suggests as the user types: the filters add up and stay in the URL.
    page.get_by_label("System").fill("su-3")
    expect(page.locator("#system-slugs option[value='Su-30MK2']")).to_have_count(1)
    page.get_by_label("System").fill("su-30mk2")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("table.requests tbody tr")).to_have_count(1)
    assert "supplier=ru" in page.url and "system=su-30mk2" in page.url
    expect(page.get_by_label("Asked country")).to_have_value("ru")

    # Download exactly what is shown.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("requests_supplier-ru_system-su-30mk2_")  # as typed
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert {row["asked_country_iso2"] for row in rows} == {"RU"}
    assert [row["description"] for row in rows] == [
        "repairs for radars",
        "repairs for military aircraft",
        "restoring several Russian Sukhoi Su-30MK2 aircraft purchased by Venezuela",
        "possibly missile supplies",
    ]

    # Open the request: items, people and citations with their grades.
    page.locator("table.requests td.what a:not(.system)").first.click()
    expect(page.locator("h1")).to_contain_text("Venezuela asked Russia")
    expect(page.locator(".citations")).to_contain_text("In a letter to Moscow")
    expect(page.locator(".facts")).to_contain_text("Nicolas Maduro")
    shoot(page, "request-detail")

    # The matrix: a cell leads to the list it counts.
    page.get_by_role("link", name="Who asked whom").first.click()
    shoot(page, "matrix")
    page.get_by_role("link", name="Venezuela asked Iran: 2 requests").click()
    expect(page.locator(".count")).to_contain_text("2 requests match")
    assert "requester=VE" in page.url and "supplier=IR" in page.url

    # Bad input is named, not hidden.
    page.goto(f"{site.url}/requests/?requester=XX")
    expect(page.locator(".errors")).to_contain_text("Unknown country code: XX")
    shoot(page, "requests-bad-input")

    page.goto(f"{site.url}/deployments/")
    expect(page.locator("table.deployments tbody tr")).to_have_count(4)
    shoot(page, "deployments")
    page.goto(f"{site.url}/countries/VE/")
    shoot(page, "country-profile")
    page.goto(f"{site.url}/systems/su-30mk2/")
    shoot(page, "system-profile")


def test_phone_width_and_dark_mode(browser, site, shoot):
    with watched_context(browser, viewport={"width": 390, "height": 844}, color_scheme="dark") as (context, _):
        page = context.new_page()
        page.goto(f"{site.url}/requests/")
        # Nothing overflows sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(13, 17, 23)"
        shoot(page, "requests-phone-dark")


def test_filter_see_the_lazy_total_and_timeline_and_page_through(page, site, shoot, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 1)  # the live server runs in this process
    total = ArmsRequest.objects.published().filter(requester__iso2="VE").count()
    assert total >= 3
    page.goto(f"{site.url}/requests/")
    page.get_by_label("Requester").fill("VE")
    page.get_by_label("Requester").press("Escape")
    page.get_by_label("Requester").press("Enter")
    expect(page.locator(".count")).to_contain_text(f"{total} requests match · 1 on this page")

    # The timeline arrives after the page, in its own labelled region; the exact total
    # comes with it only when the page could not count that far (said once, not twice).
    summary = page.get_by_role("region", name="Exact total and timeline")
    expect(summary.locator("figure.timeline")).to_be_visible()
    expect(summary).not_to_contain_text("in all")
    shoot(page, "requests-lazy-summary")

    rows = page.locator("table.requests tbody tr")
    link = page.locator("table.requests td.what a").first  # the row's detail link names it
    first = link.get_attribute("href")
    expect(page.get_by_role("link", name="« First")).to_have_count(0)
    page.get_by_role("link", name="Next ›").click()
    assert "after=" in page.url and "requester=VE" in page.url
    expect(rows).to_have_count(1)
    expect(link).not_to_have_attribute("href", first)
    second = link.get_attribute("href")
    page.get_by_role("link", name="Next ›").click()
    expect(link).not_to_have_attribute("href", second)
    page.get_by_role("link", name="‹ Previous").click()
    assert "before=" in page.url
    expect(link).to_have_attribute("href", second)
    page.get_by_role("link", name="‹ Previous").click()
    expect(link).to_have_attribute("href", first)
    expect(page.get_by_role("link", name="« First")).to_have_count(0)
    shoot(page, "requests-paged-back")


def test_past_the_cap_the_exact_total_arrives_with_the_timeline(page, site, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 1)
    monkeypatch.setattr(views, "COUNT_CAP", 1)
    total = ArmsRequest.objects.published().filter(requester__iso2="VE").count()
    page.goto(f"{site.url}/requests/?requester=VE")
    expect(page.locator(".count")).to_contain_text("More than 1 requests match")
    summary = page.get_by_role("region", name="Exact total and timeline")
    expect(summary).to_contain_text(f"{total} requests match in all")
    expect(summary.locator("figure.timeline")).to_be_visible()
