"""The citations report: one row per citation of the requests a filter selects, with its source, so that each
claim can be checked where it was made. Formatted in Python a chunk of requests at a time (one citations query per
chunk, one of their sources' evidence), in the order of the requests on the page; cells neutralised as in every
report."""

import datetime
from collections import defaultdict

from tracker.columns import CITATION_COLUMNS
from tracker.dates import iso_partial
from tracker.models import Citation, Credibility, Reliability, Source, SourceKind

from . import streaming
from .streaming import chunks, csv_download, csv_lines, detail_url, in_report_transaction

CREDIBILITIES = dict(Credibility.choices)
RELIABILITIES = dict(Reliability.choices)
SOURCE_KINDS = dict(SourceKind.choices)
CITED = [
    "request_id",
    "quote",
    "location",
    "credibility",
    "source__outlet",
    "source__title",
    "source__author",
    "source__kind",
    "source__url",
    "source__published_on",
    "source__published_precision",
    "source__reliability",
    "source_id",  # last: its evidence is looked up by it (evidence_of)
]


def citations_of(request_ids, using):
    """{request id: [citation values (CITED, less the request id)]}, best credibility first, for one chunk,
    read where the requests are (the router no longer knows the request once the response streams)."""
    found = defaultdict(list)
    cited = Citation.objects.using(using).filter(request__in=request_ids).order_by("credibility", "id")
    for row in cited.values_list(*CITED):
        found[row[0]].append(row[1:])
    return found


EVIDENCE = ["kept_at", "kept_sha256", "gone", "last_checked_at"]  # Source.with_evidence()'s
UNKNOWN = (None, "", None, None)  # not seen (cannot be: both queries read one snapshot)


def evidence_of(request_ids, using):
    """{source id: (kept_at, kept_sha256, gone, last_checked_at)} for the sources of one chunk's requests: one
    query per chunk (Source.with_evidence()), each source once however many of the chunk's citations it backs."""
    cited = Citation.objects.filter(request__in=request_ids).values("source_id")
    sources = Source.objects.using(using).with_evidence().filter(pk__in=cited).order_by()
    return {pk: evidence for pk, *evidence in sources.values_list("pk", *EVIDENCE)}


def timestamp(value):
    """As the API writes it: 2025-10-31T09:30:00Z (UTC, to the second)."""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def citation_rows(queryset, base_url):
    url = detail_url(base_url, "request-detail")
    requests = queryset.values_list("pk", "requester__name", "supplier__name").iterator(chunk_size=streaming.CHUNK)
    for chunk in chunks(requests):
        ids = [pk for pk, _, _ in chunk]
        cited, evidence = citations_of(ids, queryset.db), evidence_of(ids, queryset.db)
        for pk, requester, supplier in chunk:
            for *citation, source in cited[pk]:
                kept_at, kept_sha256, gone, checked_at = evidence.get(source, UNKNOWN)
                yield [
                    pk,
                    url.format(pk),
                    requester,
                    supplier,
                    *citation_cells(*citation),
                    timestamp(kept_at),
                    kept_sha256 or "",
                    gone,  # yes, no, or empty: never checked
                    timestamp(checked_at),
                ]


def citation_cells(quote, location, credibility, outlet, title, author, kind, link, date, precision, grade):
    return [
        quote,
        location,
        credibility,
        CREDIBILITIES.get(credibility, ""),
        outlet,
        title,
        author,
        SOURCE_KINDS.get(kind, kind),
        link,
        iso_partial(date, precision),
        precision,
        grade,
        RELIABILITIES.get(grade, grade),
    ]


def citation_report(filename, queryset, base_url, filterset=None):
    queryset = queryset.using(queryset.db)  # the reader chosen now (a replica?), not when the response streams
    body = csv_lines(citation_rows(queryset, base_url))
    return csv_download(filename, CITATION_COLUMNS, in_report_transaction(body, queryset.db))
