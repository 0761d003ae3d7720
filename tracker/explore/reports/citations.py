"""The citations report: one row per citation of the requests a filter selects, with its source, so that each
claim can be checked where it was made. Formatted in Python a chunk of requests at a time (one citations query per
chunk), in the order of the requests on the page; cells neutralised as in every report."""

from collections import defaultdict

from tracker.columns import CITATION_COLUMNS
from tracker.dates import iso_partial
from tracker.models import Citation, Credibility, Reliability, SourceKind

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
]


def citations_of(request_ids, using):
    """{request id: [citation values (CITED, less the request id)]}, best credibility first, for one chunk,
    read where the requests are (the router no longer knows the request once the response streams)."""
    found = defaultdict(list)
    cited = Citation.objects.using(using).filter(request__in=request_ids).order_by("credibility", "id")
    for row in cited.values_list(*CITED):
        found[row[0]].append(row[1:])
    return found


def citation_rows(queryset, base_url):
    url = detail_url(base_url, "request-detail")
    requests = queryset.values_list("pk", "requester__name", "supplier__name").iterator(chunk_size=streaming.CHUNK)
    for chunk in chunks(requests):
        cited = citations_of([pk for pk, _, _ in chunk], queryset.db)
        for pk, requester, supplier in chunk:
            for quote, location, credibility, outlet, title, author, kind, link, date, precision, grade in cited[pk]:
                yield [
                    pk,
                    url.format(pk),
                    requester,
                    supplier,
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
