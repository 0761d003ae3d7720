"""A source's captures on its admin page, in a real browser at 1366 px: readable without scrolling sideways."""

import pytest
from playwright.sync_api import expect

from tests import evidence_server
from tests.browser.conftest import watched_context
from tests.browser.test_admin_browser import log_in
from tests.conftest import finish_jobs
from tracker.evidence import storage
from tracker.evidence.capture import request_capture
from tracker.models import CaptureState, Source

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "?utm_source=newsletter&utm_medium=email&utm_campaign=" + "caribbean-deployments-" * 6


@pytest.fixture
def server(settings):
    server = evidence_server.start()
    settings.EVIDENCE_ALLOWED_HOSTS = [f"127.0.0.1:{server.server_port}"]
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_source_page_lists_a_captured_and_a_failed_capture_at_1366_px(site, browser, server, shoot):
    source = Source.objects.create(outlet="Test Times", title="Maduro asks Moscow for radars", url=server + "/article")
    request_capture(source)
    source.url = f"{server}/status/404/a-page-moved-somewhere-else{LONG}"
    source.save()
    request_capture(source)
    finish_jobs()
    captured, failed = source.captures.order_by("pk")
    assert (captured.state, failed.state) == (CaptureState.CAPTURED, CaptureState.FAILED)

    with watched_context(browser, viewport={"width": 1366, "height": 900}, accept_downloads=True) as (context, _):
        page = context.new_page()
        log_in(page, site)
        page.goto(f"{site.url}/admin/tracker/source/{source.pk}/change/")
        table = page.locator("#evidence table.evidence-captures")
        expect(table.locator("tbody tr")).to_have_count(2)
        expect(table.locator("tbody tr").first).to_contain_text("the server answered 404")
        expect(table.locator(f'code[title="{captured.sha256}"]')).to_have_text(captured.sha256[:12] + "…")
        shoot(page, "admin-source-evidence")
        widths = page.evaluate(
            """() => {
              const table = document.querySelector('#evidence table.evidence-captures');
              return {page: document.documentElement.scrollWidth, window: window.innerWidth,
                      table: table.scrollWidth, box: table.parentElement.clientWidth,
                      right: table.getBoundingClientRect().right};
            }"""
        )
        assert widths["page"] <= widths["window"], widths  # no sideways scroll
        assert widths["table"] <= widths["box"] and widths["right"] <= 1366, widths

        with page.expect_download() as download:
            table.get_by_role("link", name="WARC").click()
        assert download.value.suggested_filename == f"capture-{captured.pk}.warc.gz"
        with storage.open_kept(captured.warc) as file, open(download.value.path(), "rb") as got:
            assert got.read() == file.read()

        table.get_by_role("link", name="text").click()
        expect(page.locator("#capture-text")).to_contain_text("fourteen missile units")
        expect(page.locator("#capture-text")).to_contain_text("Jane Reporter")

        # The source list, filtered to failed captures, with its evidence column: still no sideways scroll.
        page.goto(f"{site.url}/admin/tracker/source/?capture=failed")
        expect(page.locator("#result_list tbody tr")).to_have_count(1)
        expect(page.locator("#result_list td.field-evidence")).to_have_text("failed")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        shoot(page, "admin-sources-failed-captures")
