"""Importing requests and deployments from CSV: our own exports and SIPRI trade registers.

One engine behind `manage.py import_requests`/`import_deployments` and the admin
import page. Reading a file gives planned records and problems (line, column,
reason); nothing is written until the plan is applied, in one transaction, and
by default only when no row has a problem.
"""

import csv
import datetime
import hashlib
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .categories import sipri_type_slug
from .country_names import CountryResolver
from .dates import DatePrecision, normalise, normalise_end
from .exports import DEPLOYMENT_COLUMNS, REQUEST_COLUMNS
from .models import (
    ArmsRequest,
    Channel,
    Citation,
    Deployment,
    DeploymentStatus,
    EquipmentType,
    HelpKind,
    ImportKind,
    ImportRun,
    ImportState,
    Person,
    Reliability,
    RequestItem,
    RequestStatus,
    Source,
    SourceKind,
    System,
)
from .search import refresh_later, refresh_search_text

BATCH = 2000
MAX_PROBLEMS_STORED = 2000

FORMATS = {
    "requests": "Arms Request Tracker requests CSV",
    "deployments": "Arms Request Tracker deployments CSV",
    "sipri-classic": "SIPRI trade register, classic layout",
    "sipri-current": "SIPRI trade register, current layout",
}
KIND_FORMATS = {
    ImportKind.REQUESTS: ["requests", "sipri-classic", "sipri-current"],
    ImportKind.DEPLOYMENTS: ["deployments"],
}

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


class ImportFailed(Exception):
    """The file cannot be read at all (no header we know, empty, undecodable)."""


@dataclass
class Problem:
    line: int
    column: str
    reason: str

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class Record:
    """One CSV record with the lines it came from, kept verbatim for the rejects file."""

    line: int
    raw: str
    cells: list


@dataclass
class Planned:
    """A request or deployment the file describes, before it is matched against the database."""

    key: tuple  # ("uid", UUID) or ("external_id", str)
    lines: list
    raws: list
    fields: dict
    items: list = field(default_factory=list)  # dicts of RequestItem fields (system as a designation)
    citations: list = field(default_factory=list)  # (source key, quote, location, credibility)
    problems: list = field(default_factory=list)


@dataclass
class Outcome:
    file_format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    rejects: str = ""
    encoding: str = "utf-8"  # of the file read: the rejects file is written back in it, byte for byte
    applied: bool = False
    run: ImportRun | None = None

    @property
    def invalid_rows(self):
        return len({p.line for p in self.problems})

    def summary(self, dry_run):
        verb = ("would create", "would update", "would leave") if dry_run else ("created", "updated", "left")
        return (
            f"{FORMATS[self.file_format]}: {self.rows} row(s); {verb[0]} {self.created}, {verb[1]} {self.updated}, "
            f"{verb[2]} {self.unchanged} unchanged; {self.invalid_rows} bad row(s)."
        )


# ----------------------------------------------------------------- reading


def decode(data):
    """(text, encoding): UTF-8 (with or without BOM), else Windows-1252/Latin-1, as SIPRI's files often are."""
    if isinstance(data, str):
        return data, "utf-8"
    for encoding in ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def lines_of(text):
    """The text's lines, one at a time, without copying it whole (io.StringIO would, four bytes a character)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        end = size if end == -1 else end + 1
        yield text[start:end]
        start = end


def records(text):
    """CSV records with their first line number and their exact text (a record may span lines)."""
    pending = []

    def feed():
        for line in lines_of(text):
            pending.append(line)
            yield line

    reader = csv.reader(feed())
    start = 1
    for cells in reader:
        raw = "".join(pending)
        pending.clear()
        yield Record(line=start, raw=raw, cells=[c.strip() for c in cells])
        start = reader.line_num + 1


def header_format(cells):
    names = [c.strip().lower() for c in cells]
    if names[:1] == ["request_id"] and "asked_country_iso2" in names:
        return "requests"
    if names[:1] == ["deployment_id"] and "deploying_country_iso2" in names:
        return "deployments"
    if names[:3] == ["recipient", "supplier", "year of order"]:
        return "sipri-classic"
    if names[:1] == ["sipri at database id"]:
        return "sipri-current"
    return None


def split(text, forced=None):
    """(format, header record, preamble records): finds the header, skipping SIPRI's title lines."""
    preamble = []
    for record in islice(records(text), 30):
        found = header_format(record.cells)
        if found and (forced is None or found == forced):
            return found, record, preamble
        preamble.append(record)
    if forced:
        raise ImportFailed(f"No header of the {FORMATS[forced]} format in the first 30 lines.")
    raise ImportFailed(
        "No known header in the first 30 lines: expected our requests or deployments CSV, "
        "or a SIPRI trade register (classic or current layout)."
    )


