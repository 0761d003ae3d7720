"""Real-browser tests: Playwright for Python driving Debian's Chromium against a live server."""

import os
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from playwright.sync_api import sync_playwright

from tracker import reference
from tracker.samples.demo import load_demo

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent.parent.parent / "test-artifacts" / "screenshots"
PASSWORD = "browser-test-password-1"


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls
    # from the test body are still synchronous, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def site(live_server):
    """The live server with reference data (a transactional test starts from empty tables) and the demo."""
    reference.load_all(apps)
    load_demo()
    User.objects.create_superuser("curator", "", PASSWORD)
    return live_server


@pytest.fixture
def shoot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name, full_page=True):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return shoot
