"""Dates in a sentence, at the precision the words give, resolved against the publication date.

The fragments are found here (a month and year is a month, a weekday is a day only when the article's
own date is a day, "last week" is at most a month and only when the week cannot cross into another),
and dateparser reads the explicit ones (English only, the publication date as its base). It is never
handed a whole text: its search_dates can run for minutes on some inputs (dateparser's tracker).
"""

import calendar
import dataclasses
import datetime
import re

from tracker.dates import DatePrecision

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
SHORT = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
MONTH = rf"(?:{MONTHS}|(?:{SHORT})\.?)"
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
YEAR = r"(?:19|20)\d{2}"
BEFORE_YEAR = (
    "in|since|by|during|of|from|until|early|late|mid|In|Since|By|During|From|Until"  # a bare 2019 may be a count
)
PATTERNS = [
    ("day", rf"\b\d{{1,2}}(?:st|nd|rd|th)? {MONTH},? {YEAR}\b"),
    ("day", rf"\b{MONTH} \d{{1,2}}(?:st|nd|rd|th)?, {YEAR}\b"),
    ("month", rf"\b{MONTH},? {YEAR}\b"),
    ("day-no-year", rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)? {MONTH}|{MONTH} \d{{1,2}}(?:st|nd|rd|th)?)\b(?!,? {YEAR})"),
    ("month-no-year", rf"\b(?:(?:mid|early|late)-?|(?:the )?(?:beginning|start|end|middle) of )?{MONTH}\b(?! \d)"),
    ("year", rf"\b(?:{BEFORE_YEAR}) {YEAR}\b(?!\d|,\d)"),
    ("weekday", rf"\b(?:(?i:on|last|this) )?(?:{WEEKDAYS})(?:'s)?\b"),
    ("relative", r"\b(?i:yesterday|today|this week|last week|earlier this week|this month|last month|"
     r"earlier this month|this year|earlier this year|last year)\b"),
]  # fmt: skip
FOUND = re.compile("|".join(f"(?P<{name.replace('-', '_')}{i}>{p})" for i, (name, p) in enumerate(PATTERNS)))


@dataclasses.dataclass(frozen=True)
class Found:
    date: datetime.date
    precision: str
    start: int
    end: int
    text: str

    @property
    def iso(self):
        return {"year": f"{self.date:%Y}", "month": f"{self.date:%Y-%m}"}.get(self.precision, self.date.isoformat())


def parse(text, base):
    import dateparser

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base:
        settings["RELATIVE_BASE"] = datetime.datetime.combine(base, datetime.time())
    cleaned = re.sub(r"^(?i:on|last|this|in) |'s$|(?<=\d)(?:st|nd|rd|th)\b", "", text).replace("Sept", "Sep")
    found = dateparser.parse(cleaned, languages=["en"], settings=settings)
    return found.date() if found else None


def month_back(base, months):
    month = base.month - months
    year = base.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1)


def resolve(kind, text, published, precision):
    """(date, precision) the fragment allows, or None. A date after publication is not a past event: None."""
    day_known = published and precision == DatePrecision.DAY
    words = re.sub(r"\s+", " ", text.lower())
    if kind == "year":
        return datetime.date(int(text[-4:]), 1, 1), DatePrecision.YEAR
    if kind in ("day", "month"):
        found = parse(text, published)
        return (found, kind) if found else None
    if not published:
        return None
    if kind == "day-no-year":
        found = parse(f"{text} {published.year}", published)
        if found and found > published:
            found = found.replace(year=found.year - 1)
        return (found, DatePrecision.DAY) if found and day_known else None
    if kind == "month-no-year":
        name = re.search(MONTH, text).group(0).rstrip(".")[:3].title()
        month = list(calendar.month_abbr).index(name)
        year = published.year if month <= published.month else published.year - 1
        return datetime.date(year, month, 1), DatePrecision.MONTH
    if kind == "weekday":
        if not day_known:  # a weekday in an article dated to the month: the month (if the week fits in it)
            return (published.replace(day=1), DatePrecision.MONTH) if precision == DatePrecision.MONTH else None
        weekday = [d.lower() for d in calendar.day_name].index(re.search(WEEKDAYS, text).group(0).lower())
        back = (published.weekday() - weekday) % 7 + (7 if words.startswith("last ") else 0)
        return published - datetime.timedelta(days=back), DatePrecision.DAY
    return relative(words, published, precision)


def relative(words, published, precision):
    if words in ("this year", "earlier this year"):
        return published.replace(month=1, day=1), DatePrecision.YEAR
    if words == "last year":
        return datetime.date(published.year - 1, 1, 1), DatePrecision.YEAR
    if precision == DatePrecision.YEAR:
        return None
    if words in ("this month", "earlier this month"):
        return published.replace(day=1), DatePrecision.MONTH
    if words == "last month":
        return month_back(published, 1), DatePrecision.MONTH
    if precision != DatePrecision.DAY:
        return None
    reach = {"yesterday": 1, "today": 0, "this week": 6, "earlier this week": 6, "last week": 13}[words]
    earliest = published - datetime.timedelta(days=reach)
    if words in ("yesterday", "today"):
        return earliest, DatePrecision.DAY
    # A week is never a day: the month, when the whole week lies in it.
    return (published.replace(day=1), DatePrecision.MONTH) if earliest.month == published.month else None


def dates_in(text, offset, published, precision):
    """Every date in text (offsets counted from `offset`), earliest first in the text."""
    found = []
    for match in FOUND.finditer(text):
        kind = re.sub(r"\d+$", "", match.lastgroup).replace("_", "-")
        resolved = resolve(kind, match.group(0), published, precision)
        if resolved and resolved[0] and (not published or resolved[0] <= published):
            found.append(Found(resolved[0], resolved[1], offset + match.start(), offset + match.end(), match.group(0)))
    return found