def contiguous(items, key):
    """Runs of consecutive items with the same key, as (key, [items])."""
    run, run_key = [], None
    for item in items:
        k = key(item)
        if run and k != run_key:
            yield run_key, run
            run = []
        run_key = k
        run.append(item)
    if run:
        yield run_key, run


# ------------------------------------------------------------------ values


def integer(text, column, record, problems, flag=""):
    """An optional whole number; SIPRI writes estimates as '(50)' or with a '?' flag."""
    text = (text or "").strip()
    estimate = flag.strip() == "?"
    if text.startswith("(") and text.endswith(")"):
        text, estimate = text[1:-1].strip(), True
    if text == "":
        return None, estimate
    if not re.fullmatch(r"\d{1,9}", text.replace(",", "")):
        problems.append(Problem(record.line, column, f"{text!r} is not a whole number"))
        return None, estimate
    return int(text.replace(",", "")), estimate


def year(text, column, record, problems, required=True):
    text = (text or "").strip().strip("()")
    if not text:
        if required:
            problems.append(Problem(record.line, column, "a year is required"))
        return None
    if not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2100:
        problems.append(Problem(record.line, column, f"{text!r} is not a year"))
        return None
    return int(text)


def partial_date(text, precision, column, record, problems):
    """'2025-10-17' / '2025-10' / '2025' with its precision column; returns (date, precision)."""
    text = (text or "").strip()
    if not text:
        return None, ""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    try:
        if not match:
            raise ValueError
        y, m, d = (int(g) if g else None for g in match.groups())
        value = datetime.date(y, m or 1, d or 1)
    except ValueError:
        problems.append(Problem(record.line, column, f"{text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"))
        return None, ""
    shape = DatePrecision.DAY if d else DatePrecision.MONTH if m else DatePrecision.YEAR
    precision = (precision or "").strip().lower() or shape
    if precision not in DatePrecision.values:
        problems.append(Problem(record.line, f"{column}_precision", f"{precision!r} is not day, month or year"))
        return None, ""
    return value, precision


def choice(text, choices, column, record, problems, default=None):
    """A value given by its code or its label, any case."""
    text = (text or "").strip()
    if not text:
        return default
    by_name = {str(v).lower(): v for v in choices.values} | {label.lower(): v for v, label in choices.choices}
    if text.lower() in by_name:
        return by_name[text.lower()]
    problems.append(Problem(record.line, column, f"{text!r} is not one of: {', '.join(map(str, choices.values))}"))
    return default


def yes_no(text):
    return (text or "").strip().lower() in {"yes", "y", "true", "1", "?"}


# --------------------------------------------------------------- the engine


