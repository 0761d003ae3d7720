"""CSV reports that stream: one FilterSet, two renderers (the page and this).

Rows are written as the database cursor yields them, a chunk at a time, so a
million rows cost no more memory than ten. Items and citations are fetched per
chunk as plain tuples: model instances linked both ways (what prefetch_related
builds) form reference cycles that linger until a full garbage collection, and
memory would then grow with the file. Text cells a spreadsheet would run as a
formula are neutralised; numbers stay numbers.
"""

import csv
import datetime
import re
from collections import defaultdict
from itertools import islice

from django.http import StreamingHttpResponse
from django.urls import reverse

from .dates import iso_partial
from .models import Channel, Citation, DeploymentStatus, HelpKind, RequestItem, RequestStatus

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


def stream_csv(filename, header, rows):
    writer = csv.writer(Echo())

    def lines():
        yield BOM + writer.writerow(header)
        # A few hundred rows per write: one per row would cost more in the server than the CSV itself.
        for chunk in chunks(rows, size=LINES_PER_WRITE):
            yield "".join(writer.writerow([neutralise(cell) for cell in row]) for row in chunk)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


def request_rows(queryset, base_url):
    """One row per item; a request without items still has one row."""
    url = detail_url(base_url, "request-detail")
    requests = queryset.values_list(
        "pk",
        "uid",
        "date",
        "date_precision",
        "requester__name",
        "requester__iso2",
        "supplier__name",
        "supplier__iso2",
        "requested_by__name",
        "addressed_to__name",
        "channel",
        "status",
        "summary",
    ).iterator(chunk_size=CHUNK)
    for chunk in chunks(requests):
        ids = [row[0] for row in chunk]
        items = defaultdict(list)
        for row in (
            RequestItem.objects.filter(request__in=ids)
            .order_by("id")
            .values_list(
                "request_id",
                "equipment_type__name",
                "system__designation",
                "description",
                "help_kind",
                "hedged",
                "quantity_requested",
                "quantity_delivered",
            )
        ):
            items[row[0]].append(row[1:])
        citations = citations_by_record("request", ids)
        for pk, uid, date, precision, requester, r_iso, supplier, s_iso, by, to, channel, status, summary in chunk:
            common = [
                pk,
                str(uid),
                iso_partial(date, precision),
                precision,
                requester,
                r_iso or "",
                supplier,
                s_iso or "",
                by or "",
                to or "",
                CHANNELS.get(channel, channel),
                REQUEST_STATUSES.get(status, status),
            ]
            tail = [summary, *citations.get(pk, NO_CITATION), url.format(pk)]
            if not items[pk]:
                yield [*common, "", "", "", "", "", None, None, *tail]
            for type_name, system, description, help_kind, hedged, asked, delivered in items[pk]:
                yield [
                    *common,
                    type_name,
                    system or "",
                    description,
                    HELP_KINDS.get(help_kind, help_kind),
                    hedged,
                    asked,
                    delivered,
                    *tail,
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
