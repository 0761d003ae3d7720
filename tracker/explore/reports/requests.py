"""The requests report: one row per item, every cell formatted by one SQL query, streamed by COPY or a cursor."""

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Case, F, IntegerField, TextField, Value, When
from django.db.models.expressions import OrderBy, RawSQL

from tracker.columns import REQUEST_COLUMNS
from tracker.models import ArmsRequest

from . import streaming
from .cells import (
    CHANNELS,
    HELP_KINDS,
    REQUEST_STATUSES,
    IsoTimestamp,
    Label,
    Neutralise,
    PartialDate,
    UuidText,
    label_sql,
    neutralise_sql,
)
from .streaming import csv_download, csv_lines, detail_url, in_report_transaction


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


def yes_no(column):
    """A flag of the item as 'yes'/'no'; empty on the row of a request without items."""
    return f"CASE WHEN {column} THEN 'yes' WHEN NOT {column} THEN 'no' END"


def item_deliveries():
    """One item's deliveries as text, by year: '1998: 20?; 1999: 40; 2000' (models/deliveries.py, delivery_text)."""
    one = (
        "CAST(d.year AS TEXT) || CASE WHEN d.quantity IS NULL THEN CASE WHEN d.estimated THEN ': ?' ELSE '' END "
        "ELSE ': ' || CAST(d.quantity AS TEXT) || CASE WHEN d.estimated THEN '?' ELSE '' END END"
    )
    if connection.vendor == "postgresql":
        return f"SELECT STRING_AGG({one}, '; ' ORDER BY d.year) FROM tracker_delivery d WHERE d.item_id = i.id"
    ordered = f"SELECT {one} AS t FROM tracker_delivery d WHERE d.item_id = i.id ORDER BY d.year"
    return f"SELECT GROUP_CONCAT(t, '; ') FROM ({ordered})"


def item_matched(item_filters):
    """SQL for item_matched: 'yes' when the row's item satisfies every item filter given (RequestFilter.item_filters:
    type, system, delivery years), else 'no'. With no item filter every row matches. Columns of the item row and
    one indexed lookup of its deliveries, never a query per row."""
    conditions, params = [], []
    for name, column in (("type", "i.equipment_type_id"), ("system", "i.system_id")):
        if chosen := item_filters.get(name):
            conditions.append(f"{column} IN ({', '.join(['%s'] * len(chosen))})")
            params += [obj.pk for obj in chosen]
    if years := item_filters.get("delivered"):
        compare = {"year": "=", "year__gte": ">=", "year__lte": "<="}
        where = " AND ".join(f"d.year {compare[lookup]} %s" for lookup in years)
        conditions.append(f"EXISTS (SELECT 1 FROM tracker_delivery d WHERE d.item_id = i.id AND {where})")
        params += list(years.values())
    if not conditions:
        return "'yes'", ()
    return f"CASE WHEN {' AND '.join(conditions)} THEN 'yes' ELSE 'no' END", tuple(params)


BUILT = {}  # report SQL by RequestReport.key(), per process
BUILT_MAX = 200  # about 8 KB each (a filter keeps two: its first part and the rest)


