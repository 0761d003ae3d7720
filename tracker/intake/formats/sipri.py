"""What both SIPRI layouts share: the register as a Source, a deal as a request with one item, its notes."""

import datetime

from tracker.dates import DatePrecision
from tracker.models import (
    Channel,
    HelpKind,
    Reliability,
    RequestStatus,
    SourceKind,
)

from ..categories import sipri_type_slug
from ..planned import Planned, Problem


def sipri_source(importer):
    key = ("sipri", importer.file_name)
    importer.sources.setdefault(
        key,
        {
            "outlet": "SIPRI Arms Transfers Database",
            "title": f"Trade register export {importer.file_name}",
            "kind": SourceKind.DATASET,
            "reliability": Reliability.B,
            "notes": "Imported file; SIPRI's estimates and uncertainty flags are kept in each record's notes.",
        },
    )
    return key


def sipri_item(importer, designation, description, category, line, problems, asked, delivered):
    slug = sipri_type_slug(category, description)
    if slug is None:
        slug = "other"
        importer.notes.append(f"line {line}: equipment type of {designation!r} ({description!r}) not recognised: Other")
    if asked is not None and delivered is not None and delivered > asked:
        problems.append(Problem(line, "Number delivered", "exceeds the number ordered"))
    return {
        "equipment_type": importer.types[slug],
        "system": designation or None,
        "system_type": importer.types[slug],
        "description": " ".join(filter(None, [designation, description])) or "(not given)",
        "help_kind": HelpKind.NEW_SUPPLY,
        "hedged": False,
        "quantity_requested": asked,
        "quantity_delivered": delivered,
    }


def sipri_deal(
    importer,
    key,
    rows,
    requester,
    supplier,
    order,
    designation,
    description,
    category,
    asked,
    delivered,
    notes,
    source,
    problems,
):
    line = rows[0].line
    if requester and supplier and requester == supplier:
        problems.append(Problem(line, "Supplier", "a country does not ask itself"))
    item = sipri_item(importer, designation, description, category, line, problems, asked, delivered)
    if asked and delivered is not None and delivered >= asked:
        status = RequestStatus.DELIVERED
    elif delivered:
        status = RequestStatus.PARTLY_DELIVERED if asked else RequestStatus.UNKNOWN
    else:
        status = RequestStatus.AGREED
    what = f"{asked} {designation}" if asked is not None else f"an unreported number of {designation}"
    names = (requester.name if requester else "?", supplier.name if supplier else "?")
    return Planned(
        key=key,
        lines=[r.line for r in rows],
        raws=[r.raw for r in rows],
        fields={
            "requester": requester,
            "supplier": supplier,
            "requested_by": None,
            "addressed_to": None,
            "date": datetime.date(order, 1, 1) if order else None,
            "date_precision": DatePrecision.YEAR if order else "",
            "channel": Channel.CONTRACT,
            "status": status,
            "summary": f"{names[0]} ordered {what} ({description or 'no description'}) from {names[1]}, "
            f"according to SIPRI.",
            "notes": notes,
        },
        items=[item],
        citations=[(source, "", f"SIPRI register, line {line}", 2)],
        problems=problems,
    )


def sipri_notes(*, order_estimate, asked_estimate, delivered_estimate, delivery_years, status, comments, tiv, extra=()):
    parts = list(extra)
    if order_estimate:
        parts.append("order year uncertain (SIPRI '?')")
    if asked_estimate:
        parts.append("number ordered is a SIPRI estimate")
    if delivered_estimate:
        parts.append("number delivered is a SIPRI estimate")
    if delivery_years:
        parts.append(f"delivered in {delivery_years}")
    if status:
        parts.append(f"SIPRI status: {status}")
    if comments:
        parts.append(f"SIPRI comments: {comments}")
    labels = ("TIV per unit", "TIV total order", "TIV delivered")
    parts += [f"{label} {value}" for label, value in zip(labels, tiv, strict=True) if value]
    return "; ".join(parts) + ("." if parts else "")
