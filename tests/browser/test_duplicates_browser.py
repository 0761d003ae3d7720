"""A curator enters, by hand, a request the demo already holds: the save is held, the two it may repeat are
listed with links, and saving anyway is a deliberate tick. At 1366 px, light and dark."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.contrast import below_aa
from tests.browser.test_admin_browser import choose, log_in
from tracker.models import ArmsRequest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_request_that_may_repeat_two_is_held_with_links_then_saved_anyway(page, site, shoot):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, site)
    page.goto(f"{site.url}/admin/tracker/armsrequest/add/")
    choose(page, "id_requester", "Venezuela")
    choose(page, "id_supplier", "Iran")
    page.fill("#id_summary", "Venezuela asks Iran for drones, entered again")
    page.fill("#id_date", "2025-11-03")
    page.select_option("#id_date_precision", "month")
    choose(page, "id_items-0-equipment_type", "UAV / drone")
    page.fill("#id_items-0-description", "drones with a range of 1,000 km")
    page.click("input[name=_save]")

    box = page.locator("#duplicates")
    expect(box).to_contain_text("This request may repeat 2 existing ones")
    expected = {
        f"/admin/tracker/armsrequest/{pk}/change/"
        for pk in ArmsRequest.objects.filter(requester__iso2="VE", supplier__iso2="IR").values_list("pk", flat=True)
    }
    links = box.locator("a")
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} == expected
    assert {links.nth(i).get_attribute("target") for i in range(links.count())} == {"_blank"}
    expect(box).to_contain_text("2025 · published")
    expect(box).to_contain_text("cites The Washington Post")
    # Nothing typed is lost, inline rows included, and the page does not scroll sideways.
    expect(page.locator("#id_summary")).to_have_value("Venezuela asks Iran for drones, entered again")
    expect(page.locator("#id_items-0-description")).to_have_value("drones with a range of 1,000 km")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert below_aa(page, box.element_handle()) == []
    shoot(page, "admin-request-duplicates-1366")
    page.emulate_media(color_scheme="dark")
    shoot(page, "admin-request-duplicates-1366-dark", full_page=False)
    page.wait_for_timeout(300)  # the admin's links fade to their new colour
    assert below_aa(page, box.element_handle()) == []
    page.emulate_media(color_scheme="light")
    assert not ArmsRequest.objects.filter(summary__endswith="entered again").exists()

    page.check("#id_save_anyway")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    saved = ArmsRequest.objects.get(summary__endswith="entered again")
    assert re.fullmatch("drones with a range of 1,000 km", saved.items.get().description)
