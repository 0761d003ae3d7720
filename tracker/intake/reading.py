"""Reading a file: its encoding, its CSV records with their line numbers and exact text, its header and format."""

import csv
from dataclasses import dataclass
from itertools import islice

from tracker.models import (
    ImportKind,
)

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


class ImportFailed(Exception):
    """The file cannot be read at all (no header we know, empty, undecodable)."""


@dataclass
class Record:
    """One CSV record with the lines it came from, kept verbatim for the rejects file."""

    line: int
    raw: str
    cells: list


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
