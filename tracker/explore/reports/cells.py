"""One cell of a report, safe and readable: formulas neutralised, labels instead of stored values.

Each rule twice, in Python (neutralise) and in SQL (Neutralise, Label, …), so a report formatted by
the database reads the same as one formatted here.
"""

import datetime

from django.db.models import F, Func, TextField

from tracker.columns import FORMULA_SIGNS, SKIPPED, guard
from tracker.models import Channel, DeploymentStatus, HelpKind, RequestStatus


def neutralise(value):
    """A cell as text a spreadsheet shows but never evaluates (OWASP CSV injection; tracker.columns.guard)."""
    kind = type(value)
    if kind is str:  # most cells: checked first, it runs millions of times per large report
        return guard(value)
    if value is None:
        return ""
    if kind is bool:
        return "yes" if value else "no"
    if kind is int or kind is float:
        return value
    return neutralise(str(value))


TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"  # UTC, to the second: as the API writes first_published and last_changed


def timestamp(value):
    """A record's time (first published, last changed) as the CSV writes it: 2025-10-31T09:30:00Z; '' for none."""
    return value.astimezone(datetime.UTC).strftime(TIMESTAMP) if value else ""


# Labels looked up once, not per row: the CSV is written at tens of thousands of rows a second.
CHANNELS = dict(Channel.choices)
REQUEST_STATUSES = dict(RequestStatus.choices)
DEPLOYMENT_STATUSES = dict(DeploymentStatus.choices)
HELP_KINDS = dict(HelpKind.choices)


# ------------------------------------------------------- formatting in SQL
#
# Every cell of the requests report computed by the database (what neutralise(),
# iso_partial() and the label dicts do in Python), so a report is one query whose
# rows go out as they come: COPY ... TO STDOUT on PostgreSQL, a plain cursor on
# SQLite. Python then only joins lines.


class Neutralise(Func):
    """neutralise() in SQL: a text starting like a formula gets a leading quote."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return neutralise_sql(sql, params)


def neutralise_sql(sql, params=()):
    """looks_like_formula() in SQL: the first character after the skipped ones (LTRIM) is a sign.

    A sign is never skipped, so a text that starts with one is caught, as in Python.
    """
    marks = ", ".join(["%s"] * len(FORMULA_SIGNS))
    return (
        f"CASE WHEN SUBSTR(LTRIM({sql}, %s), 1, 1) IN ({marks}) THEN '''' || {sql} ELSE {sql} END",
        (*params, SKIPPED, *FORMULA_SIGNS, *params, *params),
    )


class PartialDate(Func):
    """iso_partial() in SQL: '2025', '2025-11' or '2025-11-24'."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        date, date_params = compiler.compile(self.source_expressions[0])
        precision, precision_params = compiler.compile(self.source_expressions[1])
        return (
            f"SUBSTR(CAST({date} AS TEXT), 1, CASE {precision} WHEN 'year' THEN 4 WHEN 'month' THEN 7 ELSE 10 END)",
            (*date_params, *precision_params),
        )


class IsoTimestamp(Func):
    """timestamp() in SQL (the API's sql.Dialect.timestamp); NULL stays NULL, an empty cell."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', {sql})", params  # Django stores UTC text; % doubled


class UuidText(Func):
    """A UUID as 8-4-4-4-12 text (SQLite stores Django's UUIDs as 32 bare hex digits)."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST({sql} AS TEXT)", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
        return " || '-' || ".join(f"SUBSTR({sql}, {start}, {length})" for start, length in parts), params * 5


def label_sql(sql, labels, params=()):
    """CASE mapping stored values to their labels; an unknown value stays as stored."""
    whens = " ".join("WHEN %s THEN %s" for _ in labels)
    return f"CASE {sql} {whens} ELSE {sql} END", (*params, *[p for pair in labels.items() for p in pair], *params)


class Label(Func):
    """A choice field's label, as get_FOO_display() gives it."""

    output_field = TextField()

    def __init__(self, field, labels):
        super().__init__(F(field))
        self.labels = labels

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return label_sql(sql, self.labels, params)
