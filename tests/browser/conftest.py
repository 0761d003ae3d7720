"""Real-browser tests: Playwright for Python driving Debian's Chromium against a live server."""

import os
import re
from contextlib import contextmanager
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

# Chromium reports a blocked script, style or frame on the console ("Refused to execute inline
# script because it violates the following Content Security Policy directive…"); the page also
# hears a securitypolicyviolation event, which this script repeats on the console.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline code"}`
    + ` in ${e.sourceFile || document.URL}:${e.lineNumber}`);
});
"""
VIOLATION = re.compile(r"Content Security Policy|Refused to|CSP violation")


@contextmanager
def watched_context(browser, **options):
    """A browser context whose pages must break no Content-Security-Policy, all carry one, and find the icon.

    Yields the context and the list of problems seen so far; on leaving, any problem fails the test.
    """
    context = browser.new_context(**options)
    problems = []
    context.add_init_script(script=REPORT_VIOLATIONS)

    def console(message):
        if message.type == "error" and VIOLATION.search(message.text):
            problems.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def response(response):
        if response.url.endswith("/favicon.ico") and response.status != 200:
            problems.append(f"{response.url}: status {response.status}")
        is_page = response.request.resource_type == "document" and response.status not in (404, 500)
        if is_page and response.url.startswith("http") and "content-security-policy" not in response.headers:
            problems.append(f"{response.url}: no Content-Security-Policy header")

    context.on("console", console)
    context.on("response", response)
    try:
        yield context, problems
        for open_page in context.pages:
            open_page.evaluate("0")  # let events still in flight arrive
    finally:
        context.close()
    assert not problems, "\n".join(problems)


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
    with watched_context(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True) as (context, _):
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page


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
