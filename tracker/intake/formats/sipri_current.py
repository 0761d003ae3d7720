"""SIPRI trade register, current layout: one row per deal and delivery year; a deal's rows become one request.

What the columns hold (checked on the whole 1990–2023 export): "Numbers delivered" is the number delivered
in that row's "Delivery year"; "Status" is the weapons' condition (New, Second hand, Second hand but
modernized); "SIPRI estimate" is SIPRI's TIV of one unit as new, and "TIV deal unit" the TIV of one unit
in this deal (40 % of it second hand, 66 % modernised); "TIV delivery values" is the TIV of that row's
deliveries; "Local production" says whether the recipient produced them (Yes/No). There is no number
ordered.
"""

import re

from ..likeness import number
from ..planned import Planned, Problem
from ..reading import contiguous
from ..values import integer, year, yes_no
from .sipri import designation_of, sipri_deal, sipri_notes, sipri_source

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
PREFIX = "sipri:"


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
        yield deal_of(importer, deal_id, rows, source, p)


def deal_of(importer, deal_id, rows, source, p):
    first = dict(zip(SIPRI_CURRENT, rows[0].cells, strict=True))
    for other in rows[1:]:
        values = dict(zip(SIPRI_CURRENT, other.cells, strict=True))
        for column in ("Supplier", "Recipient", "Designation", "Order date"):
            if values[column] != first[column]:
                p.append(Problem(other.line, column, f"differs from line {rows[0].line} for deal {deal_id}"))
    delivered, estimate, deliveries, year_lines, tiv = 0, False, [], {}, []
    any_number = False
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
        n_estimate = n_estimate or yes_no(values["Numbers delivered is estimate"])
        any_number = any_number or n is not None
        delivered += n or 0
        estimate = estimate or (n is not None and n_estimate)
        y = year(values["Delivery year"], "Delivery year", record, p, required=False)
        year_estimate = yes_no(values["Delivery year is estimate"])
        if y is not None or n is not None:
            deliveries.append((y, n, n_estimate or year_estimate))
        if values["TIV delivery values"]:
            tiv.append(f"{y or 'year not given'}: {values['TIV delivery values']}")
    order = year(first["Order date"][:4], "Order date", rows[0], p)
    deal = {
        "requester": importer.country(first["Recipient"], "Recipient", rows[0].line, p),
        "supplier": importer.country(first["Supplier"], "Supplier", rows[0].line, p),
        "order": order,
        "order_estimate": yes_no(first["Order date is estimate"]),
        "designation": designation_of(first["Designation"]),
        "description": first["Description"],
        "category": first["Armament category"],
        "asked": None,  # the current layout gives no number ordered
        "asked_estimate": False,
        "delivered": delivered if any_number else None,
        "delivered_estimate": estimate,
        "deliveries": [d for d in deliveries if d[0] is not None],
        "tiv": number(first["TIV deal unit"]),  # the classic layout's "SIPRI TIV per unit"
    }
    years = "; ".join(
        f"{y} ({n if n is not None else 'number not given'}{', estimated' if e else ''})" for y, n, e in deliveries if y
    )
    notes = sipri_notes(
        order_estimate=deal["order_estimate"],
        asked_estimate=False,
        delivered_estimate=estimate,
        delivery_years=years,
        status=first["Status"],
        comments="",
        tiv=[
            ("SIPRI TIV of one unit as new (SIPRI estimate)", first["SIPRI estimate"]),
            ("SIPRI TIV per unit in this deal", first["TIV deal unit"]),
            ("SIPRI TIV of deliveries by year", ", ".join(tiv)),
        ],
        extra=[f"SIPRI deal {deal_id}"]
        + (
            ["produced in the recipient country (SIPRI: local production)"] if yes_no(first["Local production"]) else []
        ),
    )
    return sipri_deal(importer, ("external_id", f"{PREFIX}{deal_id}"), rows, deal, notes, source, p)
