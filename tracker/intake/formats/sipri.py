"""What both SIPRI layouts share: the export as a Source, a deal as a request with one item, its notes."""

import datetime
import re

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

LAYOUTS = {"sipri-classic": "classic layout", "sipri-current": "current layout"}
OUTLET = "SIPRI Arms Transfers Database"
GENERATED = re.compile(r"(?:data|information) generated:\s*(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", re.IGNORECASE)
PERIOD = re.compile(r"(?:for|range)\s+'?(\d{4})'?\s+to\s+'?(\d{4})'?", re.IGNORECASE)


def export_date(text):
    """The day SIPRI generated the export, from 'Data generated: 13 Apr 2024 3:44:54 PM' or
    'Information generated: 24 November 2026'; None if the line is missing or not a date."""
    found = GENERATED.search(text)
    if not found:
        return None
    day, month, year = found.groups()
    try:
        return datetime.datetime.strptime(f"{day} {month[:3]} {year}", "%d %b %Y").date()
    except ValueError:
        return None


def sipri_source(importer):
    """The export as a Source of its own: dated from its 'generated' line, titled with its layout and period.

    Two exports are two sources even under one file name; the same export imported twice (or its
    rejects file, which keeps its title lines) is one.
    """
    lines = [" ".join(r.cells) for r in importer.preamble]
    text = "\n".join(lines)
    generated = export_date(text)
    period = PERIOD.search(text)
    layout = LAYOUTS[importer.file_format]
    span = f", deals with deliveries or orders {period[1]}–{period[2]}" if period else ""
    if generated:
        title = f"Trade register, {layout}{span}, generated {generated.isoformat()}"
    else:
        title = f"Trade register {importer.file_name}, {layout}{span}, date not given"
    key = ("sipri", title)
    importer.sources.setdefault(
        key,
        {
            "outlet": OUTLET,
            "title": title[:300],
            "kind": SourceKind.DATASET,
            "reliability": Reliability.B,
            "published_on": generated,
            "published_precision": DatePrecision.DAY if generated else "",
            "notes": (
                f"SIPRI trade register export, {layout}; first imported from the file {importer.file_name}. "
                + (f"Its title lines: {' / '.join(line for line in lines if line)[:1500]}. " if text.strip() else "")
                + "Which values SIPRI estimates is kept with each value; comments and TIV in each record's notes."
            ),
        },
    )
    return key


def sipri_item(importer, deal, line, problems):
    """The deal's one item, with the estimate flags and the deliveries by year (year, number or None, estimated)."""
    slug = sipri_type_slug(deal["category"], deal["description"])
    if slug is None:
        slug = "other"
        importer.notes.append(
            f"line {line}: equipment type of {deal['designation']!r} ({deal['description']!r}) not recognised: Other"
        )
    asked, delivered = deal["asked"], deal["delivered"]
    if asked is not None and delivered is not None and delivered > asked:
        problems.append(Problem(line, "Number delivered", "exceeds the number ordered"))
    return {
        "equipment_type": importer.types[slug],
        "system": None if generic(deal["designation"], deal["description"]) else deal["designation"] or None,
        "system_type": importer.types[slug],
        "description": " ".join(filter(None, [deal["designation"], deal["description"]])) or "(not given)",
        "help_kind": HelpKind.NEW_SUPPLY,
        "hedged": False,
        "quantity_requested": asked,
        "quantity_delivered": delivered,
        "quantity_requested_estimated": deal["asked_estimate"],
        "quantity_delivered_estimated": deal["delivered_estimate"],
        "deliveries": deal["deliveries"],
    }


def generic(designation, description):
    """SIPRI names unidentified engines and gear by their description, with a power class in the current
    layout ("aircraft engine 1001-2000", "air refuel system"): a kind of thing, not a system."""
    described = re.escape(" ".join(description.lower().split()))
    designation = designation.lower().strip()
    if re.match(r"(aircraft|helicopter|vehicle|ship) engine\b", designation):  # "ship engine AIP"
        return True
    return " " in described and bool(re.fullmatch(rf"{described}(?: \(?[\d\s-]+\)?)?", designation))


def status_of(asked, delivered):
    """What the numbers say, and no more: without a number ordered, deliveries mean 'partly delivered'
    (at least part of the order arrived), never 'delivered' (all of it)."""
    if delivered and asked is not None and delivered >= asked:
        return RequestStatus.DELIVERED
    if delivered:
        return RequestStatus.PARTLY_DELIVERED
    return RequestStatus.AGREED


def summary_of(names, deal):
    about = "about "
    asked, delivered, designation = deal["asked"], deal["delivered"], deal["designation"]
    what = f"{designation} ({deal['description'] or 'no description'})"
    years = sorted({d[0] for d in deal["deliveries"] if d[0]})
    when = "" if not years else f" in {years[0]}" if len(years) == 1 else f" in {years[0]}–{years[-1]}"
    got = f"{about if deal['delivered_estimate'] else ''}{delivered} delivered{when}" if delivered else ""
    if asked is not None:
        head = f"{names[0]} ordered {about if deal['asked_estimate'] else ''}{asked} {what} from {names[1]}"
        return f"{head}{'; ' + got if got else ''}, according to SIPRI."
    if got:
        return f"{names[0]} ordered {what} from {names[1]}; {got}, number ordered not reported, according to SIPRI."
    return f"{names[0]} ordered an unreported number of {what} from {names[1]}, according to SIPRI."


def sipri_deal(importer, key, rows, deal, notes, source, problems):
    """A deal as a request with one item. deal: requester, supplier, order, order_estimate, designation,
    description, category, asked, asked_estimate, delivered, delivered_estimate, deliveries, tiv (per unit)."""
    line = rows[0].line
    requester, supplier, order = deal["requester"], deal["supplier"], deal["order"]
    if requester and supplier and requester == supplier:
        problems.append(Problem(line, "Supplier", "a country does not ask itself"))
    item = sipri_item(importer, deal, line, problems)
    names = (requester.name if requester else "?", supplier.name if supplier else "?")
    # The evidence tracker/intake/likeness.py weighs, as the record will hold it.
    match = (
        getattr(requester, "pk", None),
        getattr(supplier, "pk", None),
        order,
        deal["order_estimate"],
        item["system"] or item["description"],
        item["equipment_type"].pk,
        item["quantity_requested"],
        item["quantity_delivered"],
        [d[0] for d in item["deliveries"] if d[0]],
        deal.get("tiv"),
    )
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
            "date_estimated": deal["order_estimate"],
            "channel": Channel.CONTRACT,
            "status": status_of(deal["asked"], deal["delivered"]),
            "summary": summary_of(names, deal),
            "notes": notes,
        },
        items=[item],
        citations=[(source, "", f"SIPRI register, line {line}", 2)],
        problems=problems,
        match=match if order else None,
    )


def designation_of(text):
    """SIPRI's designation without the dashes the current layout appends to some ('Pucara -', 'NH-90 NFH ---')."""
    return re.sub(r"\s+-+$", "", (text or "").strip())


def sipri_notes(*, order_estimate, asked_estimate, delivered_estimate, delivery_years, status, comments, tiv, extra=()):
    parts = list(extra)
    if order_estimate:
        parts.append("order year is a SIPRI estimate")
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
    parts += [f"{label} {value}" for label, value in tiv if value]
    return "; ".join(parts) + ("." if parts else "")
