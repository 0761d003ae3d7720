"""A reader types a manufacturer into the system box, follows a system from a list row, and reads errors that
name the boxes as the form labels them (issue 23)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watched_context
from tests.browser.contrast import below_aa

pytestmark = pytest.mark.django_db(transaction=True)


def test_system_words_link_and_labelled_errors(browser, site, shoot):
    for width, height, scheme in ((1366, 900, "light"), (390, 844, "dark")):
        options = {"viewport": {"width": width, "height": height}, "color_scheme": scheme}
        with watched_context(browser, **options) as (context, _):
            page = context.new_page()
            page.goto(f"{site.url}/requests/")
            if width < 600:
                page.locator("details.filter-panel summary").click()  # folded on a phone
            expect(page.get_by_label("From", exact=True)).to_have_attribute("placeholder", "2020, 2020-05, 2020-05-17")

            # The server suggests by manufacturer as the user types; the manufacturer alone is a filter.
            page.get_by_label("System").press_sequentially("Sukh")
            expect(page.locator("#system-slugs option[value='Su-30MK2']")).to_have_text("Sukhoi")
            page.get_by_label("System").fill("Sukhoi")
            page.get_by_label("System").press("Escape")  # closes the suggestions
            page.get_by_label("System").press("Enter")
            expect(page.locator("details.filter-panel summary")).to_contain_text("System: Sukhoi")
            rows = page.locator("table.requests tbody tr")
            expect(rows).to_have_count(1)

            # The system in a row is a link to its page.
            rows.first.get_by_role("link", name="Su-30MK2", exact=True).click()
            expect(page.locator("h1")).to_contain_text("Su-30MK2")
            assert page.url.endswith("/systems/su-30mk2/")

            # Errors say From and System, as the boxes do, never date_from; nothing is listed.
            page.goto(f"{site.url}/requests/?date_from=spring&system=Sukhoy")
            errors = page.locator(".errors li")
            expect(errors).to_have_text(
                [
                    "System: Unknown system or manufacturer: 'Sukhoy'. Did you mean Sukhoi?",
                    "From: 'spring' is not a date: a year, a month or a day, as 2020, 2020-05 or 2020-05-17.",
                ]
            )
            expect(page.locator(".errors")).not_to_contain_text("date_from")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert below_aa(page, page.locator(".errors").element_handle()) == []
            shoot(page, f"system-filter-errors-{width}-{scheme}")
