"""CSV reports that stream: one FilterSet, two renderers (the page and this).

Rows are written as the database cursor yields them, a chunk at a time, so a
million rows cost no more memory than ten. Text cells a spreadsheet would run as
a formula are neutralised; numbers stay numbers.
"""

import csv
import datetime
import re

from django.http import StreamingHttpResponse

from .dates import iso_partial

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
    for request in queryset.iterator(chunk_size=CHUNK):
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
        tail = [
            request.summary,
            "; ".join(str(source) for source in request.cited_sources()),
            request.best_reliability,
            request.best_credibility,
            base_url + request.get_absolute_url(),
        ]
        items = request.items.all()
        if not items:
            yield [*common, "", "", "", "", "", None, None, *tail]
        for item in items:
            yield [
                *common,
                item.equipment_type.name,
                item.system.designation if item.system else "",
                item.description,
                item.get_help_kind_display(),
                item.hedged,
                item.quantity_requested,
                item.quantity_delivered,
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
    for d in queryset.iterator(chunk_size=CHUNK):
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
            "; ".join(str(source) for source in d.cited_sources()),
            d.best_reliability,
            d.best_credibility,
            base_url + d.get_absolute_url(),
        ]
