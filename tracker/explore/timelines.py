"""Timelines: requests per year or per month, each counted at the precision its sources give.

A record known to the day or the month sits in its month; one known only to its year never
does: in a month view it is drawn as a band spanning its year, in a row of its own, and in a
year view as its own part of the year's bar. Which view: months when most dated records
are known to the month and they span at most MONTH_VIEW_YEARS calendar years, else years.
Every bar links to the list filtered to its period and precisions, so a click lists exactly
the records the bar counts.

All counting is period_counts(): one GROUP BY over the filtered requests, whatever their number, or the
summary tables' rows in the same shape (explore/summaries.py).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, IntegerField
from django.db.models.functions import Cast, Extract, Substr
from django.http import QueryDict
from django.urls import reverse

from tracker.dates import DatePrecision, parse_partial, period_end

MONTH_VIEW_YEARS = 10  # at most this many calendar years in a month view (120 bars)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PRECISIONS = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR]  # bottom to top of a bar
FINE = (DatePrecision.DAY, DatePrecision.MONTH)
DROPPED = ("date_from", "date_to", "precision", "after", "before", "page")  # replaced, or meaningless on page 1


class DatePart(Extract):
    """EXTRACT(year/month FROM date); on SQLite a slice of the ISO text rather than Django's Python function."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        start, length = (1, 4) if self.lookup_name == "year" else (6, 2)
        return Cast(Substr(self.lhs, start, length), IntegerField()).as_sql(compiler, connection)


def period_counts(requests):
    """{(year, month, precision): requests} in one GROUP BY: month is None for a date known only to its year,
    and undated requests are the key (None, None, None). The one place a timeline counts."""
    rows = (
        requests.order_by()
        .annotate(t_year=DatePart("date", lookup_name="year"), t_month=DatePart("date", lookup_name="month"))
        .values_list("t_year", "t_month", "date_precision")
        .annotate(n=Count("id"))
    )
    counts = Counter()
    for year, month, precision, n in rows:
        if year is None:
            counts[(None, None, None)] += n
        else:
            counts[(int(year), None if precision == DatePrecision.YEAR else int(month), precision)] += n
    return counts


@dataclass
class Slot:
    """One bar (a year or a month) or one year-only band: its counts by precision and the list it links to."""

    label: str
    start: datetime.date
    end: datetime.date
    period: str  # '2022' or '2022-03', as the list's date filters take it
    counts: dict = field(default_factory=dict)  # precision -> requests
    href: str = ""

    @property
    def total(self):
        return sum(self.counts.values())

    def count_of(self, precision):
        return self.counts.get(precision, 0)

    @property
    def description(self):
        """'Mar 2022: 12 requests (5 dated to the day, 7 to the month)'."""
        total = self.total
        parts = [f"{self.counts[p]} {WORDS[p]}" for p in PRECISIONS if self.counts.get(p)]
        detail = f" ({', '.join(parts)})" if len(parts) > 1 or self.counts.get(DatePrecision.YEAR) else ""
        return f"{self.label}: {total} request{'s' * (total != 1)}{detail}"


WORDS = {
    DatePrecision.DAY: "dated to the day",
    DatePrecision.MONTH: "to the month",
    DatePrecision.YEAR: "known only to the year",
}


@dataclass
class Timeline:
    by: str  # "year" or "month"
    slots: list  # every year or month of the range, empty ones included
    year_only: list  # month view: one Slot per year with records known only to that year
    undated: int
    precisions: list  # the precisions present, for the legend

    @property
    def dated(self):
        return sum(s.total for s in self.slots) + sum(s.total for s in self.year_only)

    @property
    def largest(self):
        return max((s.total for s in self.slots), default=0)

    @property
    def span(self):
        first, last = self.slots[0].start.year, self.slots[-1].start.year
        return str(first) if first == last else f"{first}–{last}"

    @property
    def table(self):
        """(slot, [its count per precision shown]) for the bars with a count, then the year-only bands."""
        rows = [s for s in self.slots if s.total] + self.year_only
        return [(s, [s.count_of(p) for p in self.precisions]) for s in rows]

    @cached_property
    def chart(self):
        from .timeline_chart import draw

        return draw(self)


