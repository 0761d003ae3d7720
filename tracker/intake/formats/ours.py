"""Our own /requests.csv and /deployments.csv, exported, edited and imported back (record_uid keys them)."""

import re
import uuid
from decimal import Decimal, InvalidOperation

from tracker.columns import DEPLOYMENT_COLUMNS, OPTIONAL_DEPLOYMENT_COLUMNS, OPTIONAL_REQUEST_COLUMNS, REQUEST_COLUMNS
from tracker.dates import normalise, normalise_end
from tracker.models import (
    Channel,
    DeploymentStatus,
    HelpKind,
    LocationPrecision,
    Reliability,
    RequestStatus,
    parse_deliveries,
)

from ..planned import Planned, Problem
from ..reading import ImportFailed, contiguous
from ..values import choice, integer, partial_date, yes_no

OPTIONAL = ("url", "request_id", "deployment_id", *OPTIONAL_REQUEST_COLUMNS, *OPTIONAL_DEPLOYMENT_COLUMNS)
MOST_ROWS = 1000  # of one record_uid (a request's items): more is a damaged file, and would be held at once


def known_columns(file_format):
    return {*(REQUEST_COLUMNS if file_format == "requests" else DEPLOYMENT_COLUMNS), *OPTIONAL}


def parse(importer):
    columns = [c.strip().lower() for c in importer.header.cells]
    expected = REQUEST_COLUMNS if importer.file_format == "requests" else DEPLOYMENT_COLUMNS
    missing = [c for c in expected if c not in columns and c not in OPTIONAL]
    if missing:
        raise ImportFailed(f"The header lacks the column(s): {', '.join(missing)}.")
    # Rows without a record key are each their own bad row, never one group however many follow.
    rows_of = contiguous(importer.data_rows(), key=lambda r: uid(r) or ("line", r.line), most=MOST_ROWS)
    for _, group in rows_of:
        rows, problems = [], []
        for record in group:
            if importer.width_ok(record, problems):
                rows.append((record, dict(zip(columns, record.cells, strict=True))))  # cells come unescaped
        found = uid(group[0])
        key = ("uid", found) if found else ("bad", group[0].line)
        if key[0] == "bad" and rows:
            problems.append(Problem(group[0].line, "record_uid", f"{rows[0][1]['record_uid']!r} is not a record key"))
        if len(group) == MOST_ROWS:
            problems.append(Problem(group[0].line, "record_uid", f"{MOST_ROWS:,} rows or more for one record_uid"))
        planned = Planned(
            key=key, lines=[r.line for r in group], raws=[r.raw for r in group], fields={}, problems=problems
        )
        if rows and not problems:
            if importer.file_format == "requests":
                fill_request(importer, planned, rows)
            else:
                fill_deployment(importer, planned, rows[0])
        yield planned


def uid(record):
    cell = record.cells[1] if len(record.cells) > 1 else ""
    if not 32 <= len(cell) <= 45:  # no UUID, in any of the forms uuid.UUID reads: spares a raised error
        return None
    try:
        return uuid.UUID(cell)
    except ValueError:
        return None


def fill_request(importer, planned, rows):
    record, row = rows[0]
    p = planned.problems
    line = record.line
    date, precision = partial_date(row["date"], row["date_precision"], "date", record, p)
    requester = importer.country(row["requester_iso2"] or row["requester"], "requester", line, p)
    supplier = importer.country(row["asked_country_iso2"] or row["asked_country"], "asked_country", line, p)
    if requester and supplier and requester == supplier:
        p.append(Problem(line, "asked_country", "a country does not ask itself"))
    planned.fields = {
        "requester": requester,
        "supplier": supplier,
        "requested_by": ("person", row["requested_by"], requester),
        "addressed_to": ("person", row["addressed_to"], supplier),
        "date": normalise(date, precision),
        "date_precision": precision,
        "date_estimated": estimated(row, "date_estimated", date, record, p),
        "channel": choice(row["channel"], Channel, "channel", record, p, Channel.UNKNOWN),
        "status": choice(row["status"], RequestStatus, "status", record, p, RequestStatus.UNKNOWN),
        "summary": row["summary"] or "",
    }
    if not planned.fields["summary"]:
        p.append(Problem(line, "summary", "a summary is required"))
    for other, other_row in rows[1:]:
        for column in ("requester_iso2", "asked_country_iso2", "date", "status", "summary"):
            if other_row[column] != row[column]:
                p.append(Problem(other.line, column, f"differs from line {line} for the same record_uid"))
    for item_record, item_row in rows:
        if not item_row["equipment_type"] and not item_row["description"]:
            continue  # the one row of a request without items
        asked, _ = integer(item_row["quantity_asked"], "quantity_asked", item_record, p)
        delivered, _ = integer(item_row["quantity_delivered"], "quantity_delivered", item_record, p)
        if asked is not None and delivered is not None and delivered > asked:
            p.append(Problem(item_record.line, "quantity_delivered", "exceeds quantity_asked"))
        deliveries, errors = parse_deliveries(item_row.get("deliveries", ""))
        p += [Problem(item_record.line, "deliveries", error) for error in errors]
        planned.items.append(
            {
                "equipment_type": importer.equipment_type(item_row["equipment_type"], item_record.line, p),
                "system": item_row["system"] or None,
                "description": item_row["description"],
                "help_kind": choice(item_row["kind_of_help"], HelpKind, "kind_of_help", item_record, p, "supply"),
                "hedged": yes_no(item_row["hedged"]),
                "quantity_requested": asked,
                "quantity_requested_estimated": estimated(item_row, "quantity_asked_estimated", asked, item_record, p),
                "quantity_delivered": delivered,
                "quantity_delivered_estimated": estimated(
                    item_row, "quantity_delivered_estimated", delivered, item_record, p
                ),
                "deliveries": deliveries,
            }
        )
    cite_listed_sources(importer, planned, row, record, p)


