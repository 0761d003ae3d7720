"""Issue 25's test in a real browser: a request published, cited by its version's link, edited and republished
twice; the cited link still shows the first published state, with a banner naming the current version."""

import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
from playwright.sync_api import expect

from tests.browser.test_admin_browser import choose, log_in
from tracker.models import ArmsRequest

pytestmark = pytest.mark.django_db(transaction=True)

CSL_SCHEMA = json.loads((Path(__file__).parent.parent / "data" / "csl-data.json").read_text())


def downloaded(page, name):
    with page.expect_download() as info:
        page.get_by_role("link", name=name, exact=True).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_text()


def save_in_admin(page, site, request, **fields):
    page.goto(f"{site.url}/admin/tracker/armsrequest/{request.pk}/change/")
    for selector, value in fields.items():
        if selector.startswith("select:"):
            page.select_option(selector[7:], value)
        else:
            page.fill(selector, value)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


def test_a_cited_version_link_shows_the_state_it_cited(page, site, shoot):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    log_in(page, site)
    page.goto(f"{site.url}/admin/tracker/armsrequest/add/")
    choose(page, "id_requester", "Cuba")
    choose(page, "id_supplier", "Russia")
    page.fill("#id_summary", "Cuba asks Russia for air-defence radars")
    choose(page, "id_items-0-equipment_type", "Radar / sensor")
    page.fill("#id_items-0-description", "air-defence radars")
    page.fill("#id_items-0-quantity_requested", "4")
    choose(page, "id_citations-0-source", "Newsmax")
    page.fill("#id_citations-0-quote", "A test quote.")
    page.select_option("#id_citations-0-credibility", "3")
    page.check("#id_published")
    page.click("input[name=_save]")
    # It cites the demo's article (Newsmax): held as a possible duplicate, then saved anyway. check() waits for
    # the box; count() right after the click raced the page's reload.
    page.locator("#id_save_anyway").check()
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    request = ArmsRequest.objects.get(summary="Cuba asks Russia for air-defence radars")
    cited = f"{site.url}/requests/{request.pk}/v/1/"

    # A reader cites it: the version line, the plain text copied, the files for a reference manager.
    page.goto(f"{site.url}/requests/{request.pk}/")
    expect(page.locator(".facts")).to_contain_text("version 1 · permanent link")
    expect(page.get_by_role("link", name="permanent link")).to_have_attribute("href", f"/requests/{request.pk}/v/1/")
    page.get_by_role("button", name="Copy citation").click()
    expect(page.locator("#cite-status")).to_have_text("Copied. Paste it into your text.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Arms Request Tracker. “Cuba asked Russia: Cuba asks Russia for air-defence radars”")
    assert "version 1 (" in copied and f"{cited} (accessed " in copied
    shoot(page, "version-record-page-cite")
    name, text = downloaded(page, "BibTeX")
    (entry,) = bibtexparser.loads(text).entries
    assert name == f"arms-request-tracker_request-{request.pk}_v1.bib" and entry["url"] == cited
    name, text = downloaded(page, "CSL-JSON")
    jsonschema.validate(json.loads(text), CSL_SCHEMA)
    assert name.endswith("_v1.json") and json.loads(text)[0]["URL"] == cited

    # The curator edits and republishes it twice.
    save_in_admin(
        page, site, request, **{"#id_summary": "Cuba agrees to buy Russian radars", "select:#id_status": "agreed"}
    )
    save_in_admin(page, site, request, **{"#id_items-0-quantity_requested": "6", "#id_notes": "Numbers revised."})

    page.goto(cited)
    expect(page.locator(".lede")).to_have_text("Cuba asks Russia for air-defence radars")
    expect(page.locator("table.items")).to_contain_text("4")
    banner = page.locator(".version-banner")
    expect(banner).to_contain_text("Version 1 of this request")
    expect(banner.get_by_role("link", name="version 3")).to_have_attribute("href", f"/requests/{request.pk}/v/3/")
    for change in (
        "Status: Requested → Agreed",
        "Summary: Cuba asks Russia",
        "Public notes: not reported → Numbers revised.",
        "quantity asked: 4 → 6",
    ):
        expect(banner).to_contain_text(change)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shoot(page, "version-1-after-two-edits")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "version-1-after-two-edits-390")
    page.goto(f"{site.url}/requests/{request.pk}/")
    expect(page.locator(".lede")).to_have_text("Cuba agrees to buy Russian radars")
    expect(page.locator(".facts")).to_contain_text("version 3")
