"""Timelines at every precision (tracker/explore/timelines.py): bins, bands, links that list what a bar counts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.dates import DatePrecision
from tracker.explore.timeline_chart import nice_ticks
from tracker.explore.timelines import timeline
from tracker.models import ArmsRequest

pytestmark = pytest.mark.django_db
DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR


@pytest.fixture
def dated(make_request):
    """dated((y, m, d, precision), ...): published requests at those dates; None for an undated one."""

    def make(*dates, requester="VE", supplier="RU"):
        for value in dates:
            request = make_request(requester=requester, supplier=supplier, published=True)
            if value is None:
                date, precision = None, ""
            else:
                y, m, d, precision = value
                date = datetime.date(y, m, d)
            ArmsRequest.objects.filter(pk=request.pk).update(date=date, date_precision=precision)
        return ArmsRequest.objects.published()

    return make


def bars(t):
    return {s.label: s.counts for s in t.slots if s.total}


def listed(client, href):
    """How many requests the list at href shows (an exact count: tests stay under the page cap)."""
    response = client.get(href)
    assert response.status_code == 200, href
    return response.context["count"]


def every_link_lists_what_its_bar_counts(client, t):
    for slot in [s for s in t.slots if s.total] + t.year_only:
        assert listed(client, slot.href) == slot.total, (slot.label, slot.href)


def test_records_known_only_to_a_year_are_yearly_bars(client, dated):
    t = timeline(dated((2019, 1, 1, YEAR), (2019, 1, 1, YEAR), (2022, 1, 1, YEAR)))
    assert t.by == "year" and t.year_only == []
    assert [s.label for s in t.slots] == ["2019", "2020", "2021", "2022"]  # empty years kept: gaps are data
    assert bars(t) == {"2019": {YEAR: 2}, "2022": {YEAR: 1}}
    assert t.slots[0].href == "/requests/?date_from=2019&date_to=2019"
    assert t.precisions == [YEAR]
    every_link_lists_what_its_bar_counts(client, t)


def test_records_known_to_the_month_are_monthly_bars_over_whole_years(client, dated):
    t = timeline(dated((2023, 3, 1, MONTH), (2023, 3, 17, DAY), (2024, 11, 1, MONTH)))
    assert t.by == "month" and t.year_only == []
    assert len(t.slots) == 24 and t.slots[0].label == "Jan 2023" and t.slots[-1].label == "Dec 2024"
    assert bars(t) == {"Mar 2023": {DAY: 1, MONTH: 1}, "Nov 2024": {MONTH: 1}}
    march = t.slots[2]
    assert march.href == "/requests/?date_from=2023-03&date_to=2023-03&precision=day&precision=month"
    assert march.description == "Mar 2023: 2 requests (1 dated to the day, 1 to the month)"
    every_link_lists_what_its_bar_counts(client, t)


def test_mixed_data_draws_year_only_records_as_bands_beside_the_months(client, dated):
    t = timeline(dated((2024, 2, 1, MONTH), (2024, 2, 9, DAY), (2025, 6, 1, MONTH), (2024, 1, 1, YEAR), None))
    assert t.by == "month"
    assert t.precisions == [DAY, MONTH, YEAR]
    # The year-only record is not in January (where its date is stored) but in a band of its own.
    assert bars(t) == {"Feb 2024": {DAY: 1, MONTH: 1}, "Jun 2025": {MONTH: 1}}
    (band,) = t.year_only
    assert (band.label, band.counts) == ("2024, month unknown", {YEAR: 1})
    assert band.href == "/requests/?date_from=2024&date_to=2024&precision=year"
    assert t.undated == 1 and t.dated == 4
    every_link_lists_what_its_bar_counts(client, t)
    # The chart: a band spanning the twelve months of 2024 (the first year), in a row under the axis.
    chart = t.chart
    (drawn,) = chart.bands
    first, last = chart.bars[0], chart.bars[11]
    assert drawn["x"] <= first["x"] and drawn["x"] + drawn["w"] >= last["x"] + last["w"]
    assert drawn["y"] > chart.axis_y


def test_mostly_coarse_data_is_binned_by_year_stacked_by_precision(client, dated):
    t = timeline(dated((2020, 1, 1, YEAR), (2020, 1, 1, YEAR), (2020, 5, 1, MONTH), (2021, 1, 1, YEAR)))
    assert t.by == "year"
    assert bars(t) == {"2020": {YEAR: 2, MONTH: 1}, "2021": {YEAR: 1}}
    (bar_2020, _) = t.chart.bars
    assert [s["precision"] for s in bar_2020["segments"]] == [MONTH, YEAR]  # month below, year only on top
    assert t.slots[0].description == "2020: 3 requests (1 to the month, 2 known only to the year)"
    every_link_lists_what_its_bar_counts(client, t)


def test_months_spread_over_many_years_are_binned_by_year(dated):
    t = timeline(dated((1990, 4, 1, MONTH), (2020, 4, 1, MONTH)))
    assert t.by == "year" and len(t.slots) == 31


def test_a_single_month_gets_its_year_an_axis_and_a_count(client, dated):
    t = timeline(dated((2022, 3, 1, MONTH), (2022, 3, 1, MONTH), (2022, 3, 5, DAY)))
    assert t.by == "month" and len(t.slots) == 12
    chart = t.chart
    assert [tick["label"] for tick in chart.y_ticks] == ["0", "1", "2", "3"]
    march = chart.bars[2]
    assert march["count"] and not march["count"]["sideways"]
    assert sum(seg["h"] for seg in march["segments"]) == pytest.approx(chart.axis_y - chart.y_ticks[-1]["y"])
    assert chart.bars[0]["segments"] == [] and chart.width < 600  # one month is one bar in twelve, not the width
    months = [label["label"] for label in chart.x_labels if not label["major"]]
    assert months[:3] == ["Jan", "Feb", "Mar"] and len(months) == 12
    assert [label["label"] for label in chart.x_labels if label["major"]] == ["2022"]
    page = client.get("/requests/summary/").content.decode()
    assert '<figcaption id="timeline-caption">Requests per month, 2022</figcaption>' in page
    assert 'href="/requests/?date_from=2022-03&amp;date_to=2022-03&amp;precision=day&amp;precision=month"' in page
    assert re.search(r'<text class="bar-count"[^>]*>3</text>', page)


def test_no_dated_record_no_chart_but_the_undated_are_counted(client, dated):
    t = timeline(dated(None, None))
    assert t.slots == [] and t.undated == 2
    page = client.get("/requests/summary/").content.decode()
    assert "2 undated requests not drawn" in page and "<svg" not in page


def test_one_group_by_counts_everything(dated, django_assert_num_queries):
    requests = dated((2020, 1, 1, YEAR), (2020, 5, 1, MONTH), (2021, 2, 3, DAY), None)
    with django_assert_num_queries(1), CaptureQueriesContext(connection) as captured:
        t = timeline(requests)
        assert t.chart.bars  # drawing reads nothing more
    assert "GROUP BY" in captured.captured_queries[0]["sql"].upper()


def test_bars_keep_the_page_filters_and_stay_inside_its_dates(client, dated):
    dated((2025, 10, 1, MONTH), (2025, 10, 20, DAY), (2025, 11, 1, MONTH))
    dated((2025, 10, 25, DAY), requester="CU")
    response = client.get("/requests/summary/?requester=VE&date_from=2025-10-10&sort=date&after=x")
    t = response.context["timeline"]
    (october,) = [s for s in t.slots if s.label == "Oct 2025"]
    # Counted from 10 October only (the month-precision October overlaps it): the link says so too.
    assert october.counts == {DAY: 1, MONTH: 1}
    assert october.href == (
        "/requests/?requester=VE&sort=date&date_from=2025-10-10&date_to=2025-10&precision=day&precision=month"
    )
    every_link_lists_what_its_bar_counts(client, t)


def test_profile_pages_link_to_their_own_filter(client, dated, demo):
    dated((2024, 5, 1, MONTH), (2024, 6, 1, MONTH))
    country = client.get("/countries/VE/").context["timeline"]
    assert all("country=VE" in s.href for s in country.slots + country.year_only)
    every_link_lists_what_its_bar_counts(client, country)
    system = client.get("/systems/su-30mk2/").context["timeline"]
    assert system.slots and all(s.href.startswith("/requests/?system=su-30mk2&") for s in system.slots)
    every_link_lists_what_its_bar_counts(client, system)


def test_the_precision_filter(client, dated):
    dated((2024, 1, 1, YEAR), (2024, 3, 1, MONTH), (2024, 3, 3, DAY))
    assert listed(client, "/requests/?precision=year") == 1
    assert listed(client, "/requests/?precision=day&precision=month") == 2
    bad = client.get("/requests/?precision=week")
    assert bad.status_code == 400 and "precision" in bad.content.decode()


def test_count_labels_turn_sideways_then_give_way_as_bars_narrow(dated):
    few = timeline(dated(*[(y, 1, 1, YEAR) for y in (2000, 2005)])).chart
    assert few.bars[0]["count"]["sideways"] is False
    ArmsRequest.objects.all().delete()
    many = timeline(dated((1960, 1, 1, YEAR), (2020, 1, 1, YEAR))).chart
    assert many.bars[0]["count"]["sideways"] is False  # "1" fits a bar of 61
    more = timeline(dated(*[(1960, 1, 1, YEAR)] * 11)).chart
    assert more.bars[0]["count"]["sideways"] is True  # "12" does not
    ArmsRequest.objects.all().delete()
    crowd = timeline(dated((1900, 1, 1, YEAR), (2020, 1, 1, YEAR))).chart
    assert "count" not in crowd.bars[0]  # the tooltip and the table still give it


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (13, [0, 10, 20]),
        (41234, [0, 20000, 40000, 60000]),
    ],
)
def test_nice_ticks(largest, ticks):
    assert nice_ticks(largest) == ticks


def test_drafts_and_uncited_records_leave_no_trace_in_a_timeline(client, dated, make_request):
    dated((2024, 3, 1, MONTH))
    draft = make_request(published=False)
    uncited = make_request(published=True, cite=False)
    ArmsRequest.objects.filter(pk__in=[draft.pk, uncited.pk]).update(
        date=datetime.date(1999, 1, 1), date_precision=YEAR
    )
    for path in ("/requests/summary/", "/countries/VE/", "/countries/RU/"):
        t = client.get(path).context["timeline"]
        assert [s.start.year for s in t.slots + t.year_only if s.total] == [2024], path
        assert "1999" not in client.get(path).content.decode()
