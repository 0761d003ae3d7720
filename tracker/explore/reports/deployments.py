"""The deployments report: one row per deployment, formatted in Python a chunk of rows at a time."""

from collections import defaultdict

from tracker.columns import DEPLOYMENT_COLUMNS
from tracker.dates import iso_partial
from tracker.models import Citation

from . import streaming
from .cells import DEPLOYMENT_STATUSES, timestamp
from .streaming import chunks, csv_download, csv_lines, detail_url, in_report_transaction


def citations_by_record(field, ids, using=None):
    """{record id: (sources text, best reliability, best credibility)} for one chunk."""
    found = defaultdict(list)
    cited = Citation.objects.using(using).filter(**{f"{field}__in": ids}).order_by("credibility", "id")
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
        "location_precision",
        "start_date",
        "start_precision",
        "end_date",
        "end_precision",
        "status",
        "purpose",
        "published_at",
        "updated_at",
    ).iterator(chunk_size=streaming.CHUNK)  # streaming.CHUNK read per call: tests shrink it
    for chunk in chunks(deployments):
        citations = citations_by_record("deployment", [row[0] for row in chunk], using=queryset.db)
        for row in chunk:
            (pk, uid, country, iso2, kind, system, unit, description, quantity, personnel, location, region) = row[:12]
            (host, host_iso2, lat, lon, lat_lon_p, start, start_p, end, end_p, status, purpose) = row[12:23]
            published_at, changed_at = row[23:]
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
                lat_lon_p,
                iso_partial(start, start_p),
                start_p,
                iso_partial(end, end_p),
                end_p,
                DEPLOYMENT_STATUSES.get(status, status),
                purpose,
                *citations.get(pk, NO_CITATION),
                timestamp(published_at),
                timestamp(changed_at),
                url.format(pk),
            ]


def deployment_report(filename, queryset, base_url, filterset=None):
    queryset = queryset.using(queryset.db)  # the reader chosen now, not when the response streams
    body = csv_lines(deployment_rows(queryset, base_url))
    return csv_download(filename, DEPLOYMENT_COLUMNS, in_report_transaction(body, queryset.db))
