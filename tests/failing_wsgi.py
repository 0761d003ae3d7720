"""tracker.wsgi for the live-server tests, with one hook: a request carrying the header
`X-Fail-After-Rows: N` has its requests report raise an error after N rows, as a database
error mid-download would. Every other request is served exactly as in production.
"""

import threading

import tracker.wsgi  # first: it sets Django up
from tracker.explore.reports import requests as request_reports
from tracker.explore.reports.streaming import FLUSH

hook = threading.local()  # gthread: one request is answered and streamed by one thread
plain_sql_rows = request_reports.sql_rows


class SimulatedFailure(Exception):
    pass


def sql_rows(report, **options):
    limit, n = getattr(hook, "fail_after_rows", None), 0
    for row in plain_sql_rows(report, **options):
        if row is not FLUSH:  # a marker between the report's parts, not a row
            if n == limit:
                raise SimulatedFailure(f"simulated database failure after {n} rows")
            n += 1
        yield row


request_reports.sql_rows = sql_rows


def application(environ, start_response):
    limit = environ.get("HTTP_X_FAIL_AFTER_ROWS")
    hook.fail_after_rows = int(limit) if limit else None
    return tracker.wsgi.application(environ, start_response)
