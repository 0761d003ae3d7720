"""Every public page, on a 390 px phone and a 1366 px laptop, light and dark: nothing pans sideways, and no visible
text is under WCAG AA contrast (tests/browser/contrast.py; the curator's pages: test_curator_pages_browser.py).

The pages come from tracker/urls.py, so a new page is measured too (or the test says it has no sample);
files (CSV, JSON, feeds, the favicon, WARC) and the admin are not pages. One browser page visits them all.
"""

import re

import pytest
from django.db.models import Count
from django.urls import URLPattern, URLResolver
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import watched_context
from tests.browser.contrast import below_aa
from tracker import urls
from tracker.models import ArmsRequest, Capture, CaptureState, Deployment, Release, ReleaseSpan

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = [(390, 844), (1366, 900)]
SCHEMES = ["light", "dark"]
NOT_PAGES = {"favicon", "system-suggestions", "kept-warc", "release-file"}  # and every name ending -csv, -json or -feed
NOT_PAGES |= {"request-cite", "deployment-cite"}  # Cite this: BibTeX, RIS and CSL-JSON files
LONG_URL = "https://www.example.org/2025/10/31/" + "venezuela-asks-russia-china-and-iran-for-help-" * 4


def is_page(name):
    return bool(name) and name not in NOT_PAGES and not name.endswith(("-csv", "-json", "-feed"))


def page_names(patterns=urls.urlpatterns, prefix=""):
    """The names of the public HTML pages: under /api/ only its documentation page."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) == "api/":
                yield "api-docs"
            elif str(pattern.pattern) != "admin/":
                yield from page_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and is_page(pattern.name):
            yield pattern.name


def samples():
    """{page name: [addresses]} over the demo data: the widest records, a filter, a bad filter, a kept copy."""
    widest = ArmsRequest.objects.published().annotate(n=Count("items")).order_by("-n", "pk").first()
    deployment = Deployment.objects.published().order_by("pk").first()
    source = widest.citations.first().source
    copy = Capture.objects.create(
        source=source,
        url=LONG_URL,
        final_url=LONG_URL,
        state=CaptureState.CAPTURED,
        fetched_at=timezone.now(),
        size=12,
        sha256="3f2a" * 16,
        warc="3f/2a/3f2a.warc.gz",
        warc_sha256="9c1d" * 16,
        warc_size=2048,
        text="Caracas asked for radars.",
    )
    # A release as its pages show it (its manifest; the files are not read): 64-digit checksums on a phone.
    files = ["requests.csv", "deployments.csv", "citations.csv", "sources.csv", "requests.jsonl", "datapackage.json"]
    manifest = [{"name": name, "bytes": 12345678, "sha256": "7e" * 32, "rows": 100000} for name in files]
    release = Release.objects.create(
        tag="2026-12-06.2", number=1, status="published", published_at=timezone.now(), manifest=manifest
    )
    ReleaseSpan.objects.create(kind="request", record_id=widest.pk, first=1)
    return {
        "home": ["/"],
        "request-list": ["/requests/", "/requests/?country=VE&type=uav", "/requests/?requester=Atlantis"],
        "request-summary": ["/requests/summary/?country=VE"],
        "request-subscribe": ["/requests/subscribe/?country=VE"],
        "request-detail": [f"/requests/{widest.pk}/"],
        "request-version": [f"/requests/{widest.pk}/v/1/"],
        "matrix": ["/matrix/"],
        "network": ["/matrix/network/"],
        "deployment-list": ["/deployments/"],
        "deployment-summary": ["/deployments/summary/"],
        "deployment-subscribe": ["/deployments/subscribe/?country=US"],
        "deployment-map": ["/deployments/map/"],
        "deployment-detail": [f"/deployments/{deployment.pk}/"],
        "deployment-version": [f"/deployments/{deployment.pk}/v/1/"],
        "country-index": ["/countries/"],
        "country-detail": ["/countries/VE/", "/countries/US/"],
        "system-index": ["/systems/"],
        "system-detail": ["/systems/su-30mk2/"],
        "kept-text": [f"/sources/{source.pk}/copies/{copy.sha256}/"],
        "search": ["/search/?q=Su-30MK2"],
        "api-docs": ["/api/docs/"],
        "release-list": ["/releases/"],
        "release-detail": [f"/releases/{release.tag}/"],
    }


def settled(page):
    """Drawn as a person sees it: the summaries fetched (summary.js marks them busy till then), the API operations."""
    page.wait_for_function("() => !document.querySelector('[aria-busy=true]')")
    if page.url.endswith("/api/docs/"):
        page.locator(".opblock").first.wait_for()


def test_no_public_page_scrolls_sideways(site, browser, settings, shoot):
    settings.EVIDENCE_PUBLIC = True  # the kept copy's page is public then
    addresses = samples()
    assert set(page_names()) == set(addresses), "a public page without a sample address here, or a sample too many"
    wide = []
    with watched_context(browser) as (context, _):
        page = context.new_page()
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                for path in (path for paths in addresses.values() for path in paths):
                    response = page.goto(site.url + path)
                    assert response.status in (200, 400), (path, response.status)
                    settled(page)
                    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                    if scroll > inner:
                        wide.append(f"{path} at {width} px, {scheme}: {scroll} px wide")
                    wide += [f"{path} at {width} px, {scheme}: under AA: {text}" for text in below_aa(page)]
                    if path == addresses["request-detail"][0] and scheme == "light":
                        shoot(page, f"request-page-{width}")
    assert not wide, "\n".join(wide)


def test_on_a_phone_the_results_come_first_and_stay_sortable(site, browser, shoot):
    with watched_context(browser, viewport={"width": 390, "height": 844}) as (context, _):
        page = context.new_page()
        page.goto(f"{site.url}/requests/?country=VE")
        panel = page.locator("details.filter-panel")
        expect(panel).not_to_have_attribute("open", "")
        expect(panel.locator("summary")).to_have_text("Filters · in use: Either side: VE")
        first_row = page.locator("table.requests tbody tr").first
        assert first_row.bounding_box()["y"] < 2 * 844, "the first result is more than two screens down"
        sort = page.get_by_role("link", name=re.compile(r"^When\b.*sorted descending"))
        expect(sort).to_be_visible()
        shoot(page, "requests-390", full_page=False)
        sort.click()
        expect(page).to_have_url(f"{site.url}/requests/?country=VE&sort=date")
        expect(page.get_by_role("link", name=re.compile(r"^When\b.*sorted ascending"))).to_be_visible()
        panel.locator("summary").click()
        expect(page.get_by_label("Either side")).to_have_value("VE")

        page.goto(f"{site.url}/requests/?country=Atlantis")  # a bad filter: the panel is open to mend it
        expect(page.locator("details.filter-panel")).to_have_attribute("open", "")

    with watched_context(browser, viewport={"width": 1366, "height": 900}) as (context, _):
        page = context.new_page()
        page.goto(f"{site.url}/requests/")
        expect(page.locator("details.filter-panel")).to_have_attribute("open", "")
        expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
