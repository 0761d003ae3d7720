"""SIPRI trade register, classic layout: title lines, one line per deal, ? flags, (50) estimates, a footer."""

import hashlib
import re

from ..planned import Planned, Problem
from ..values import integer, normalise_key, year
from .sipri import sipri_deal, sipri_notes, sipri_source

SIPRI_CLASSIC = [
    "Recipient",
    "Supplier",
    "Year of order",
    "",
    "Number ordered",
    "",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    "",
    "Year(s) of delivery",
    "status",
    "Comments",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
]


def parse(importer):
    source = sipri_source(importer)
    for record in importer.data_rows():
        p = []
        if not importer.width_ok(record, p):
            yield Planned(key=("bad", record.line), lines=[record.line], raws=[record.raw], fields={}, problems=p)
            continue
        (
            recipient,
            supplier,
            order_year,
            order_flag,
            ordered,
            ordered_flag,
            designation,
            description,
            delivered,
            delivered_flag,
            delivery_years,
            sipri_status,
            comments,
            tiv_unit,
            tiv_total,
            tiv_delivered,
        ) = record.cells
        requester = importer.country(recipient, "Recipient", record.line, p)
        asked_country = importer.country(supplier, "Supplier", record.line, p)
        order = year(order_year, "Year of order", record, p)
        asked, asked_estimate = integer(ordered, "Number ordered", record, p, ordered_flag)
        got, got_estimate = integer(delivered, "Number delivered", record, p, delivered_flag)
        years = [y for y in re.split(r"[;,\s]+", delivery_years) if y]
        for y in years:
            year(y, "Year(s) of delivery", record, p)
        if not designation:
            p.append(Problem(record.line, "Weapon designation", "a weapon designation is required"))
        notes = sipri_notes(
            order_estimate=order_flag.strip() == "?" or order_year.startswith("("),
            asked_estimate=asked_estimate,
            delivered_estimate=got_estimate,
            delivery_years="; ".join(years),
            status=sipri_status,
            comments=comments,
            tiv=(tiv_unit, tiv_total, tiv_delivered),
        )
        digest = "|".join(
            normalise_key(x) for x in (recipient, supplier, str(order), designation, ordered, description)
        )
        key = ("external_id", "sipri-classic:" + hashlib.sha1(digest.encode()).hexdigest()[:20])
        yield (
            sipri_deal(
                importer,
                key,
                [record],
                requester,
                asked_country,
                order,
                designation,
                description,
                "",
                asked,
                got,
                notes,
                source,
                p,
            )
        )
