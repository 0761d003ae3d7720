"""Timelines in a real browser: the demo (dated only to 2025), many mixed records by month, decades by year.

Screenshots go to test-artifacts/screenshots/timeline-*.png, desktop and phone, light and dark.
"""

import datetime
import random
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import watched_context
from tracker.dates import DatePrecision
from tracker.models import ArmsRequest, Citation, Country, Source

DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR


def add_requests(dates):
    """Published requests (VE asks RU or CN) at these (date, precision)s, written in bulk."""
    ve, ru, cn = (Country.objects.get(iso2=code) for code in ("VE", "RU", "CN"))
    requests = ArmsRequest.objects.bulk_create(
        ArmsRequest(
            requester=ve,
            supplier=ru if i % 3 else cn,
            date=d,
            date_precision=p,
            summary=f"test {i}",
            published=True,
            published_at=timezone.now(),  # bulk writes send no signal: the database requires it
        )
        for i, (d, p) in enumerate(dates)
    )
    source = Source.objects.create(outlet="Test Wire", title="Timeline test records", reliability="C")
    Citation.objects.bulk_create(Citation(source=source, request=r, credibility=3) for r in requests)


def recent_mixed(n=400, seed=5):
    """Three years of requests, most known to the month or day, some only to the year."""
    rnd = random.Random(seed)
    dates = []
    for _ in range(n):
        day = datetime.date(2023, 1, 1) + datetime.timedelta(days=int(rnd.triangular(0, 1000, 900)))
        precision = rnd.choices([DAY, MONTH, YEAR], weights=[5, 4, 2])[0]
        dates.append(
            (day if precision == DAY else day.replace(day=1, month=1 if precision == YEAR else day.month), precision)
        )
    return dates


def decades(n=1500, seed=6):
    rnd = random.Random(seed)
    dates = []
    for _ in range(n):
        year = int(rnd.triangular(1965, 2025, 2015))
        precision = rnd.choices([DAY, MONTH, YEAR], weights=[1, 2, 6])[0]
        dates.append((datetime.date(year, rnd.randint(1, 12) if precision != YEAR else 1, 1), precision))
    return dates


def bar_total(label):
    """The count in a bar's accessible name: 'Mar 2022: 12 requests (…), list them' -> 12."""
    return int(re.match(r"[^:]+: ([\d,]+) request", label).group(1).replace(",", ""))


def test_the_demo_timeline_is_a_yearly_bar_that_lists_its_records(page, site, shoot):
    page.goto(f"{site.url}/requests/summary/")
    figure = page.locator("figure.timeline")
    expect(figure.locator("figcaption")).to_have_text("Requests per year, 2025")
    expect(figure.locator(".timeline-legend")).to_contain_text("Known only to the year")
    bar = figure.locator("svg a").first
    expect(bar).to_have_attribute("aria-label", re.compile(r"^2025: \d+ requests"))
    total = bar_total(bar.get_attribute("aria-label"))
    expect(figure.locator("text.bar-count").first).to_have_text(str(total))
    shoot(page, "timeline-demo-desktop")
    bar.click()
    page.wait_for_url(re.compile(r"/requests/\?date_from=2025&date_to=2025$"))
    expect(page.locator("p.count")).to_contain_text(f"{total} requests match")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_many_recent_records_by_month_with_year_only_bands(browser, site, shoot, scheme):
    add_requests(recent_mixed())
    for name, viewport in [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})]:
        with watched_context(browser, viewport=viewport, color_scheme=scheme) as (context, _):
            page = context.new_page()
            page.goto(f"{site.url}/requests/summary/?requester=VE")
            figure = page.locator("figure.timeline")
            expect(figure.locator("figcaption")).to_have_text(re.compile(r"^Requests per month, 2023–2025"))
            expect(figure.locator("rect.band")).to_have_count(3)  # 2023, 2024, 2025, each known-only-to-the-year
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # the chart scrolls
            shoot(page, f"timeline-months-{name}-{scheme}")
            if name == "desktop" and scheme == "light":
                bar = figure.locator("svg a", has=page.locator("rect.p-day")).last
                total = bar_total(bar.get_attribute("aria-label"))
                bar.click()
                page.wait_for_url(re.compile(r"precision=day&precision=month"))
                assert "requester=VE" in page.url
                expect(page.locator("p.count")).to_contain_text(f"{total} request")
                page.go_back()
                band = figure.locator("svg a", has=page.locator("rect.band")).first
                total = bar_total(band.get_attribute("aria-label"))
                band.click()
                page.wait_for_url(re.compile(r"date_from=2023&date_to=2023&precision=year"))
                expect(page.locator("p.count")).to_contain_text(f"{total} request")


def test_decades_of_records_by_year_on_the_country_page(browser, site, shoot):
    add_requests(decades())
    for name, viewport in [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})]:
        for scheme in ("light", "dark"):
            with watched_context(browser, viewport=viewport, color_scheme=scheme) as (context, _):
                page = context.new_page()
                page.goto(f"{site.url}/countries/VE/")
                figure = page.locator("figure.timeline")
                expect(figure.locator("figcaption")).to_have_text(re.compile(r"^Requests per year involving Venezuela"))
                expect(figure.locator("text.bar-count.sideways").first).to_be_visible()
                assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
                # The scroller opens on the latest years: the last bar is in view, on a phone too.
                box, last = figure.locator(".timeline-plot").bounding_box(), figure.locator("svg a").last.bounding_box()
                assert box["x"] <= last["x"] and last["x"] + last["width"] <= box["x"] + box["width"]
                shoot(page, f"timeline-years-{name}-{scheme}")
