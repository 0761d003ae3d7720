"""Where sources disagree, as a person sees it: "sources differ" opens beside the quantity and the status, on a
phone and a wide screen, light and dark, without panning sideways and with every word at AA contrast."""

import pytest

from tests.browser.conftest import watched_context
from tests.browser.contrast import below_aa
from tracker.models import ArmsRequest, Citation, Claim, RequestItem, Source

pytestmark = pytest.mark.django_db(transaction=True)


def test_sources_differ_opens_readably_everywhere(site, browser, shoot):
    request = ArmsRequest.objects.published().filter(items__isnull=False).order_by("pk").first()
    item = request.items.first()
    RequestItem.objects.filter(pk=item.pk).update(quantity_requested=66)
    source = Source.objects.create(outlet="Outlet B", title="About sixty, a long report title " * 3, reliability="C")
    said = Citation.objects.create(
        source=source, request=request, credibility=3, quote="Some sixty jets, it said. " * 4
    )
    Claim.objects.create(
        request=request, citation=said, field="quantity_requested", item=item, low=60, high=60, words="about 60"
    )
    Claim.objects.create(request=request, citation=said, field="status", status="refused", words="turned down")
    problems = []
    with watched_context(browser) as (context, _):
        page = context.new_page()
        for width, height in [(390, 844), (1366, 900)]:
            page.set_viewport_size({"width": width, "height": height})
            for scheme in ["light", "dark"]:
                page.emulate_media(color_scheme=scheme)
                page.goto(f"{site.url}/requests/{request.pk}/")
                summaries = page.locator("details.disputed > summary")
                assert summaries.count() == 2
                for n in range(2):
                    summaries.nth(n).click()
                assert page.get_by_text("about 60").is_visible() and page.get_by_text("turned down").is_visible()
                scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if scroll > inner:
                    problems.append(f"{width} px, {scheme}: {scroll} px wide")
                for n in range(2):
                    root = page.locator("details.disputed").nth(n).element_handle()
                    problems += [f"{width} px, {scheme}: {low}" for low in below_aa(page, root)]
                shoot(page, f"claims-{width}-{scheme}")
    assert not problems, "\n".join(map(str, problems))
