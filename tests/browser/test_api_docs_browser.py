"""The API's documentation page works in a real browser under our Content-Security-Policy, from our own files."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_lists_the_api_and_runs_a_request(page, site, shoot):
    """The page's watch (conftest) fails the test on any CSP violation; every file comes from the site."""
    foreign = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith((site.url, "data:")) else None)
    page.goto(f"{site.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Arms Request Tracker API")
    operation = page.locator("#operations-requests-requests_list")
    expect(operation).to_be_visible()
    expect(page.locator(".opblock")).to_have_count(9)
    operation.locator(".opblock-summary").click()
    operation.locator("tr[data-param-name='date_from'] input").fill("2025")
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    body = operation.locator(".live-responses-table .response-col_description pre").first
    expect(body).to_contain_text('"requester"')
    shoot(page, "api-docs")
    assert foreign == []
