"""Dates known only to a day, a month or a year.

A partial date is stored as one day of its period plus a precision: the first
day for a start or a single date, so "Oct 2025" is (2025-10-01, month), and the
last day for an end, so an end in 2025 is (2025-12-31, year) and "end not before
start" stays a plain comparison in the database. Filters compare periods.
"""

import calendar
import datetime
import re

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


# 2025-10-17, 2025-10 or 2025; strict: two-digit months and days, as files write them; loose: as people type
PARTIAL_DATE = {
    "loose": re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?"),
    "strict": re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"),
}


class NotADate(ValueError):
    """The text has not the shape of a partial date (an impossible one, 2025-13, is a plain ValueError)."""


def parse_partial(text, shape="loose"):
    """'2025-10-17', '2025-10' or '2025' as (first day of the period, precision typed)."""
    match = PARTIAL_DATE[shape].fullmatch(text.strip())
    if not match:
        raise NotADate(text)
    year, month, day = (int(g) if g else None for g in match.groups())
    precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    return datetime.date(year, month or 1, day or 1), precision


MONTH_NAMES = (
    {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
    | {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
    | {"sept": 9}
)
WRITTEN = [
    # October 2025, Oct 2025, Oct. 2025
    (re.compile(r"([a-z]+)\.?,? (\d{4})"), lambda m: (None, m[1], m[2])),
    # 31 October 2025, 31 Oct. 2025
    (re.compile(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?,? (\d{4})"), lambda m: (m[1], m[2], m[3])),
    # October 31, 2025
    (re.compile(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})"), lambda m: (m[2], m[1], m[3])),
]
WRITTEN_FORMS = "2025, 2025-10, October 2025, Oct 2025, 2025-10-31, 31 October 2025 or October 31, 2025"


def parse_written(text):
    """A date as people write it, with the precision it carries: '2025', 'Oct 2025', '31 October 2025',
    and the ISO forms. Anything vaguer ('mid-2023', 'summer 2022') or impossible raises ValueError."""
    text = re.sub(r"\s+", " ", text.strip())
    try:
        return parse_partial(text)
    except NotADate:
        pass
    lowered = text.lower()
    for pattern, parts in WRITTEN:
        match = pattern.fullmatch(lowered)
        if match and match.group(0):
            day, month_name, year = parts(match)
            month = MONTH_NAMES.get(month_name)
            if month is None:
                break
            date = datetime.date(int(year), month, int(day) if day else 1)  # ValueError when impossible
            return date, DatePrecision.DAY if day else DatePrecision.MONTH
    raise NotADate(text)


def normalise(date, precision):
    """The first day of the period a partial date stands for."""
    if date is None:
        return None
    if precision == DatePrecision.YEAR:
        return date.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return date.replace(day=1)
    return date


def normalise_end(date, precision):
    """The last day of the period a partial end date stands for."""
    return period_end(date, precision)


def period_end(date, precision):
    """The last day of the period a partial date stands for."""
    if date is None:
        return None
    if precision == DatePrecision.YEAR:
        return date.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date


def format_partial(date, precision):
    """'24 Nov 2025', 'Nov 2025' or '2025': never more precise than the source."""
    if date is None:
        return "date unknown"
    if precision == DatePrecision.YEAR:
        return str(date.year)
    if precision == DatePrecision.MONTH:
        return date.strftime("%b %Y")
    return f"{date.day} {date.strftime('%b %Y')}"


def partial_date_constraints(prefix, date_field, precision_field):
    """A date and its precision are both set or both empty, and the precision is known."""
    return [
        models.CheckConstraint(
            condition=(
                models.Q(**{f"{date_field}__isnull": True, precision_field: ""})
                | models.Q(**{f"{date_field}__isnull": False, f"{precision_field}__in": DatePrecision.values})
            ),
            name=f"{prefix}_{date_field}_has_precision",
            violation_error_message="A date needs its precision (day, month or year), and a precision needs a date.",
        )
    ]


def iso_partial(date, precision):
    """'2025-11-24', '2025-11' or '2025': ISO 8601 at the precision known, for CSV files."""
    if date is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{date.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()
