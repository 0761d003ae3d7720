"""One cell read as a value, or a Problem that names its line and column: numbers, years, dates, choices."""

import re

from tracker.dates import DatePrecision, parse_partial

from .planned import Problem


def integer(text, column, record, problems, flag=""):
    """An optional whole number; SIPRI writes estimates as '(50)' or with a '?' flag."""
    text = (text or "").strip()
    estimate = flag.strip() == "?"
    if text.startswith("(") and text.endswith(")"):
        text, estimate = text[1:-1].strip(), True
    if text == "":
        return None, estimate
    if not re.fullmatch(r"\d{1,9}", text.replace(",", "")):
        problems.append(Problem(record.line, column, f"{text!r} is not a whole number"))
        return None, estimate
    return int(text.replace(",", "")), estimate


def year(text, column, record, problems, required=True):
    text = (text or "").strip().strip("()")
    if not text:
        if required:
            problems.append(Problem(record.line, column, "a year is required"))
        return None
    if not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2100:
        problems.append(Problem(record.line, column, f"{text!r} is not a year"))
        return None
    return int(text)


def partial_date(text, precision, column, record, problems):
    """'2025-10-17' / '2025-10' / '2025' with its precision column; returns (date, precision)."""
    text = (text or "").strip()
    if not text:
        return None, ""
    try:
        value, shape = parse_partial(text, "strict")
    except ValueError:
        problems.append(Problem(record.line, column, f"{text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"))
        return None, ""
    precision = (precision or "").strip().lower() or shape
    if precision not in DatePrecision.values:
        problems.append(Problem(record.line, f"{column}_precision", f"{precision!r} is not day, month or year"))
        return None, ""
    return value, precision


def choice(text, choices, column, record, problems, default=None):
    """A value given by its code or its label, any case."""
    text = (text or "").strip()
    if not text:
        return default
    by_name = {str(v).lower(): v for v in choices.values} | {label.lower(): v for v, label in choices.choices}
    if text.lower() in by_name:
        return by_name[text.lower()]
    problems.append(Problem(record.line, column, f"{text!r} is not one of: {', '.join(map(str, choices.values))}"))
    return default


def yes_no(text):
    return (text or "").strip().lower() in {"yes", "y", "true", "1", "?"}


def normalise_key(text):
    return " ".join((text or "").lower().split())
