"""CSV reports that stream: one FilterSet, two renderers (the page and this).

Rows are written as the database cursor yields them, a chunk at a time, so a
million rows cost no more memory than ten. Items and citations are fetched per
chunk as plain tuples: model instances linked both ways (what prefetch_related
builds) form reference cycles that linger until a full garbage collection, and
memory would then grow with the file. Text cells a spreadsheet would run as a
formula are neutralised; numbers stay numbers.
"""

import contextlib
import csv
import datetime
import itertools
import re
from collections import defaultdict
from itertools import islice

from django.db import connection, transaction
from django.db.models import F, Func, IntegerField, TextField
from django.db.models.expressions import OrderBy, RawSQL
from django.http import StreamingHttpResponse
from django.urls import reverse

from .dates import iso_partial
from .models import (
    ArmsRequest,
    Channel,
    Citation,
    DeploymentStatus,
    HelpKind,
    RequestStatus,
)

CHUNK = 2000
LINES_PER_WRITE = 500
FORMULA_START = frozenset("=+-@\t\r\n")
BOM = "\ufeff"  # Excel reads the file as UTF-8 only with it; pandas and csv readers skip it


class Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value):
        return value


def neutralise(value):
    """A cell as text a spreadsheet shows but never evaluates (OWASP CSV injection advice)."""
    kind = type(value)
    if kind is str:  # most cells: checked first, it runs millions of times per large report
        return "'" + value if value[:1] in FORMULA_START else value
    if value is None:
        return ""
    if kind is bool:
        return "yes" if value else "no"
    if kind is int or kind is float:
        return value
    return neutralise(str(value))


WRITER = csv.writer(Echo(), lineterminator="\n")  # the line ending COPY writes, so both paths agree


def csv_lines(rows, neutralised=False):
    """CSV text of rows of Python values, neutralised here unless the query did it already."""
    # A few hundred rows per write: one per row would cost more in the server than the CSV itself.
    for chunk in chunks(rows, size=LINES_PER_WRITE):
        if neutralised:
            yield "".join(map(WRITER.writerow, chunk))
        else:
            yield "".join(WRITER.writerow([neutralise(cell) for cell in row]) for row in chunk)


