"""The curator's pages (the admin's index, the lists and the add and change forms of requests, deployments and
sources) on a 1366 px laptop and a 390 px phone, light and dark: the page never pans sideways (on a phone a wide
table may scroll inside its own box), and no visible text is under WCAG AA contrast."""

import pytest

from tests.browser.conftest import watched_context
from tests.browser.contrast import CONTRAST
from tests.browser.test_admin_browser import log_in
from tracker.models import ArmsRequest, Deployment, Source

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = [(1366, 900), (390, 844)]
SCHEMES = ["light", "dark"]


def addresses():
    """The pages a curator works in, with the records that have the most to show."""
    request = max(ArmsRequest.objects.all(), key=lambda r: (r.items.count(), -r.pk))
    deployment = Deployment.objects.order_by("pk").first()
    source = Source.objects.order_by("pk").first()
    uncited = ArmsRequest.objects.create(requester=request.requester, supplier=request.supplier, summary="Uncited")
    assert uncited.citations.count() == 0  # the changelist shows its red "none" in the last column
    pages = ["/admin/"]
    for model, record in (("armsrequest", request), ("deployment", deployment), ("source", source)):
        pages += [
            f"/admin/tracker/{model}/",
            f"/admin/tracker/{model}/add/",
            f"/admin/tracker/{model}/{record.pk}/change/",
        ]
    return pages


def test_curator_pages_fit_and_read_at_both_sizes_in_both_schemes(site, browser, shoot):
    pages = addresses()
    problems = []
    with watched_context(browser) as (context, _):
        page = context.new_page()
        log_in(page, site)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                for path in pages:
                    response = page.goto(site.url + path)
                    assert response.status == 200, (path, response.status)
                    where = f"{path} at {width} px, {scheme}"
                    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                    if scroll > inner:
                        problems.append(f"{where}: the page is {scroll} px wide")
                    texts = page.evaluate(CONTRAST)
                    assert len(texts) > 20, f"{where}: the contrast check saw only {len(texts)} texts"
                    problems += [f"{where}: {t}" for t in texts if t["ratio"] < t["need"]]
                    if width == 1366:
                        problems += fits_at_1366(page, path, where)
                    if scheme == "light" or path == "/admin/":
                        shoot(page, f"curator{path.replace('/', '-').rstrip('-')}-{width}-{scheme}")
    assert not problems, "\n".join(problems)


def fits_at_1366(page, path, where):
    """On a laptop every column of a list, and every cell of an inline, is on screen without scrolling its box."""
    found = []
    for box in page.locator("#changelist .results, .inline-group .tabular").all():
        scroll, client = box.evaluate("(e) => [e.scrollWidth, e.clientWidth]")
        if scroll > client:
            found.append(f"{where}: {box.evaluate('(e) => e.className')} is {scroll} px in a {client} px box")
    return found
