"""SIPRI trade register, current layout: one row per deal and delivery year; a deal's rows become one request."""

import re

from ..planned import Planned, Problem
from ..reading import contiguous
from ..values import integer, year, yes_no
from .sipri import sipri_deal, sipri_notes, sipri_source

SIPRI_CURRENT = [
    "SIPRI AT Database ID",
    "Supplier",
    "Recipient",
    "Designation",
    "Description",
    "Armament category",
    "Order date",
    "Order date is estimate",
    "Numbers delivered",
    "Numbers delivered is estimate",
    "Delivery year",
    "Delivery year is estimate",
    "Status",
    "SIPRI estimate",
    "TIV deal unit",
    "TIV delivery values",
    "Local production",
]


def parse(importer):
    source = sipri_source(importer)
    # One deal's rows come together; a deal met again later is reported as a duplicate.
    for deal_id, rows in contiguous(importer.data_rows(), key=lambda r: r.cells[0]):
        p = []
        for record in rows:
            importer.width_ok(record, p)
        if not re.fullmatch(r"\d+", deal_id):
            p.append(Problem(rows[0].line, "SIPRI AT Database ID", f"{deal_id!r} is not a deal number"))
        if p:
            yield Planned(
                key=("bad", rows[0].line),
                lines=[r.line for r in rows],
                raws=[r.raw for r in rows],
                fields={},
                problems=p,
            )
            continue
        first = dict(zip(SIPRI_CURRENT, rows[0].cells, strict=True))
        for other in rows[1:]:
            values = dict(zip(SIPRI_CURRENT, other.cells, strict=True))
            for column in ("Supplier", "Recipient", "Designation", "Order date"):
                if values[column] != first[column]:
                    p.append(Problem(other.line, column, f"differs from line {rows[0].line} for deal {deal_id}"))
        requester = importer.country(first["Recipient"], "Recipient", rows[0].line, p)
        asked_country = importer.country(first["Supplier"], "Supplier", rows[0].line, p)
        order = year(first["Order date"][:4], "Order date", rows[0], p)
        delivered, estimate, years, year_lines = 0, False, [], {}
        for record in rows:
            values = dict(zip(SIPRI_CURRENT, record.cells, strict=True))
            if values["Delivery year"] in year_lines:
                p.append(
                    Problem(
                        record.line,
                        "Delivery year",
                        f"duplicate: deal {deal_id} already has a row for {values['Delivery year'] or 'no year'} "
                        f"(line {year_lines[values['Delivery year']]})",
                    )
                )
            year_lines.setdefault(values["Delivery year"], record.line)
            n, n_estimate = integer(values["Numbers delivered"], "Numbers delivered", record, p)
            delivered += n or 0
            estimate = estimate or n_estimate or yes_no(values["Numbers delivered is estimate"])
            if values["Delivery year"]:
                y = year(values["Delivery year"], "Delivery year", record, p)
                years.append(f"{y}{'?' if yes_no(values['Delivery year is estimate']) else ''}")
        notes = sipri_notes(
            order_estimate=yes_no(first["Order date is estimate"]),
            asked_estimate=False,
            delivered_estimate=estimate,
            delivery_years="; ".join(years),
            status=first["Status"],
            comments="",
            tiv=(first["TIV deal unit"], "", ""),
            extra=[f"SIPRI deal {deal_id}"]
            + ([f"SIPRI estimate: {first['SIPRI estimate']}"] if first["SIPRI estimate"] else [])
            + ([f"local production: {first['Local production']}"] if first["Local production"] else []),
        )
        yield (
            sipri_deal(
                importer,
                ("external_id", f"sipri:{deal_id}"),
                rows,
                requester,
                asked_country,
                order,
                first["Designation"],
                first["Description"],
                first["Armament category"],
                None,
                delivered if any(r.cells[8] for r in rows) else None,
                notes,
                source,
                p,
            )
        )