def chooses_months(counts):
    dated = {key: n for key, n in counts.items() if key[0] is not None}
    if not dated:
        return False
    fine = sum(n for (_, month, _), n in dated.items() if month is not None)
    years = [year for year, _, _ in dated]
    return fine * 2 >= sum(dated.values()) and max(years) - min(years) < MONTH_VIEW_YEARS


def timeline(requests, params=None):
    """The timeline of requests (a queryset, or its period_counts() already made, e.g. from the summary tables);
    params are the list filters that made requests (bars link to them plus a period)."""
    counts = Counter(requests) if isinstance(requests, dict) else period_counts(requests)
    links = Links(params)
    undated = counts.pop((None, None, None), 0)
    years = sorted({year for year, _, _ in counts})
    by_month = chooses_months(counts)
    slots, year_only, per_year = [], [], defaultdict(Counter)
    for (y, _, precision), n in counts.items():  # once: a scan per year cost 40 ms over 75 years by month
        if n:
            per_year[y][precision] += n
    for year in range(years[0], years[-1] + 1) if years else []:
        if by_month:
            for month in range(1, 13):
                slot = month_slot(year, month)
                slot.counts = {p: counts[(year, month, p)] for p in FINE if counts[(year, month, p)]}
                slots.append(links.add(slot, FINE))
            if counts[(year, None, DatePrecision.YEAR)]:
                band = year_slot(year, f"{year}, month unknown")
                band.counts = {DatePrecision.YEAR: counts[(year, None, DatePrecision.YEAR)]}
                year_only.append(links.add(band, [DatePrecision.YEAR]))
        else:
            slot = year_slot(year, str(year))
            slot.counts.update(per_year[year])
            slots.append(links.add(slot, PRECISIONS))
    present = {precision for (_, _, precision), n in counts.items() if n}
    return Timeline(
        by="month" if by_month else "year",
        slots=slots,
        year_only=year_only,
        undated=undated,
        precisions=[p for p in PRECISIONS if p in present],
    )


def month_slot(year, month):
    start = datetime.date(year, month, 1)
    return Slot(f"{MONTHS[month - 1]} {year}", start, period_end(start, DatePrecision.MONTH), f"{year}-{month:02d}")


def year_slot(year, label):
    return Slot(label, datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))


class Links:
    """Links from a bar to the request list: the page's own filters, narrowed to the bar's period and precisions."""

    def __init__(self, params):
        if isinstance(params, QueryDict):
            self.params = params.copy()
        else:
            self.params = QueryDict(mutable=True)
            self.params.update(params or {})
        self.date_from, self.date_to = self.bound("date_from"), self.bound("date_to")
        self.precisions = self.params.getlist("precision")
        for key in DROPPED:
            self.params.pop(key, None)
        self.base = reverse("request-list")

    def bound(self, name):
        """(first day, last day, text) of a date filter already applied, or None."""
        text = self.params.get(name, "").strip()
        if not text:
            return None
        start, precision = parse_partial(text)  # valid: the filters refused the page otherwise
        return start, period_end(start, precision), text

    def add(self, slot, precisions):
        query = self.params.copy()
        tighter_start = self.date_from and self.date_from[0] > slot.start
        tighter_end = self.date_to and self.date_to[1] < slot.end
        query["date_from"] = self.date_from[2] if tighter_start else slot.period
        query["date_to"] = self.date_to[2] if tighter_end else slot.period
        chosen = [p for p in precisions if not self.precisions or p in self.precisions]
        if len(chosen) < len(PRECISIONS):
            query.setlist("precision", chosen)
        slot.href = f"{self.base}?{query.urlencode()}"
        return slot
