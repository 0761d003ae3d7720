"""A release's data files, each a stream of text or bytes chunks: the public CSV downloads' own writers (so the
columns and cells are the public CSVs'), the API's JSON records as JSON Lines, and the sources cited.

Every file lists published records only, in id order (so two releases compare line by line), read inside the
caller's snapshot (build.py); memory holds one chunk of rows whatever the number of records.
"""

from django.db import connections

from tracker.api.records import DeploymentRecords, RequestRecords
from tracker.columns import CITATION_COLUMNS, DEPLOYMENT_COLUMNS, REQUEST_COLUMNS
from tracker.dates import iso_partial
from tracker.explore.reports import copy_blocks, neutralise
from tracker.explore.reports.cells import timestamp
from tracker.explore.reports.citations import RELIABILITIES, SOURCE_KINDS, citation_rows
from tracker.explore.reports.deployments import deployment_rows
from tracker.explore.reports.requests import RequestReport
from tracker.explore.reports.streaming import BOM, chunks, csv_lines, write_line
from tracker.models import ArmsRequest, Deployment, Source

# Rows per fetch and records per JSON query: smaller than a download's (2,000), for a job's memory (bench/release.py:
# at 2,000 a chunk of requests' JSON is held four times over, 20 MB; at 500, 5).
CHUNK = 500

SOURCE_COLUMNS = [
    "source_id",
    "outlet",
    "title",
    "author",
    "kind",
    "url",
    "date",
    "date_precision",
    "reliability",
    "reliability_label",
    "captured_at",
    "capture_sha256",
    "gone",
    "gone_checked_at",
]


def published_requests():
    return ArmsRequest.objects.published().order_by("pk")


def published_deployments():
    return Deployment.objects.published().order_by("pk")


def cited_sources():
    """Sources a published record cites, as the API shows them (Source.cited_publicly); never their notes."""
    return Source.objects.cited_publicly().with_evidence().order_by("pk")


def header(columns):
    return BOM + write_line([neutralise(name) for name in columns])


class Counted:
    """An iterable's items as they come, counted."""

    def __init__(self, items):
        self.items, self.n = items, 0

    def __iter__(self):
        for item in self.items:
            self.n += 1
            yield item


def request_csv(base_url):
    """requests.csv: /requests.csv of every published request, one row per item. (chunks, rows)."""
    requests = published_requests()
    report = RequestReport(requests, base_url)
    on_postgresql = connections[requests.db].vendor == "postgresql"
    body = copy_blocks(report) if on_postgresql else csv_lines(cursor_rows(report), neutralised=True)
    # A row per item, one for a request without items: the LEFT JOIN's rows.
    rows = ArmsRequest.objects.filter(pk__in=requests.values("pk")).values("pk", "items__id").count()
    return [header(REQUEST_COLUMNS), body], lambda: rows


def cursor_rows(report):
    """reports.sql_rows(), CHUNK rows at a time."""
    with connections[report.queryset.db].cursor() as cursor:
        for part in ("first", "rest"):
            cursor.execute(*report.sql(part))
            while rows := cursor.fetchmany(CHUNK):
                yield from rows


def counted_csv(columns, rows):
    counted = Counted(rows)
    return [header(columns), csv_lines(counted)], lambda: counted.n


def deployment_csv(base_url):
    return counted_csv(DEPLOYMENT_COLUMNS, deployment_rows(published_deployments(), base_url))


def citation_csv(base_url):
    """citations.csv: /citations.csv of every published request (deployments' citations: deployments.jsonl)."""
    return counted_csv(CITATION_COLUMNS, citation_rows(published_requests(), base_url))


def source_rows():
    fields = ["pk", "outlet", "title", "author", "kind", "url", "published_on", "published_precision", "reliability"]
    evidence = ["kept_at", "kept_sha256", "gone", "last_checked_at"]
    for row in cited_sources().values_list(*fields, *evidence).iterator(chunk_size=CHUNK):
        pk, outlet, title, author, kind, url, date, precision, grade, kept_at, kept_sha256, gone, checked_at = row
        yield [
            pk,
            outlet,
            title,
            author,
            SOURCE_KINDS.get(kind, kind),
            url,
            iso_partial(date, precision),
            precision,
            grade,
            RELIABILITIES.get(grade, grade),
            timestamp(kept_at),
            kept_sha256 or "",
            gone,
            timestamp(checked_at),
        ]


def source_csv(base_url):
    return counted_csv(SOURCE_COLUMNS, source_rows())


def json_lines(records, queryset):
    counted = Counted(queryset.values_list("pk", flat=True).iterator(chunk_size=CHUNK))
    body = (records.lines(ids) for ids in chunks(counted, size=CHUNK))
    return [body], lambda: counted.n


def request_lines(base_url):
    """requests.jsonl: each published request as the API gives it, items and citations inside."""
    return json_lines(RequestRecords(base_url), published_requests())


def deployment_lines(base_url):
    return json_lines(DeploymentRecords(base_url), published_deployments())


# name: writer, in the order they are written and listed.
DATA_FILES = {
    "requests.csv": request_csv,
    "deployments.csv": deployment_csv,
    "citations.csv": citation_csv,
    "sources.csv": source_csv,
    "requests.jsonl": request_lines,
    "deployments.jsonl": deployment_lines,
}
