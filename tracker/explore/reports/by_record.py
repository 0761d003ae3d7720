"""The requests report in its other shape: one row per request (as the page lists them), its items in one cell.

The same filtered query and the same SQL as requests.py (the request's cells, its first part and the rest,
COPY or a cursor); only the outer query differs: each request's items are aggregated by a correlated
subquery on the items' index instead of joined as rows.
"""

from django.db import connection

from tracker.columns import REQUEST_RECORD_COLUMNS

from .cells import HELP_KINDS, label_sql, neutralise_sql
from .requests import REQUEST_INNER, RequestReport, request_report
from .streaming import detail_url


def item_text():
    """(SQL, params): one item as '12 Su-30MK2 (Combat aircraft, Repair / overhaul)': the quantity asked when
    known (≈ for an estimate), the system or else the words, then the type and the kind of help, as the list
    row reads it."""
    help_kind, params = label_sql("i.help_kind", HELP_KINDS)
    quantity = (
        "CASE WHEN i.quantity_requested IS NULL THEN '' ELSE "
        "CASE WHEN i.quantity_requested_estimated THEN '≈' ELSE '' END || CAST(i.quantity_requested AS TEXT) || ' ' END"
    )
    what = "COALESCE(sy.designation, NULLIF(i.description, ''), et.name)"
    return f"{quantity} || {what} || ' (' || et.name || ', ' || {help_kind} || ')'", params


def items_cell():
    """(SQL, params): the request's items as text, in the order entered, '; ' between; neutralised once."""
    one, params = item_text()
    rows = (
        "FROM tracker_requestitem i JOIN tracker_equipmenttype et ON et.id = i.equipment_type_id "
        "LEFT JOIN tracker_system sy ON sy.id = i.system_id WHERE i.request_id = r.x_id"
    )
    if connection.vendor == "postgresql":
        joined = f"SELECT STRING_AGG({one}, '; ' ORDER BY i.id) AS v {rows}"
    else:
        joined = f"SELECT GROUP_CONCAT(t, '; ') AS v FROM (SELECT {one} AS t {rows} ORDER BY i.id)"
    neutralised, guard_params = neutralise_sql("v")  # inside: the aggregate runs once per request
    return f"(SELECT {neutralised} FROM ({joined}) t2)", (*guard_params, *params)


class RecordReport(RequestReport):
    """One row per request: REQUEST_RECORD_COLUMNS."""

    columns = REQUEST_RECORD_COLUMNS

    def outer(self, inner_sql, params):
        prefix, suffix = detail_url(self.base_url, "request-detail").split("{}")
        items, items_params = items_cell()
        request_cells = ", ".join(f"r.{name}" for name in REQUEST_INNER[:13])
        sql = (
            f"SELECT {request_cells}, {items}, "
            "(SELECT COUNT(*) FROM tracker_requestitem i WHERE i.request_id = r.x_id), "
            "r.x_summary, r.x_sources, r.x_reliability, r.x_credibility, r.x_published, r.x_changed, "
            "%s || CAST(r.x_id AS TEXT) || %s "
            f"FROM ({inner_sql}) r ORDER BY {self.outer_order()}"
        )
        return sql, (*items_params, prefix, suffix, *params)


def record_report(filename, queryset, base_url, filterset=None):
    """/requests-by-record.csv: the requests report, one row per request."""
    return request_report(filename, queryset, base_url, filterset, shape=RecordReport)
