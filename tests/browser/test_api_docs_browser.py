"""The API's documentation page works in a real browser under our Content-Security-Policy, from our own files."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watched_context
from tests.browser.contrast import CONTRAST, below_aa

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_lists_the_api_and_runs_a_request(page, site, shoot):
    """The page's watch (conftest) fails the test on any CSP violation; every file comes from the site."""
    foreign = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith((site.url, "data:")) else None)
    page.goto(f"{site.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Arms Request Tracker API")
    operation = page.locator("#operations-requests-requests_list")
    expect(operation).to_be_visible()
    schema = page.request.get(f"{site.url}/api/schema/?format=json").json()
    operations = sum(len(methods) for methods in schema["paths"].values())
    assert operations >= 16  # records, their versions, releases, claims, countries, systems, sources
    expect(page.locator(".opblock")).to_have_count(operations)
    operation.locator(".opblock-summary").click()
    operation.locator("tr[data-param-name='date_from'] input").fill("2025")
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    body = operation.locator(".live-responses-table .response-col_description pre").first
    expect(body).to_contain_text('"requester"')
    shoot(page, "api-docs")
    assert foreign == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_api_docs_follow_light_and_dark_with_readable_text(browser, site, shoot, scheme):
    """Every text at least WCAG AA on its background: the GET badges, Execute, Cancel, "Expand all", the response."""
    with watched_context(browser, viewport={"width": 1366, "height": 900}, color_scheme=scheme) as (context, _):
        page = context.new_page()
        page.goto(f"{site.url}/api/docs/")
        assert page.evaluate("document.documentElement.classList.contains('dark-mode')") == (scheme == "dark")
        operation = page.locator("#operations-requests-requests_list")
        operation.locator(".opblock-summary").click()
        operation.get_by_role("button", name="Execute").click()
        expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
        expect(page.get_by_role("button", name="Expand all").first).to_be_visible()
        shoot(page, f"api-docs-{scheme}", full_page=False)
        texts = page.evaluate(CONTRAST)
        checked = {found["text"] for found in texts}
        assert {"GET", "Execute", "Cancel", "Expand all", "Clear"} <= checked
        badge = next(found for found in texts if found["text"] == "GET")
        assert badge["ratio"] >= 4.5, badge
        assert below_aa(page) == []
