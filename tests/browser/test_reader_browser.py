"""The seed article recorded from the admin in a real browser (issue 22's goal): pasted, read as a job, reviewed
with its spans marked, the four requests accepted as drafts; in at most 3 page loads after login and at most
10 fields changed by hand, both measured in the browser."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watched_context
from tests.browser.test_admin_browser import log_in
from tests.conftest import finish_jobs
from tracker.models import ArmsRequest, Citation, Reading, RequestItem

pytestmark = pytest.mark.django_db(transaction=True)
SEED = (Path(__file__).parent.parent.parent / "tracker" / "data" / "seed_article.txt").read_text()

# Every field typed in or changed, by name, on whatever page: "input" and "change" reach the document (the
# page's own scripts change no field; Playwright's select_option sends untrusted events, counted too).
COUNT_FIELDS = """
for (const kind of ["input", "change"]) {
  document.addEventListener(kind, (e) => { if (e.target.name) window.fieldTouched(e.target.name); }, true);
}
"""


def test_the_seed_article_becomes_four_draft_requests(site, browser, shoot):
    with watched_context(browser, viewport={"width": 1366, "height": 900}) as (context, _problems):
        page = context.new_page()
        page.set_default_timeout(20_000)
        log_in(page, site)
        page.wait_for_load_state("load")  # the admin's index, where login lands: not counted
        loads, touched = [], set()
        page.on("load", lambda: loads.append(page.url))
        context.expose_function("fieldTouched", lambda name: touched.add(name))
        page.add_init_script(COUNT_FIELDS)

        page.get_by_role("link", name="New from article").first.click()  # load 1: the intake
        expect(page.locator("h1")).to_contain_text("New from article")
        page.fill("#id_text", SEED)
        page.fill("#id_outlet", "Newsmax")
        page.fill("#id_title", "Venezuela seeks military help from Russia, China and Iran")
        page.fill("#id_published", "2025")
        shoot(page, "reader-intake", full_page=False)
        page.get_by_role("button", name="Read the article").click()  # load 2: the reading's page, waiting
        expect(page.locator("#reading")).to_have_attribute("data-state", "queued")
        finish_jobs()  # what the worker does; the page puts the review in place without reloading
        expect(page.locator("#reading")).to_have_attribute("data-state", "read")
        assert len(loads) == 2, loads

        marks = page.locator(".reading-body mark.hl")
        assert marks.count() > 0
        expect(marks.filter(has_text="GPS jammers").first).to_have_text("GPS jammers")
        expect(page.locator("fieldset.proposal-request")).to_have_count(4)
        page.select_option("#id_source-reliability", "B")
        page.select_option("#id_source-credibility", "2")
        for n in range(4):
            page.check(f"input[name='request-{n}-decision'][value='accepted']")
        page.locator("#request-3").scroll_into_view_if_needed()
        shoot(page, "reader-review", full_page=False)
        page.get_by_role("button", name="Save decisions").click()  # load 3: the same page, decided
        expect(page.locator(".messagelist")).to_contain_text("Saved 4 decision(s)")
        expect(page.locator(".proposal-decided")).to_have_count(4)
        assert page.locator(".reading-body mark.hl").count() > 0  # the marks stay for what is left
        shoot(page, "reader-accepted", full_page=False)
        assert len(loads) == 3, loads
        assert len(touched) <= 10, touched

    reading = Reading.objects.get()
    made = ArmsRequest.objects.filter(internal_notes__contains=f"(reading #{reading.pk})")
    assert made.count() == 4 and not made.filter(published=True).exists()
    assert sorted(made.values_list("supplier__iso2", flat=True)) == ["CN", "IR", "IR", "RU"]
    assert RequestItem.objects.filter(request__in=made).count() == 10
    citations = Citation.objects.filter(request__in=made)
    assert citations.count() == 4 and {c.source.outlet for c in citations} == {"Newsmax"}
    assert all(c.quote and c.location.startswith("paragraph") and c.credibility == 2 for c in citations)
    print(
        f"\nreader browser test: {len(loads)} page loads after login, {len(touched)} fields changed: {sorted(touched)}"
    )
