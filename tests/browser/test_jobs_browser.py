"""The job page in a real browser: the bar moves without the page reloading, then the page shows the result;
without JavaScript the page refreshes itself until the job ends."""

import threading
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests import job_kinds  # noqa: F401  (registers the test kinds)
from tests.browser.test_admin_browser import log_in
from tracker.jobs import runner

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_bar_moves_without_reloading_then_the_result_shows(site, page, shoot):
    log_in(page, site)
    job = runner.start("test-sleep", "Wait four seconds", arguments={"seconds": 4})
    page.goto(f"{site.url}/admin/tracker/job/{job.pk}/change/")
    page.evaluate("() => { window.sameDocument = true }")  # gone if the page reloads
    worker = threading.Thread(target=runner.run, args=(job.pk, "browser-worker"))
    worker.start()
    values, deadline = [], time.monotonic() + 20
    read = (
        "() => [document.getElementById('job').dataset.finished, window.sameDocument === true, "
        "document.getElementById('job-bar').value]"
    )
    while time.monotonic() < deadline:
        try:
            finished, same_document, value = page.evaluate(read)
        except PlaywrightError:  # read while the page reloads: read again
            time.sleep(0.2)
            continue
        if finished == "1":
            break
        assert same_document, "the page reloaded before the job ended"
        if value and value not in values:
            values.append(value)
        if len(values) == 3:
            shoot(page, "job-running", full_page=False)
        time.sleep(0.2)
    worker.join()
    assert len(values) >= 3, values  # at least three distinct positions of the bar, seen without a reload
    assert values == sorted(values)
    expect(page.locator("#job")).to_have_attribute("data-finished", "1")  # the page reloaded once, at the end
    expect(page.locator("#job h2")).to_contain_text("Done")
    expect(page.locator("#job")).to_contain_text("waited")
    shoot(page, "job-done", full_page=False)


def test_without_javascript_the_page_refreshes_itself(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, site)
        job = runner.start("test-append", "Write one source")
        page.goto(f"{site.url}/admin/tracker/job/{job.pk}/change/")
        expect(page.locator("#job h2")).to_contain_text("Queued")
        runner.run(job.pk, "browser-worker")
        expect(page.locator("#job h2")).to_contain_text("Done", timeout=10_000)  # the meta refresh, every 2 s
        expect(page.locator("#job")).to_contain_text("1 source written")
    finally:
        context.close()
