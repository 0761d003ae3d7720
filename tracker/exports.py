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

from .dates import iso_partial
from .models import Citation, HelpKind, RequestItem

CHUNK = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
BOM = "\ufeff"  # Excel reads the file as UTF-8 only with it; pandas and csv readers skip it


class Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value):
        return value


def neutralise(value):
    """A cell as text a spreadsheet shows but never evaluates (OWASP CSV injection advice)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def stream_csv(filename, header, rows):
    writer = csv.writer(Echo())

    def lines():
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])

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


def chunks(queryset):
    """Lists of up to CHUNK rows, read from one streaming cursor."""
    rows = queryset.iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
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
HELP_LABELS = dict(HelpKind.choices)

# ------------------------------------------------------------------ requests

REQUEST_COLUMNS = [
    "request_id",
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
    for chunk in chunks(queryset.select_related("requester", "supplier", "requested_by", "addressed_to")):
        ids = [request.pk for request in chunk]
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
        for request in chunk:
            common = [
                request.pk,
                iso_partial(request.date, request.date_precision),
                request.date_precision,
                request.requester.name,
                request.requester.iso2 or "",
                request.supplier.name,
                request.supplier.iso2 or "",
                request.requested_by.name if request.requested_by else "",
                request.addressed_to.name if request.addressed_to else "",
                request.get_channel_display(),
                request.get_status_display(),
            ]
            tail = [request.summary, *citations.get(request.pk, NO_CITATION), base_url + request.get_absolute_url()]
            if not items[request.pk]:
                yield [*common, "", "", "", "", "", None, None, *tail]
            for type_name, system, description, help_kind, hedged, asked, delivered in items[request.pk]:
                yield [
                    *common,
                    type_name,
                    system or "",
                    description,
                    HELP_LABELS.get(help_kind, help_kind),
                    hedged,
                    asked,
                    delivered,
                    *tail,
                ]


# --------------------------------------------------------------- deployments

DEPLOYMENT_COLUMNS = [
    "deployment_id",
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
    for chunk in chunks(queryset.select_related("country", "host_country", "equipment_type", "system")):
        citations = citations_by_record("deployment", [d.pk for d in chunk])
        for d in chunk:
            yield [
                d.pk,
                d.country.name,
                d.country.iso2 or "",
                d.equipment_type.name if d.equipment_type else "",
                d.system.designation if d.system else "",
                d.unit,
                d.description,
                d.quantity,
                d.personnel,
                d.location,
                d.region,
                d.host_country.name if d.host_country else "",
                (d.host_country.iso2 or "") if d.host_country else "",
                float(d.latitude) if d.latitude is not None else None,
                float(d.longitude) if d.longitude is not None else None,
                iso_partial(d.start_date, d.start_precision),
                d.start_precision,
                iso_partial(d.end_date, d.end_precision),
                d.end_precision,
                d.get_status_display(),
                d.purpose,
                *citations.get(d.pk, NO_CITATION),
                base_url + d.get_absolute_url(),
            ]
