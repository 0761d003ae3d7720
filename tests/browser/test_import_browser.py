"""A curator imports a SIPRI register through the admin, in a real browser."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_admin_browser import log_in
from tests.conftest import finish_jobs
from tracker.models import ArmsRequest

pytestmark = pytest.mark.django_db(transaction=True)
DATA = Path(__file__).parent.parent / "data"


def test_upload_dry_run_then_apply(page, site, shoot):
    log_in(page, site)
    page.goto(f"{site.url}/admin/tracker/importrun/")
    page.locator(".object-tools").get_by_role("link", name="Import a file").click()  # the sidebar has one too
    page.set_input_files("#id_file", str(DATA / "sipri_classic.csv"))
    page.check("#id_skip_invalid")
    shoot(page, "admin-import-upload")
    page.get_by_role("button", name="Dry run").click()
    expect(page.locator("#job h2")).to_contain_text("Queued")  # the check is a job: its page, at once
    finish_jobs()  # what the worker does
    expect(page.locator("#job h2")).to_contain_text("Done")  # the page saw it end, and reloaded
    shoot(page, "admin-import-check-done")
    page.get_by_role("link", name="Import #").click()

    expect(page.locator("h2").first).to_contain_text("would create 10")
    expect(page.locator("#problems")).to_contain_text("unknown country 'Atlantis'")
    shoot(page, "admin-import-preview")
    assert ArmsRequest.objects.count() == 4  # only the demo's: a dry run writes nothing

    page.get_by_role("button", name="Apply this import").click()
    expect(page.locator("#job h2")).to_contain_text("Queued")
    finish_jobs()
    expect(page.locator("#job")).to_contain_text("created 10")
    page.get_by_role("link", name="Import #").click()
    expect(page.locator("h2").first).to_contain_text("created 10")
    shoot(page, "admin-import-applied")
    assert ArmsRequest.objects.count() == 10 + 4  # the demo's four, and the register's ten
    assert ArmsRequest.objects.filter(published=False).count() == 10  # imported as drafts

    page.goto(f"{site.url}/admin/tracker/armsrequest/?publication=draft")
    expect(page.locator("#result_list tbody tr")).to_have_count(10)
