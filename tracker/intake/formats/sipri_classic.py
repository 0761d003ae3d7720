"""SIPRI trade register, classic layout: title lines, one line per deal, ? flags, (50) estimates, a footer.

A deal is keyed by what does not change between editions (recipient, supplier, order year, designation,
description) and its ordinal among the deals of the file sharing them, in file order; numbers, deliveries,
status and comments are data that a later edition may change. Identical lines are separate deals (two
orders alike): each keeps its own ordinal, by occurrence. A number ordered of 0 with deliveries is SIPRI's
open-ended order (licensed production), one below the number delivered a slip: either is kept in the notes,
the number ordered not reported; a delivery year listed twice is one year, the repetition noted.
"""

import hashlib
import re

from ..likeness import number
from ..planned import DigestTable, Planned, Problem
from ..values import integer, normalise_key, year
from .sipri import designation_of, sipri_deal, sipri_notes, sipri_source

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
PREFIX = "sipri-classic:"


def digest(parts, size=10):
    return hashlib.blake2b("|".join(normalise_key(x) for x in parts).encode(), digest_size=size).hexdigest()


def classic_key(group, ordinal):
    """'sipri-classic:<20 hex digits of the stable parts>#<ordinal>'."""
    return f"{PREFIX}{group}#{ordinal}"


def delivery_years(text, record, problems):
    """([(year, estimated)], [years listed twice]) from '1979; 1980', '2006?' or '(2006)'. SIPRI's October 2025
    edition lists some years twice ('2000; 2000; 2002'): one delivery each, the repetition said in the notes."""
    found, twice = [], []
    for token in (t for t in re.split(r"[;,\s]+", text) if t):
        estimated = token.endswith("?") or token.startswith("(")
        y = year(token.rstrip("?"), "Year(s) of delivery", record, problems)
        if y is not None and any(y == seen for seen, _ in found):
            twice.append(y)
        elif y is not None:
            found.append((y, estimated))
    return found, twice


def group_of(record, order=None):
    """The digest of a deal's stable parts: recipient, supplier, order year, designation, description."""
    cells = record.cells
    if order is None:
        order = year(cells[2], "Year of order", record, [])
    return digest((cells[0], cells[1], str(order), designation_of(cells[6]), cells[7]))


def ordinal_of(ordinals, group):
    """The deal's ordinal among the file's deals of its group, in file order: identical lines are two deals."""
    return ordinals.count(int(group, 16))


def parse(importer):
    source = sipri_source(importer)
    ordinals = DigestTable()  # group digest -> deals of the group met so far (a dict: 55 MB for a register)
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
            years_text,
            sipri_status,
            comments,
            tiv_unit,
            tiv_total,
            tiv_delivered,
        ) = record.cells
        designation = designation_of(designation)
        order = year(order_year, "Year of order", record, p)
        asked, asked_estimate = integer(ordered, "Number ordered", record, p, ordered_flag)
        got, got_estimate = integer(delivered, "Number delivered", record, p, delivered_flag)
        extra = []
        if asked is not None and got is not None and got > asked:
            # SIPRI's 0 with deliveries is an open-ended order (licensed production); a number below the number
            # delivered a slip of the edition. Either is said in the notes, and the number ordered not reported.
            extra.append(
                "SIPRI number ordered: 0 (an open-ended order, as in licensed production)"
                if asked == 0
                else f"SIPRI number ordered: {asked}, fewer than the {got} delivered"
            )
            asked, asked_estimate = None, False
        years, twice = delivery_years(years_text, record, p)
        extra += [f"SIPRI lists {y} twice among the delivery years" for y in twice]
        if not designation:
            p.append(Problem(record.line, "Weapon designation", "a weapon designation is required"))
        # Per-year numbers only where SIPRI gives them: all of them in a single delivery year.
        deliveries = [(y, got if len(years) == 1 else None, e or (len(years) == 1 and got_estimate)) for y, e in years]
        deal = {
            "requester": importer.country(recipient, "Recipient", record.line, p),
            "supplier": importer.country(supplier, "Supplier", record.line, p),
            "order": order,
            "order_estimate": order_flag.strip() == "?" or order_year.startswith("("),
            "designation": designation,
            "description": description,
            "category": "",
            "asked": asked,
            "asked_estimate": asked_estimate,
            "delivered": got,
            "delivered_estimate": got_estimate,
            "deliveries": deliveries,
            "tiv": number(tiv_unit),
        }
        notes = sipri_notes(
            order_estimate=deal["order_estimate"],
            asked_estimate=asked_estimate,
            delivered_estimate=got_estimate,
            delivery_years="; ".join(f"{y}{'?' if e else ''}" for y, e in years),
            extra=extra,
            status=sipri_status,
            comments=comments,
            tiv=[
                ("SIPRI TIV per unit", tiv_unit),
                ("SIPRI TIV for total order", tiv_total),
                ("SIPRI TIV of delivered weapons", tiv_delivered),
            ],
        )
        group = group_of(record, order)
        ordinal = ordinal_of(ordinals, group)
        planned = sipri_deal(importer, ("external_id", classic_key(group, ordinal)), [record], deal, notes, source, p)
        planned.group = (group, ordinal)
        planned.legacy = (recipient, supplier, str(order), record.cells[6], ordered, description)
        yield planned


def legacy_key(parts):
    """The key older versions gave a classic deal (numbers ordered in it, no ordinal)."""
    return PREFIX + hashlib.sha1("|".join(normalise_key(x) for x in parts).encode()).hexdigest()[:20]
