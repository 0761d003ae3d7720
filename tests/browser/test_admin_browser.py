"""A curator enters a claim in the admin, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tracker.models import ArmsRequest

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, site):
    page.goto(f"{site.url}/admin/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Arms Request Tracker")


def choose(page, field_id, text):
    """Pick a value in one of the admin's autocomplete (select2) widgets."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    # Starting with the text: "Cuba" must not pick "Anti-Castro rebels (Cuba)" from the list shown before the search.
    option = page.locator(".select2-results__option", has_text=re.compile(f"^{re.escape(text)}")).first
    option.wait_for()
    option.click()


def test_curator_enters_a_cited_request_and_sees_its_history(page, site, shoot):
    log_in(page, site)
    shoot(page, "admin-index")

    page.goto(f"{site.url}/admin/tracker/armsrequest/")
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    shoot(page, "admin-requests-changelist")

    page.get_by_role("link", name=re.compile("Venezuela")).first.click()
    page.goto(f"{site.url}/admin/tracker/armsrequest/?q=Su-30MK2")
    page.locator("#result_list tbody tr a").first.click()
    expect(page.locator("#items-group")).to_contain_text("restoring several Russian Sukhoi Su-30MK2")
    shoot(page, "admin-request-change")

    page.goto(f"{site.url}/admin/tracker/armsrequest/add/")
    choose(page, "id_requester", "Cuba")
    choose(page, "id_supplier", "Russia")
    page.fill("#id_summary", "Cuba asks Russia for air-defence radars")
    page.fill("#id_date", "2025-11-03")
    page.select_option("#id_date_precision", "month")
    page.select_option("#id_channel", "meeting")
    choose(page, "id_items-0-equipment_type", "Radar / sensor")
    page.fill("#id_items-0-description", "air-defence radars")
    page.fill("#id_items-0-quantity_requested", "4")
    choose(page, "id_citations-0-source", "Newsmax")
    page.fill("#id_citations-0-quote", "A test quote.")
    page.select_option("#id_citations-0-credibility", "3")
    page.check("#id_published")
    shoot(page, "admin-request-add")
    page.click("input[name=_save]")
    # It cites the article the demo's requests cite: held once, saved anyway (tests/test_duplicates.py).
    expect(page.locator("#duplicates")).to_contain_text("This request may repeat")
    page.check("#id_save_anyway")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    request = ArmsRequest.objects.get(summary="Cuba asks Russia for air-defence radars")
    assert (request.requester.iso2, request.supplier.iso2, request.date_display) == ("CU", "RU", "Nov 2025")
    assert request.published and request.citations.get().credibility == 3
    assert request.items.get().quantity_requested == 4

    page.goto(f"{site.url}/admin/tracker/armsrequest/{request.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("curator")
    shoot(page, "admin-request-history")


def test_publishing_without_a_source_is_refused_in_the_form(page, site, shoot):
    log_in(page, site)
    page.goto(f"{site.url}/admin/tracker/armsrequest/add/")
    choose(page, "id_requester", "Cuba")
    choose(page, "id_supplier", "China")
    page.fill("#id_summary", "Uncited claim")
    choose(page, "id_items-0-equipment_type", "UAV / drone")
    page.fill("#id_items-0-description", "drones")
    page.check("#id_published")
    page.click("input[name=_save]")
    expect(page.locator(".errorlist")).to_contain_text("Cite at least one source before publishing")
    shoot(page, "admin-request-refused")
    assert not ArmsRequest.objects.filter(summary="Uncited claim").exists()


def test_the_request_form_and_lists_fit_a_1366_pixel_screen(page, site, shoot):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, site)
    request = ArmsRequest.objects.order_by("pk").first()
    page.goto(f"{site.url}/admin/tracker/armsrequest/{request.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    for cell in ("#items-0 .field-hedged", "#items-0 .field-quantity_delivered", "#citations-0 .field-credibility"):
        assert page.locator(cell).bounding_box()["x"] + page.locator(cell).bounding_box()["width"] <= 1366, cell
    shoot(page, "admin-request-change-1366")
    for changelist in ("armsrequest", "deployment"):
        page.goto(f"{site.url}/admin/tracker/{changelist}/")
        visible = page.locator("#changelist .results").bounding_box()
        for column in (
            "th.column-published",
            "th.column-summary_start" if changelist == "armsrequest" else "th.column-what",
        ):
            box = page.locator(column).bounding_box()
            assert box["x"] + box["width"] <= visible["x"] + visible["width"], (changelist, column)
    shoot(page, "admin-deployments-changelist-1366")