class RequestReport:
    """The requests report as SQL, one row per item: `sql(part)` gives the whole report,
    or its first rows, or the rest.

    The first few records come from a query the planner answers from the index
    without sorting everything (so the first bytes leave at once); the rest from
    one bulk query. Both run in one repeatable-read transaction (report_transaction),
    so they see the same data.
    """

    FIRST = 100  # records in the quick first part
    columns = REQUEST_COLUMNS

    def __init__(self, queryset, base_url, item_filters=None):
        self.queryset, self.base_url = queryset, base_url
        self.item_filters = item_filters or {}

    def sql(self, part=None):
        """(SQL, params) of the whole report or of one part ("first", "rest"), built once per process and filter."""
        key = self.key(part)
        if key is None:
            return self.build(part)
        if key not in BUILT:
            if len(BUILT) >= BUILT_MAX:
                BUILT.pop(next(iter(BUILT), None), None)  # the oldest (another thread may have taken it)
            BUILT[key] = self.build(part)
        return BUILT[key]

    def key(self, part):
        """What the report's SQL is made from: the filtered queryset's own SQL (two milliseconds to compile) and
        the report's settings. Its annotations took the ORM three times as long as a small filter's rows took to
        read and write; Datasette, serving the same SQL, has no such cost. None if not to be kept."""
        using = self.queryset.db
        try:
            sql, params = self.queryset.query.get_compiler(using=using).as_sql()
            items = tuple(
                (name, tuple(sorted(value.items())) if isinstance(value, dict) else tuple(o.pk for o in value))
                for name, value in sorted(self.item_filters.items())
            )
            shape = type(self).__name__  # one row per item, or per record (by_record.py)
            key = (shape, using, connections[using].vendor, sql, tuple(params), part, self.FIRST, self.base_url, items)
            hash(key)
        except (EmptyResultSet, TypeError):
            return None
        return key

    def build(self, part=None):
        if part == "first":
            # The first records' ids in order, then their columns: SQLite, reading a filter's rows by another
            # index, worked out every matching record's citations before sorting (12.5 s to the first row at 1M).
            first = self.queryset.values("pk")[: self.FIRST]
            inner = self.inner(self.queryset.filter(pk__in=first))[: self.FIRST]
        else:  # built only here: the ORM's annotations are much of a small export's fixed cost
            inner = self.inner()[self.FIRST :] if part == "rest" else self.inner()
        try:
            sql, params = inner.query.get_compiler(using=inner.db).as_sql()
        except EmptyResultSet:  # a filter Django knows matches nothing (?q= with no match): same columns, no rows
            none = self.queryset.model._base_manager.using(self.queryset.db).filter(pk__lt=0, pk__gt=0)
            return type(self)(none.order_by(*self.queryset.query.order_by), self.base_url).build(part)
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

    def inner(self, queryset=None):
        qs = self.queryset if queryset is None else queryset
        ordering = self.ordering()
        return qs.annotate(
            x_id=F("pk"),
            x_uid=UuidText("uid"),
            x_date=PartialDate("date", "date_precision"),
            x_precision=F("date_precision"),
            x_date_estimated=Case(When(date_estimated=True, then=Value("yes")), default=Value("no")),
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
            x_published=IsoTimestamp("published_at"),
            x_changed=IsoTimestamp("updated_at"),
            **{f"x_sort{i}": F(path) for i, (path, _) in enumerate(ordering)},
        ).values_list(*REQUEST_INNER, *(f"x_sort{i}" for i in range(len(ordering))))

    def outer(self, inner_sql, params):
        prefix, suffix = detail_url(self.base_url, "request-detail").split("{}")
        type_name, type_params = neutralise_sql("et.name")
        system, system_params = neutralise_sql("sy.designation")
        description, description_params = neutralise_sql("i.description")
        help_kind, help_params = label_sql("i.help_kind", HELP_KINDS)
        matched, matched_params = item_matched(self.item_filters)
        request_cells = ", ".join(f"r.{name}" for name in REQUEST_INNER[:13])
        sql = (
            f"SELECT {request_cells}, {type_name}, {system}, {description}, {help_kind}, {yes_no('i.hedged')}, "
            f"i.quantity_requested, {yes_no('i.quantity_requested_estimated')}, "
            f"i.quantity_delivered, {yes_no('i.quantity_delivered_estimated')}, ({item_deliveries()}), {matched}, "
            "r.x_summary, r.x_sources, r.x_reliability, r.x_credibility, r.x_published, r.x_changed, "
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
            *matched_params,
            prefix,
            suffix,
            *params,
        )


REQUEST_INNER = [
    "x_id",
    "x_uid",
    "x_date",
    "x_precision",
    "x_date_estimated",
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
    "x_published",
    "x_changed",
]


BLOCK = 256 * 1024  # bytes per write: COPY hands over one row at a time, the server wants blocks


def sql_rows(report, flush=False):
    """Rows of a RequestReport through an ordinary cursor: the first part, then the rest.

    With flush, streaming.FLUSH between them: the first part's lines leave before the rest's query has
    sorted its first row (on SQLite at 1M, 25 s: the first row took that long when both shared a write).
    """
    with connections[report.queryset.db].cursor() as cursor:
        for part in ("first", "rest"):
            cursor.execute(*report.sql(part))
            while rows := cursor.fetchmany(streaming.CHUNK):
                yield from rows
            if flush and part == "first":
                yield streaming.FLUSH


def copy_blocks(report):
    """PostgreSQL: CSV bytes straight from COPY ... TO STDOUT, grouped into blocks."""
    with connections[report.queryset.db].cursor() as cursor:
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


def request_report(filename, queryset, base_url, filterset=None, shape=RequestReport):
    """The requests report as a download: COPY on PostgreSQL, csv.writer over a cursor elsewhere.

    shape: RequestReport (one row per item) or by_record.RecordReport (one row per request)."""
    queryset = queryset.using(queryset.db)  # the reader chosen now (a replica?), not when the response streams
    report = shape(queryset, base_url, filterset.item_filters() if filterset else None)
    on_postgresql = connection.vendor == "postgresql"
    body = copy_blocks(report) if on_postgresql else csv_lines(sql_rows(report, flush=True), neutralised=True)
    return csv_download(filename, shape.columns, in_report_transaction(body, queryset.db))