def csv_download(filename, header, body):
    """The BOM and header line, then body: CSV text or bytes, as it comes."""
    response = StreamingHttpResponse(
        itertools.chain([BOM + WRITER.writerow(header)], body), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stream_csv(filename, header, rows):
    return csv_download(filename, header, csv_lines(rows))


def filename_for(kind, filterset):
    """requests-VE-uav-2026-11-24.csv: what was filtered, and the day it was downloaded."""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if name == "sort" or not value:
            continue
        if isinstance(value, tuple):  # a (first day, last day) period
            value = f"{name}-{value[0].isoformat()}"
        elif isinstance(value, list):
            value = "+".join(str(getattr(v, "code", None) or getattr(v, "slug", None) or v) for v in value)
        parts.append(str(value))
    label = re.sub(r"[^A-Za-z0-9+._-]+", "-", "-".join(parts))[:80].strip("-")
    return "-".join(p for p in [kind, label, datetime.date.today().isoformat()] if p) + ".csv"


def chunks(rows, size=None):
    """Lists of up to `size` (default CHUNK) rows from an iterator, read as they come."""
    rows, size = iter(rows), size or CHUNK
    while chunk := list(islice(rows, size)):
        yield chunk


def citations_by_record(field, ids):
    """{record id: (sources text, best reliability, best credibility)} for one chunk."""
    found = defaultdict(list)
    cited = Citation.objects.filter(**{f"{field}__in": ids}).order_by("credibility", "id")
    for record_id, outlet, title, reliability, credibility in cited.values_list(
        field, "source__outlet", "source__title", "source__reliability", "credibility"
    ):
        found[record_id].append((f"{outlet}: {title}", reliability, credibility))
    return {
        record_id: (
            "; ".join(dict.fromkeys(name for name, _, _ in rows)),
            min(reliability for _, reliability, _ in rows),
            min(credibility for _, _, credibility in rows),
        )
        for record_id, rows in found.items()
    }


NO_CITATION = ("", "", None)
# Labels looked up once, not per row: the CSV is written at tens of thousands of rows a second.
CHANNELS = dict(Channel.choices)
REQUEST_STATUSES = dict(RequestStatus.choices)
DEPLOYMENT_STATUSES = dict(DeploymentStatus.choices)
HELP_KINDS = dict(HelpKind.choices)


def detail_url(base_url, name):
    """'https://host/requests/{}/' once, instead of reverse() for every row."""
    return base_url + reverse(name, args=[0]).replace("/0/", "/{}/")


# ------------------------------------------------------------------ requests

REQUEST_COLUMNS = [
    "request_id",
    "record_uid",
    "date",
    "date_precision",
    "requester",
    "requester_iso2",
    "asked_country",
    "asked_country_iso2",
    "requested_by",
    "addressed_to",
    "channel",
    "status",
    "equipment_type",
    "system",
    "description",
    "kind_of_help",
    "hedged",
    "quantity_asked",
    "quantity_delivered",
    "summary",
    "sources",
    "best_reliability",
    "best_credibility",
    "url",
]


# --------------------------------------------------------------- deployments

DEPLOYMENT_COLUMNS = [
    "deployment_id",
    "record_uid",
    "deploying_country",
    "deploying_country_iso2",
    "equipment_type",
    "system",
    "unit",
    "description",
    "quantity",
    "personnel",
    "location",
    "region",
    "host_country",
    "host_country_iso2",
    "latitude",
    "longitude",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "status",
    "purpose",
    "sources",
    "best_reliability",
    "best_credibility",
    "url",
]


def deployment_rows(queryset, base_url):
    url = detail_url(base_url, "deployment-detail")
    deployments = queryset.values_list(
        "pk",
        "uid",
        "country__name",
        "country__iso2",
        "equipment_type__name",
        "system__designation",
        "unit",
        "description",
        "quantity",
        "personnel",
        "location",
        "region",
        "host_country__name",
        "host_country__iso2",
        "latitude",
        "longitude",
        "start_date",
        "start_precision",
        "end_date",
        "end_precision",
        "status",
        "purpose",
    ).iterator(chunk_size=CHUNK)
    for chunk in chunks(deployments):
        citations = citations_by_record("deployment", [row[0] for row in chunk])
        for row in chunk:
            (pk, uid, country, iso2, kind, system, unit, description, quantity, personnel, location, region) = row[:12]
            (host, host_iso2, lat, lon, start, start_p, end, end_p, status, purpose) = row[12:]
            yield [
                pk,
                str(uid),
                country,
                iso2 or "",
                kind or "",
                system or "",
                unit,
                description,
                quantity,
                personnel,
                location,
                region,
                host or "",
                host_iso2 or "",
                float(lat) if lat is not None else None,
                float(lon) if lon is not None else None,
                iso_partial(start, start_p),
                start_p,
                iso_partial(end, end_p),
                end_p,
                DEPLOYMENT_STATUSES.get(status, status),
                purpose,
                *citations.get(pk, NO_CITATION),
                url.format(pk),
            ]


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
    marks = ", ".join(["%s"] * len(FORMULA_START))
    return (
        f"CASE WHEN SUBSTR({sql}, 1, 1) IN ({marks}) THEN '''' || {sql} ELSE {sql} END",
        (*params, *sorted(FORMULA_START), *params, *params),
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


def request_citations():
    """Correlated subqueries over one request's citations: sources text, best grades.

    Sources are listed once each, in the order of their best citation (credibility,
    then id), as citations_by_record() lists them for deployments.
    """
    outer = f"{connection.ops.quote_name(ArmsRequest._meta.db_table)}.{connection.ops.quote_name('id')}"
    cited = f"FROM tracker_citation c JOIN tracker_source s ON s.id = c.source_id WHERE c.request_id = {outer}"
    aggregate = "STRING_AGG(name, '; ' ORDER BY k)" if connection.vendor == "postgresql" else "GROUP_CONCAT(name, '; ')"
    names = (
        f"SELECT {aggregate} AS v FROM (SELECT s.outlet || ': ' || s.title AS name, "
        f"MIN(c.credibility * 1000000000000 + c.id) AS k {cited} GROUP BY s.outlet || ': ' || s.title ORDER BY k) t"
    )
    neutralised, params = neutralise_sql("v")  # inside the subquery, which then runs once per record
    return {
        "x_sources": RawSQL(f"(SELECT {neutralised} FROM ({names}) t2)", params, output_field=TextField()),
        "x_reliability": RawSQL(f"(SELECT MIN(s.reliability) {cited})", [], output_field=TextField()),
        "x_credibility": RawSQL(f"(SELECT MIN(c.credibility) {cited})", [], output_field=IntegerField()),
    }


class RequestReport:
    """The requests report as SQL, one row per item: `sql(part)` gives the whole report,
    or its first rows, or the rest.

    The first few records come from a query the planner answers from the index
    without sorting everything (so the first bytes leave at once); the rest from
    one bulk query. Both run in one repeatable-read transaction (report_transaction),
    so they see the same data.
    """

    FIRST = 100  # records in the quick first part

    def __init__(self, queryset, base_url):
        self.queryset, self.base_url = queryset, base_url

    def sql(self, part=None):
        inner = self.inner()
        if part == "first":
            inner = inner[: self.FIRST]
        elif part == "rest":
            inner = inner[self.FIRST :]
        sql, params = inner.query.get_compiler(using=inner.db).as_sql()
        return self.outer(sql, tuple(params))

    def ordering(self):
        """The queryset's sort as (field path, SQL direction): the outer query sorts its rows the same way.

        (A ROW_NUMBER() window would carry the order too, but SQLite then reads every row
        before the first leaves.)
        """
        keys = []
        for key in self.queryset.query.order_by or ArmsRequest._meta.ordering:
            if isinstance(key, OrderBy):
                nulls = " NULLS LAST" if key.nulls_last else " NULLS FIRST" if key.nulls_first else ""
                keys.append((key.expression.name, ("DESC" if key.descending else "ASC") + nulls))
            else:
                keys.append((key.lstrip("-"), "DESC" if key.startswith("-") else "ASC"))
        return keys

    def outer_order(self):
        return ", ".join(f"r.x_sort{i} {direction}" for i, (_, direction) in enumerate(self.ordering()))

    def inner(self):
        qs = self.queryset
        ordering = self.ordering()
        return qs.annotate(
            x_id=F("pk"),
            x_uid=UuidText("uid"),
            x_date=PartialDate("date", "date_precision"),
            x_precision=F("date_precision"),
            x_requester=Neutralise(F("requester__name")),
            x_requester_iso2=Neutralise(F("requester__iso2")),
            x_supplier=Neutralise(F("supplier__name")),
            x_supplier_iso2=Neutralise(F("supplier__iso2")),
            x_by=Neutralise(F("requested_by__name")),
            x_to=Neutralise(F("addressed_to__name")),
            x_channel=Label("channel", CHANNELS),
            x_status=Label("status", REQUEST_STATUSES),
            x_summary=Neutralise(F("summary")),
            **request_citations(),
            **{f"x_sort{i}": F(path) for i, (path, _) in enumerate(ordering)},
        ).values_list(*REQUEST_INNER, *(f"x_sort{i}" for i in range(len(ordering))))

    def outer(self, inner_sql, params):
        prefix, suffix = detail_url(self.base_url, "request-detail").split("{}")
        type_name, type_params = neutralise_sql("et.name")
        system, system_params = neutralise_sql("sy.designation")
        description, description_params = neutralise_sql("i.description")
        help_kind, help_params = label_sql("i.help_kind", HELP_KINDS)
        request_cells = ", ".join(f"r.{name}" for name in REQUEST_INNER[:12])
        sql = (
            f"SELECT {request_cells}, {type_name}, {system}, {description}, {help_kind}, "
            "CASE WHEN i.hedged THEN 'yes' WHEN NOT i.hedged THEN 'no' END, "
            "i.quantity_requested, i.quantity_delivered, r.x_summary, r.x_sources, r.x_reliability, r.x_credibility, "
            "%s || CAST(r.x_id AS TEXT) || %s "
            f"FROM ({inner_sql}) r "
            "LEFT JOIN tracker_requestitem i ON i.request_id = r.x_id "
            "LEFT JOIN tracker_equipmenttype et ON et.id = i.equipment_type_id "
            "LEFT JOIN tracker_system sy ON sy.id = i.system_id "
            f"ORDER BY {self.outer_order()}, i.id"
        )
        return sql, (
            *type_params,
            *system_params,
            *description_params,
            *help_params,
            prefix,
            suffix,
            *params,
        )


REQUEST_INNER = [
    "x_id",
    "x_uid",
    "x_date",
    "x_precision",
    "x_requester",
    "x_requester_iso2",
    "x_supplier",
    "x_supplier_iso2",
    "x_by",
    "x_to",
    "x_channel",
    "x_status",
    "x_summary",
    "x_sources",
    "x_reliability",
    "x_credibility",
]


BLOCK = 256 * 1024  # bytes per write: COPY hands over one row at a time, the server wants blocks


@contextlib.contextmanager
def report_transaction():
    """One snapshot for a whole report (two queries). Outside any transaction, repeatable read.

    Inside a transaction PostgreSQL's server-side cursors are also not WITH HOLD,
    so rows come as the server finds them instead of after it has stored them all.
    """
    fresh = not connection.in_atomic_block
    with transaction.atomic():
        if fresh and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SET LOCAL jit = off")  # compiling costs more than it saves on these plans
        yield


def sql_rows(report):
    """Rows of a RequestReport through an ordinary cursor: the first part, then the rest."""
    with connection.cursor() as cursor:
        for part in ("first", "rest"):
            cursor.execute(*report.sql(part))
            while rows := cursor.fetchmany(CHUNK):
                yield from rows


def copy_blocks(report):
    """PostgreSQL: CSV bytes straight from COPY ... TO STDOUT, grouped into blocks."""
    with connection.cursor() as cursor:
        for part in ("first", "rest"):
            sql, params = report.sql(part)
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                block, size = [], 0
                for data in copy:
                    block.append(data)
                    size += len(data)
                    if size >= BLOCK:
                        yield b"".join(block)
                        block, size = [], 0
                if block:
                    yield b"".join(block)


def request_report(filename, queryset, base_url):
    """The requests report as a download: COPY on PostgreSQL, csv.writer over a cursor elsewhere."""
    report = RequestReport(queryset, base_url)
    on_postgresql = connection.vendor == "postgresql"
    body = copy_blocks(report) if on_postgresql else csv_lines(sql_rows(report), neutralised=True)
    return csv_download(filename, REQUEST_COLUMNS, in_report_transaction(body))


def deployment_report(filename, queryset, base_url):
    body = csv_lines(deployment_rows(queryset, base_url))
    return csv_download(filename, DEPLOYMENT_COLUMNS, in_report_transaction(body))


def in_report_transaction(body):
    with report_transaction():
        yield from body
