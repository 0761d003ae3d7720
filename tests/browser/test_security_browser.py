"""The Content-Security-Policy holds in a real browser, the watch in conftest.py sees a breach, and the icon loads."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, watched_context

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Twenty-one logins: the production hasher's deliberate slowness would add seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_inline_script_and_handlers_are_blocked_and_the_watch_reports_them(browser, site):
    with watched_context(browser) as (context, problems):
        page = context.new_page()
        page.goto(f"{site.url}/requests/")
        page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.inlineRan = true";
              document.body.append(script);
              const html = '<img src="/favicon.ico" onload="window.handlerRan = true">';
              document.body.insertAdjacentHTML("beforeend", html);
            }"""
        )
        page.wait_for_function("() => document.querySelector('img[onload]').complete")
        page.evaluate("0")
        assert page.evaluate("[window.inlineRan, window.handlerRan]") == [None, None]
        assert any("script-src" in problem for problem in problems), problems
        problems.clear()  # seen and expected: the watch would otherwise fail this test


def test_every_page_names_the_icon_and_it_loads(page, site):
    # Headless Chromium fetches no icon by itself, so fetch what a browser would: the named one
    # and, for pages that name none (the admin's), /favicon.ico.
    page.goto(f"{site.url}/")
    named = page.locator("link[rel=icon]").get_attribute("href")
    for url in (f"{site.url}{named}", f"{site.url}/favicon.ico"):
        response = page.request.get(url)
        assert response.ok and response.headers["content-type"].startswith("image/"), url
        assert response.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_lockout_page_after_twenty_wrong_passwords(page, site, shoot):
    for _ in range(20):
        page.goto(f"{site.url}/admin/login/")
        page.fill("#id_username", "curator")
        page.fill("#id_password", "not-the-password")
        page.click("input[type=submit]")
    page.goto(f"{site.url}/admin/login/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", PASSWORD)
    with page.expect_response(lambda r: r.url.endswith("/admin/login/") and r.request.method == "POST") as answer:
        page.click("input[type=submit]")
    assert answer.value.status == 429
    expect(page.locator("h1")).to_have_text("Too many failed logins")
    expect(page.locator(".errors")).to_contain_text("even with the right password")
    shoot(page, "login-locked-out")