def estimated(row, column, value, record, problems):
    """A yes/no estimate flag (an absent column: no); an estimate of nothing is a bad row."""
    flag = yes_no(row.get(column, ""))
    if flag and value is None:
        problems.append(Problem(record.line, column, "says yes, but the value it qualifies is empty"))
    return flag


def fill_deployment(importer, planned, pair):
    record, row = pair
    p, line = planned.problems, record.line
    start, start_p = partial_date(row["start"], row["start_precision"], "start", record, p)
    end, end_p = partial_date(row["end"], row["end_precision"], "end", record, p)
    quantity, _ = integer(row["quantity"], "quantity", record, p)
    personnel, _ = integer(row["personnel"], "personnel", record, p)
    coordinates = []
    for column in ("latitude", "longitude"):
        try:
            # Decimal, as stored (5 places): a float would never compare equal on re-import.
            coordinates.append(Decimal(row[column]).quantize(Decimal("0.00001")) if row[column] else None)
        except (InvalidOperation, ValueError):
            p.append(Problem(line, column, f"{row[column]!r} is not a number"))
            coordinates.append(None)
    lat, lon = coordinates
    if (lat is None) != (lon is None):
        p.append(
            Problem(line, "longitude" if lon is None else "latitude", "coordinates need both latitude and longitude")
        )
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        p.append(Problem(line, "latitude", f"({lat}, {lon}) is not a place on Earth"))
    where = choice(row.get("location_precision", ""), LocationPrecision, "location_precision", record, p, "")
    if where and lat is None:
        p.append(Problem(line, "location_precision", "a precision qualifies coordinates, and there are none"))
    planned.fields = {
        "country": importer.country(
            row["deploying_country_iso2"] or row["deploying_country"], "deploying_country", line, p
        ),
        "host_country": importer.country(
            row["host_country_iso2"] or row["host_country"], "host_country", line, p, False
        ),
        "equipment_type": importer.equipment_type(row["equipment_type"], line, p) if row["equipment_type"] else None,
        "system": row["system"] or None,
        "unit": row["unit"],
        "description": row["description"],
        "quantity": quantity,
        "personnel": personnel,
        "location": row["location"],
        "region": row["region"],
        "latitude": coordinates[0],
        "longitude": coordinates[1],
        "location_precision": where,
        "start_date": normalise(start, start_p),
        "start_precision": start_p,
        "end_date": normalise_end(end, end_p),
        "end_precision": end_p,
        "status": choice(row["status"], DeploymentStatus, "status", record, p, DeploymentStatus.ANNOUNCED),
        "purpose": row["purpose"],
    }
    if planned.fields["start_date"] and planned.fields["end_date"] and end < start:
        p.append(Problem(line, "end", "a deployment cannot end before it starts"))
    if not row["description"]:
        p.append(Problem(line, "description", "a description is required"))
    cite_listed_sources(importer, planned, row, record, p)


def cite_listed_sources(importer, planned, row, record, problems):
    """Our CSV lists sources as 'Outlet: Title; …' with the best grades only."""
    names = [n.strip() for n in (row.get("sources") or "").split("; ") if n.strip()]
    credibility = row.get("best_credibility") or "6"
    if not re.fullmatch(r"[1-6]", credibility):
        problems.append(Problem(record.line, "best_credibility", f"{credibility!r} is not 1 to 6"))
        credibility = "6"
    for name in names:
        outlet, _, title = name.partition(": ")
        key = ("named", outlet, title or outlet)
        reliability = row.get("best_reliability") if len(names) == 1 else Reliability.F
        importer.sources.setdefault(
            key,
            {"outlet": outlet, "title": title or outlet, "reliability": reliability or Reliability.F},
        )
        planned.citations.append((key, "", "", int(credibility)))


# --------------------------------------------------------------- SIPRI
