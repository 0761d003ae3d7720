"""Where sources disagree (issue 25): "sources differ" on a record page, and /claims.csv, one row per claim.

A disputed field (the status, the date, an item's quantity asked or delivered) is one some citation of
the request has a Claim on. Its record keeps the curator's preferred value; the sources behind that value
are the request's citations that make no claim on the field, so the export writes them too, marked
preferred: "66 (source A, B2)" and "about 60 (source B, C3)" are both rows. Published requests only:
the lists' FilterSet reads ArmsRequest.objects.published(), and so does the page.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from tracker.dates import iso_partial
from tracker.models import ArmsRequest, Citation, Claim, ClaimField, RequestItem
from tracker.models.claims import disputed_requests, preferred_value

from .reports.streaming import CHUNK, chunks, csv_download, csv_lines, detail_url, in_report_transaction

CLAIM_COLUMNS = [
    "request_id",
    "request_url",
    "field",  # status, date, quantity_requested, quantity_delivered
    "item_id",
    "item",
    "preferred",  # yes: the record's own value, as the sources without a differing claim give it
    "value",  # a status code, an ISO date at its precision, or an exact quantity (a range is in low and high)
    "low",
    "high",
    "words",
    "source_id",
    "source_outlet",
    "source_title",
    "source_url",
    "source_reliability",
    "credibility",
    "quote",
]
FIELD_ORDER = {name: n for n, name in enumerate(ClaimField.values)}


# ------------------------------------------------------------------ the page


@dataclass
class Dispute:
    """One disputed field of a record: its preferred value with the citations behind it, and each claim."""

    label: str
    preferred: str
    supporters: list = field(default_factory=list)
    claims: list = field(default_factory=list)


def disputes(record):
    """{"status": Dispute, "date": Dispute} for the record's disputed fields; each disputed item gets
    `item.disputes` {"quantity_requested": Dispute, …}. One query (its claims, with their sources) on top
    of the page's prefetched items and citations; none for a record with_disputed() found undisputed."""
    if not getattr(record, "disputed", True):  # with_disputed() said so in the record's own query
        return {}
    claims = Claim.objects.filter(request=record).select_related("citation__source")
    return shaped(record, list(claims), list(record.citations.all()), list(record.items.all()))


def shaped(record, claims, citations, items):
    """disputes() from plain rows, no query: the live page's, or a version's as its revision kept them
    (explore/versions.py). Each claim's citation and its source must be set; each item gets `disputes`."""
    items = {item.pk: item for item in items}
    found, by_item = {}, defaultdict(dict)
    keyed = defaultdict(list)
    for claim in claims:
        keyed[(claim.field, claim.item_id)].append(claim)
    for (name, item_id), differing in sorted(keyed.items(), key=lambda kv: (FIELD_ORDER[kv[0][0]], kv[0][1] or 0)):
        item = items.get(item_id)
        claiming = {c.citation_id for c in differing}
        dispute = Dispute(
            label=ClaimField(name).label,
            preferred=preferred_value(record, name, item),
            supporters=[c for c in citations if c.pk not in claiming],
            claims=sorted(differing, key=lambda c: (c.citation.credibility, c.citation.source.reliability, c.pk)),
        )
        if item_id is None:
            found[name] = dispute
        elif item is not None:
            by_item[item_id][name] = dispute
    for item_id, item in items.items():
        item.disputes = by_item.get(item_id, {})
    return found


def with_disputed(queryset):
    """The records, each knowing whether it has a claim (one EXISTS in their query): an undisputed record's page
    then reads no claims at all."""
    return queryset.annotate(disputed=Exists(Claim.objects.filter(request=OuterRef("pk"))))


def page_context(record):
    return {"disputes": disputes(record)}


# ------------------------------------------------------------------ the export


def claim_rows(request_ids, base_url, using):
    """CLAIM_COLUMNS rows for these requests, in their order: per disputed field, the preferred value's
    sources, then each claim. Five queries, whatever the number of requests."""
    url = detail_url(base_url, "request-detail")
    claims = defaultdict(lambda: defaultdict(list))
    for claim in Claim.objects.using(using).filter(request__in=request_ids).select_related("citation__source"):
        claims[claim.request_id][(claim.field, claim.item_id)].append(claim)
    if not claims:
        return
    disputed = list(claims)
    records = ArmsRequest.objects.using(using).only("status", "date", "date_precision").in_bulk(disputed)
    items = RequestItem.objects.using(using).filter(request__in=disputed).in_bulk()
    citations = defaultdict(list)
    for citation in Citation.objects.using(using).filter(request__in=disputed).select_related("source"):
        citations[citation.request_id].append(citation)
    for pk in request_ids:
        for (name, item_id), differing in sorted(claims.get(pk, {}).items(), key=dispute_order):
            item = items.get(item_id)
            start = [pk, url.format(pk), name, item_id or "", item.description if item else ""]
            claiming = {c.citation_id for c in differing}
            preferred = preferred_cells(records[pk], name, item)
            for citation in citations[pk]:
                if citation.pk not in claiming:
                    yield [*start, "yes", *preferred, *source_cells(citation)]
            for claim in differing:
                yield [*start, "no", *claim_cells(claim), *source_cells(claim.citation)]


def dispute_order(entry):
    (name, item_id), _ = entry
    return FIELD_ORDER[name], item_id or 0


def preferred_cells(record, name, item):
    """value, low, high, words of the record's own value."""
    if name == ClaimField.STATUS:
        return [record.status, "", "", ""]
    if name == ClaimField.DATE:
        return [iso_partial(record.date, record.date_precision), "", "", ""]
    number = getattr(item, name) if item else None
    return [number if number is not None else "", number, number, ""]


def claim_cells(claim):
    if claim.field == ClaimField.STATUS:
        return [claim.status, "", "", claim.words]
    if claim.field == ClaimField.DATE:
        return [iso_partial(claim.date, claim.date_precision), "", "", claim.words]
    exact = claim.low if claim.low is not None and claim.low == claim.high else ""
    return [exact, claim.low, claim.high, claim.words]


def source_cells(citation):
    source = citation.source
    return [
        source.pk,
        source.outlet,
        source.title,
        source.link,
        source.reliability,
        citation.credibility,
        citation.quote,
    ]


def claim_report(filename, queryset, base_url, filterset=None):
    """The filtered requests that have a claim, in the list's order, a chunk at a time."""
    queryset = queryset.using(queryset.db).filter(disputed_requests())

    def rows():
        for chunk in chunks(queryset.values_list("pk", flat=True).iterator(chunk_size=CHUNK)):
            yield from claim_rows(chunk, base_url, queryset.db)

    return csv_download(filename, CLAIM_COLUMNS, in_report_transaction(csv_lines(rows()), queryset.db))