class Importer:
    """Reads one file into a plan, and applies the plan."""

    def __init__(self, kind, text, file_name, *, file_format=None, publish=False, user=None):
        self.kind, self.text, self.file_name = kind, text, file_name
        self.publish, self.user = publish, user
        if file_format and file_format not in KIND_FORMATS[kind]:
            raise ImportFailed(f"Format {file_format!r} does not hold {kind}; use one of {KIND_FORMATS[kind]}.")
        self.file_format, self.header, self.preamble = split(text, file_format)
        if self.file_format not in KIND_FORMATS[kind]:
            raise ImportFailed(f"This file is a {FORMATS[self.file_format]}, not a file of {kind}.")
        self.countries = CountryResolver()
        self.types = {t.slug: t for t in EquipmentType.objects.all()}
        self.type_names = {t.name.lower(): t for t in self.types.values()}
        self.notes = []
        self.sources = {}  # key -> dict of Source fields

    # -------------------------------------------------------------- planning

    def plan(self):
        """Planned records, one at a time (the file is read again on each call), duplicates flagged."""
        self.notes = []
        parse = {
            "requests": self.parse_ours,
            "deployments": self.parse_ours,
            "sipri-classic": self.parse_sipri_classic,
            "sipri-current": self.parse_sipri_current,
        }[self.file_format]
        seen = {}
        for record in parse():
            if record.key in seen:
                record.problems.append(
                    Problem(record.lines[0], "", f"duplicate of the record on line {seen[record.key]}")
                )
            elif record.key[0] != "bad":
                seen[record.key] = record.lines[0]
            yield record

    def data_rows(self):
        """Data records after the header; blank lines skipped; a trailing footer (a lone text cell) set aside."""
        footer = []
        for record in islice(records(self.text), len(self.preamble) + 1, None):
            if not any(record.cells):
                continue
            if sum(1 for c in record.cells if c) == 1 and len(record.cells) < len(self.header.cells):
                footer.append(record)  # a footer if nothing but more of the same follows
                continue
            yield from footer
            footer.clear()
            yield record
        for record in footer:
            self.notes.append(f"line {record.line}: footer skipped ({record.cells[0][:60]!r})")

    def width_ok(self, record, problems):
        if len(record.cells) != len(self.header.cells):
            problems.append(
                Problem(record.line, "", f"row has {len(record.cells)} fields, the header has {len(self.header.cells)}")
            )
            return False
        return True

    def country(self, name, column, line, problems, required=True):
        if not name:
            if required:
                problems.append(Problem(line, column, "a country is required"))
            return None
        found = self.countries.resolve(name)
        if found is None:
            problems.append(Problem(line, column, f"unknown country {name!r} (add it as a non-state party first)"))
        return found

    def equipment_type(self, text, line, problems):
        found = self.types.get((text or "").strip().lower()) or self.type_names.get((text or "").strip().lower())
        if not found:
            problems.append(Problem(line, "equipment_type", f"unknown equipment type {text!r}"))
        return found

    # ------------------------------------------------------ our own format

    def parse_ours(self):
        columns = [c.strip().lower() for c in self.header.cells]
        expected = REQUEST_COLUMNS if self.file_format == "requests" else DEPLOYMENT_COLUMNS
        missing = [c for c in expected if c not in columns and c not in ("url", "request_id", "deployment_id")]
        if missing:
            raise ImportFailed(f"The header lacks the column(s): {', '.join(missing)}.")
        for _, group in contiguous(self.data_rows(), key=lambda r: r.cells[1] if len(r.cells) > 1 else r.line):
            rows, problems = [], []
            for record in group:
                if self.width_ok(record, problems):
                    rows.append((record, dict(zip(columns, (unescape(c) for c in record.cells), strict=True))))
            try:
                key = ("uid", uuid.UUID(group[0].cells[1]))
            except (ValueError, IndexError):
                key = ("bad", group[0].line)
                if rows:
                    problems.append(
                        Problem(group[0].line, "record_uid", f"{rows[0][1]['record_uid']!r} is not a record key")
                    )
            planned = Planned(
                key=key, lines=[r.line for r in group], raws=[r.raw for r in group], fields={}, problems=problems
            )
            if rows and not problems:
                if self.file_format == "requests":
                    self.fill_request(planned, rows)
                else:
                    self.fill_deployment(planned, rows[0])
            yield planned

    def fill_request(self, planned, rows):
        record, row = rows[0]
        p = planned.problems
        line = record.line
        date, precision = partial_date(row["date"], row["date_precision"], "date", record, p)
        requester = self.country(row["requester_iso2"] or row["requester"], "requester", line, p)
        supplier = self.country(row["asked_country_iso2"] or row["asked_country"], "asked_country", line, p)
        if requester and supplier and requester == supplier:
            p.append(Problem(line, "asked_country", "a country does not ask itself"))
        planned.fields = {
            "requester": requester,
            "supplier": supplier,
            "requested_by": ("person", row["requested_by"], requester),
            "addressed_to": ("person", row["addressed_to"], supplier),
            "date": normalise(date, precision),
            "date_precision": precision,
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
            planned.items.append(
                {
                    "equipment_type": self.equipment_type(item_row["equipment_type"], item_record.line, p),
                    "system": item_row["system"] or None,
                    "description": item_row["description"],
                    "help_kind": choice(item_row["kind_of_help"], HelpKind, "kind_of_help", item_record, p, "supply"),
                    "hedged": yes_no(item_row["hedged"]),
                    "quantity_requested": asked,
                    "quantity_delivered": delivered,
                }
            )
        self.cite_listed_sources(planned, row, record, p)

    def fill_deployment(self, planned, pair):
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
                Problem(
                    line, "longitude" if lon is None else "latitude", "coordinates need both latitude and longitude"
                )
            )
        elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            p.append(Problem(line, "latitude", f"({lat}, {lon}) is not a place on Earth"))
        planned.fields = {
            "country": self.country(
                row["deploying_country_iso2"] or row["deploying_country"], "deploying_country", line, p
            ),
            "host_country": self.country(
                row["host_country_iso2"] or row["host_country"], "host_country", line, p, False
            ),
            "equipment_type": self.equipment_type(row["equipment_type"], line, p) if row["equipment_type"] else None,
            "system": row["system"] or None,
            "unit": row["unit"],
            "description": row["description"],
            "quantity": quantity,
            "personnel": personnel,
            "location": row["location"],
            "region": row["region"],
            "latitude": coordinates[0],
            "longitude": coordinates[1],
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
        self.cite_listed_sources(planned, row, record, p)

    def cite_listed_sources(self, planned, row, record, problems):
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
            self.sources.setdefault(
                key,
                {"outlet": outlet, "title": title or outlet, "reliability": reliability or Reliability.F},
            )
            planned.citations.append((key, "", "", int(credibility)))

    # --------------------------------------------------------------- SIPRI

    def sipri_source(self):
        key = ("sipri", self.file_name)
        self.sources.setdefault(
            key,
            {
                "outlet": "SIPRI Arms Transfers Database",
                "title": f"Trade register export {self.file_name}",
                "kind": SourceKind.DATASET,
                "reliability": Reliability.B,
                "notes": "Imported file; SIPRI's estimates and uncertainty flags are kept in each record's notes.",
            },
        )
        return key

    def sipri_item(self, designation, description, category, line, problems, asked, delivered):
        slug = sipri_type_slug(category, description)
        if slug is None:
            slug = "other"
            self.notes.append(f"line {line}: equipment type of {designation!r} ({description!r}) not recognised: Other")
        if asked is not None and delivered is not None and delivered > asked:
            problems.append(Problem(line, "Number delivered", "exceeds the number ordered"))
        return {
            "equipment_type": self.types[slug],
            "system": designation or None,
            "system_type": self.types[slug],
            "description": " ".join(filter(None, [designation, description])) or "(not given)",
            "help_kind": HelpKind.NEW_SUPPLY,
            "hedged": False,
            "quantity_requested": asked,
            "quantity_delivered": delivered,
        }

    def parse_sipri_classic(self):
        source = self.sipri_source()
        for record in self.data_rows():
            p = []
            if not self.width_ok(record, p):
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
            requester = self.country(recipient, "Recipient", record.line, p)
            asked_country = self.country(supplier, "Supplier", record.line, p)
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
                self.sipri_deal(
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

    def parse_sipri_current(self):
        source = self.sipri_source()
        # One deal's rows come together; a deal met again later is reported as a duplicate.
        for deal_id, rows in contiguous(self.data_rows(), key=lambda r: r.cells[0]):
            p = []
            for record in rows:
                self.width_ok(record, p)
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
            requester = self.country(first["Recipient"], "Recipient", rows[0].line, p)
            asked_country = self.country(first["Supplier"], "Supplier", rows[0].line, p)
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
                self.sipri_deal(
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

    def sipri_deal(
        self,
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
        item = self.sipri_item(designation, description, category, line, problems, asked, delivered)
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


def normalise_key(text):
    return re.sub(r"\s+", " ", (text or "").strip().lower())


def unescape(cell):
    """Undo the export's formula neutralising: a leading apostrophe before = + - @ goes."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r\n":
        return cell[1:]
    return cell


# ---------------------------------------------------------------- applying


def run_import(kind, data, file_name, *, file_format=None, dry_run=False, skip_invalid=False, publish=False, user=None):
    """Check the whole file, then (unless a dry run, or a bad row without skip_invalid) write it; record the run.

    Records flow through in batches, so memory stays flat however long the file:
    a first pass checks every row and counts what would change, a second pass
    (real imports only) writes, both inside one transaction.
    """
    text, encoding = decode(data)
    importer = Importer(kind, text, file_name, file_format=file_format, publish=publish, user=user)
    outcome = Outcome(file_format=importer.file_format, encoding=encoding)
    with transaction.atomic():
        run = ImportRun.objects.create(
            user=user,
            file_name=file_name[:255],
            kind=kind,
            file_format=outcome.file_format,
            state=ImportState.PREVIEWED,
            publish=publish,
            skip_invalid=skip_invalid,
            content=text if dry_run else "",
        )
        writer = Writer(kind, importer, run, publish, user)
        bad_raws = []
        for batch in batches(importer.plan()):
            good = []
            for planned in batch:
                outcome.rows += len(planned.lines)
                if planned.problems:
                    outcome.problems += planned.problems
                    bad_raws += planned.raws
                else:
                    good.append(planned)
            writer.process(good, write=False)
        outcome.notes = importer.notes
        outcome.problems.sort(key=lambda pr: (pr.line, pr.column))
        if bad_raws:
            head = "".join(r.raw for r in [*importer.preamble, importer.header])
            outcome.rejects = head + "".join(bad_raws)
        writes = not dry_run and (not outcome.problems or skip_invalid)
        if writes:
            writer.reset()
            try:
                for batch in batches(importer.plan()):
                    writer.process([p for p in batch if not p.problems], write=True)
            except IntegrityError as error:  # a check the parser missed: nothing is kept
                raise ImportFailed(f"The database refused the import, nothing was written: {error}") from None
            outcome.applied = True
        outcome.created, outcome.updated, outcome.unchanged = writer.created, writer.updated, writer.unchanged
        run.state = ImportState.APPLIED if writes else ImportState.PREVIEWED if dry_run else ImportState.REFUSED
        run.rows, run.invalid = outcome.rows, outcome.invalid_rows
        run.created, run.updated, run.unchanged = outcome.created, outcome.updated, outcome.unchanged
        run.report = {
            "summary": outcome.summary(not writes),
            "problems": [pr.__dict__ for pr in outcome.problems[:MAX_PROBLEMS_STORED]],
            "notes": outcome.notes[:MAX_PROBLEMS_STORED],
            "rejects": outcome.rejects if dry_run else "",
            "encoding": encoding,
        }
        run.save()
    outcome.run = run
    return outcome


def batches(items, size=BATCH):
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


@dataclass(frozen=True)
class New:
    """A person or system the file names that the database does not hold yet."""

    kind: str
    key: tuple


FOREIGN_KEYS = {"requester", "supplier", "country", "host_country", "equipment_type"}


class Writer:
    """Matches planned records with the database a batch at a time; writes creates and updates in bulk, with history.

    Only keys are remembered between batches (designation -> system id, name -> person id),
    never the model instances, so memory does not grow with the file.
    """

    def __init__(self, kind, importer, run, publish, user):
        self.model = ArmsRequest if kind == ImportKind.REQUESTS else Deployment
        self.importer, self.run, self.publish, self.user = importer, run, publish, user
        self.reason = run.change_reason
        self.system_ids = {}  # designation lower -> pk, or New
        self.person_ids = {}  # (name lower, country pk) -> pk, or New
        self.sources = {}  # key -> Source (a file cites few)
        self.taken_slugs = None
        self.reset()

    def reset(self):
        self.created = self.updated = self.unchanged = 0

    # ----------------------------------------------------------------- match

    def process(self, planned, write):
        if not planned:
            return
        self.lookup_systems(planned)
        self.lookup_people(planned)
        self.lookup_sources()
        existing = self.existing(planned)
        ids = [obj.pk for obj in existing.values()]
        items = defaultdict(list)
        if self.model is ArmsRequest and ids:
            for item in RequestItem.objects.filter(request__in=ids).order_by("id"):
                items[item.request_id].append(item_tuple(item))
        cited = defaultdict(set)
        field = self.model.citation_field
        for record_id, source_id in Citation.objects.filter(**{f"{field}__in": ids}).values_list(field, "source_id"):
            cited[record_id].add(source_id)
        to_create, to_update = [], []
        for p in planned:
            values = self.values(p)
            obj = existing.get(p.key)
            if obj is None:
                to_create.append((p, values))
                continue
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            new_items = [self.item_tuple(i) for i in p.items]
            replace_items = self.model is ArmsRequest and new_items != items[obj.pk]
            new_citations = [c for c in p.citations if not self.source_known(c[0], cited[obj.pk])]
            if self.publish and not obj.published:
                changed.append("published")
            if changed or replace_items or new_citations:
                to_update.append((p, obj, values, changed, replace_items, new_citations))
            else:
                self.unchanged += 1
        self.created += len(to_create)
        self.updated += len(to_update)
        if write:
            # Replacing items deletes them one by one, with signals: refresh each request once instead.
            with refresh_later():
                self.write(to_create, to_update)

    def existing(self, planned):
        found = {}
        for name in ("uid", "external_id"):
            keys = [p.key[1] for p in planned if p.key[0] == name]
            if keys:
                for obj in self.model.objects.filter(**{f"{name}__in": keys}):
                    found[(name, getattr(obj, name))] = obj
        return found

    def source_known(self, key, source_ids):
        source = self.sources.get(key)
        return source is not None and source.pk in source_ids

    def values(self, planned):
        """Field values as the database stores them: foreign keys by id."""
        values = {}
        for name, value in planned.fields.items():
            if isinstance(value, tuple) and value and value[0] == "person":
                values[f"{name}_id"] = self.person_ids.get(person_key(value[1], value[2])) if value[1] else None
            elif name == "system":
                values["system_id"] = self.system_ids.get(value.lower()) if value else None
            elif name in FOREIGN_KEYS:
                values[f"{name}_id"] = value.pk if value else None
            else:
                values[name] = value
        values[planned.key[0]] = planned.key[1]
        return values

    def item_tuple(self, item):
        return (
            item["equipment_type"].pk,
            self.system_ids.get(item["system"].lower()) if item["system"] else None,
            item["description"],
            item["help_kind"],
            item["hedged"],
            item["quantity_requested"],
            item["quantity_delivered"],
        )

    def lookup_systems(self, planned):
        wanted = {}
        for p in planned:
            for item in p.items:
                if item["system"]:
                    wanted[item["system"].lower()] = (item["system"], item.get("system_type") or item["equipment_type"])
            system = p.fields.get("system")
            if system:
                fallback = p.fields.get("equipment_type") or self.importer.types["other"]
                wanted[system.lower()] = (system, fallback)
        unknown = [key for key in wanted if key not in self.system_ids]
        if unknown:
            for key, pk in (
                System.objects.annotate(key=Lower("designation")).filter(key__in=unknown).values_list("key", "pk")
            ):
                self.system_ids[key] = pk
            for key in unknown:
                self.system_ids.setdefault(key, New("system", wanted[key]))

    def lookup_people(self, planned):
        wanted = {}
        for p in planned:
            for value in p.fields.values():
                if isinstance(value, tuple) and value and value[0] == "person" and value[1]:
                    wanted[person_key(value[1], value[2])] = (value[1], value[2])
        unknown = {key: v for key, v in wanted.items() if key not in self.person_ids}
        if not unknown:
            return
        by_name = defaultdict(list)
        names = {name for name, _ in unknown}
        for key, pk, country_id in (
            Person.objects.annotate(key=Lower("name")).filter(key__in=names).values_list("key", "pk", "country_id")
        ):
            by_name[key].append((pk, country_id))
        for key, (name, country) in unknown.items():
            candidates = by_name.get(key[0], [])
            same_country = [pk for pk, country_id in candidates if country_id == key[1]]
            if same_country or len(candidates) == 1:
                self.person_ids[key] = (same_country or [candidates[0][0]])[0]
            else:
                self.person_ids[key] = New("person", (name, country))

    def lookup_sources(self):
        for key, fields in self.importer.sources.items():
            if key not in self.sources:
                found = Source.objects.filter(outlet=fields["outlet"], title=fields["title"]).first()
                self.sources[key] = found or Source(**fields)

    # ----------------------------------------------------------------- write

    def create(self, model, objects):
        return bulk_create_with_history(
            objects, model, batch_size=BATCH, default_user=self.user, default_change_reason=self.reason
        )

    def write(self, to_create, to_update):
        new_sources = [s for s in self.sources.values() if s.pk is None]
        if new_sources:
            self.create(Source, new_sources)
        self.create_missing(
            System, "system", lambda key: System(designation=key[0], equipment_type=key[1], slug=self.slugs[key[0]])
        )
        self.create_missing(Person, "person", lambda key: Person(name=key[0], country=key[1]))
        records = [
            self.model(**self.resolved(values), published=self.publish and bool(p.citations)) for p, values in to_create
        ]
        self.create(self.model, records)
        items, citations = [], []
        for (p, _), record in zip(to_create, records, strict=True):
            items += self.items_for(p, record)
            citations += self.citations_for(p.citations, record)
        updates, fields = [], set()
        for p, obj, values, changed, replace_items, new_citations in to_update:
            resolved = self.resolved(values)
            for name in changed:
                setattr(obj, name, True if name == "published" else resolved[name])
            fields.update(changed)
            updates.append(obj)
            if replace_items:
                RequestItem.objects.filter(request=obj).delete()
                items += self.items_for(p, obj)
            citations += self.citations_for(new_citations, obj)
        if updates and fields:
            bulk_update_with_history(
                updates,
                self.model,
                sorted(fields | {"updated_at"}),
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=self.reason,
            )
        self.create(RequestItem, items)
        self.create(Citation, citations)
        if self.model is ArmsRequest:  # bulk writes send no signals
            refresh_search_text([record.pk for record in records] + [obj.pk for _, obj, *_ in to_update])

    def create_missing(self, model, kind, build):
        """Create the people or systems this batch names that are still New; remember their ids."""
        ids = self.person_ids if kind == "person" else self.system_ids
        missing = {key: marker for key, marker in ids.items() if isinstance(marker, New)}
        if not missing:
            return
        if kind == "system":
            self.reserve_slugs([marker.key[0] for marker in missing.values()])
        objects = [build(marker.key) for marker in missing.values()]
        self.create(model, objects)
        for key, obj in zip(missing, objects, strict=True):
            ids[key] = obj.pk

    def reserve_slugs(self, designations):
        """Free slugs for new systems. The catalogue of systems is small (thousands), so its slugs are read once."""
        if self.taken_slugs is None:
            self.taken_slugs = set(System.objects.values_list("slug", flat=True))
        self.slugs = {}
        for designation in designations:
            base = slugify(designation)[:120] or "system"
            slug, n = base, 1
            while slug in self.taken_slugs:
                n += 1
                slug = f"{base}-{n}"
            self.taken_slugs.add(slug)
            self.slugs[designation] = slug

    def resolved(self, values):
        """Values with people and systems created in this batch replaced by their ids."""
        out = {}
        for name, value in values.items():
            if name in ("requested_by_id", "addressed_to_id") and isinstance(value, New):
                value = self.person_ids[person_key(*value.key)]
            elif name == "system_id" and isinstance(value, New):
                value = self.system_ids[value.key[0].lower()]
            out[name] = value
        return out

    def items_for(self, planned, record):
        return [
            RequestItem(
                request=record,
                equipment_type=item["equipment_type"],
                system_id=self.system_ids[item["system"].lower()] if item["system"] else None,
                description=item["description"][:500],
                help_kind=item["help_kind"],
                hedged=item["hedged"],
                quantity_requested=item["quantity_requested"],
                quantity_delivered=item["quantity_delivered"],
            )
            for item in planned.items
        ]

    def citations_for(self, citations, record):
        field = self.model.citation_field
        return [
            Citation(
                source=self.sources[key], quote=quote, location=location, credibility=credibility, **{field: record}
            )
            for key, quote, location, credibility in citations
        ]


def person_key(name, country):
    return (name.strip().lower(), country.pk if country else None)


def item_tuple(item):
    return (
        item.equipment_type_id,
        item.system_id,
        item.description,
        item.help_kind,
        item.hedged,
        item.quantity_requested,
        item.quantity_delivered,
    )
