"""Reading a file: its encoding, its CSV records with their line numbers and exact text, its header and format."""

import csv
import io
import re
from dataclasses import dataclass
from itertools import islice

from tracker.columns import looks_like_formula, unescape
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


# The first bytes of files people upload by mistake instead of a CSV.
SIGNATURES = {
    b"\x1f\x8b": "gzip-compressed data: unpack it first",
    b"PK\x03\x04": "a zip archive or an Excel/OpenDocument workbook: save the sheet as CSV",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls): save the sheet as CSV",
    b"%PDF": "a PDF document",
    b"BZh": "bzip2-compressed data: unpack it first",
    b"\xfd7zXZ\x00": "xz-compressed data: unpack it first",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive: unpack it first",
}
CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")  # never in text (tab, line breaks, \x0b, \x0c may be)
SNIFF = 65536  # characters looked at to tell text from binary data


def decode(data):
    """(text, encoding): UTF-8 (with or without BOM), UTF-16 (with or without BOM), else Windows-1252/Latin-1, as
    SIPRI's files often are. Binary data (a compressed file, a workbook) and NUL bytes are refused, by line."""
    if isinstance(data, str):
        return checked(data), "utf-8"
    for signature, what in SIGNATURES.items():
        if data.startswith(signature):
            raise ImportFailed(f"This is not a text CSV file: it looks like {what}.")
    utf16 = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_without_bom(data)
    if utf16:
        try:
            return checked(data.decode(utf16)), utf16
        except UnicodeDecodeError:
            raise ImportFailed("This is not a text CSV file: it starts like UTF-16 text but is not.") from None
    for encoding in ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8", "cp1252"):
        try:
            return checked(data.decode(encoding)), encoding
        except UnicodeDecodeError:
            continue
    return checked(data.decode("latin-1")), "latin-1"


def utf16_without_bom(data):
    """'utf-16-le' or 'utf-16-be' when the file is UTF-16 text without a byte-order mark, else None.

    Text in a Latin script saved as UTF-16 has a NUL byte in every other position (after each
    character in little-endian, before it in big-endian); nothing else we read looks like that.
    """
    head = data[: SNIFF * 2]
    half = len(head) // 2
    if half < 2:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd > half * 0.9 and even < half * 0.1:
        return "utf-16-le"
    if even > half * 0.9 and odd < half * 0.1:
        return "utf-16-be"
    return None


def line_at(text, index):
    return text.count("\n", 0, index) + 1


def checked(text):
    """The text, if it is text: binary data, or a NUL anywhere, is refused with the line it is on."""
    head = text[:SNIFF]
    controls = len(CONTROL.findall(head))
    if controls > max(8, len(head) // 100):
        first = CONTROL.search(head).start()
        raise ImportFailed(
            f"This is not a text CSV file: it holds binary data ({controls} control characters in its first "
            f"{len(head):,} characters, the first on line {line_at(text, first)})."
        )
    nul = text.find("\x00")
    if nul != -1:
        raise ImportFailed(
            f"Line {line_at(text, nul)} holds a NUL byte (\\x00), which no CSV cell may contain: "
            "the file is damaged or not a text CSV file."
        )
    return text


def lines_of(text):
    """The text's lines, one at a time, without copying it whole (io.StringIO would, four bytes a character)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        end = size if end == -1 else end + 1
        yield text[start:end]
        start = end


def records(text, names=()):
    """CSV records with their first line number and their exact text (a record may span lines).

    A malformed record (a quote never closed, a field over csv.field_size_limit(), a carriage
    return alone inside a field) stops the reading with a message naming its line, and its field
    (by its header name when names are given).
    """
    pending = []

    def feed():
        for line in lines_of(text):
            pending.append(line)
            yield line

    reader = csv.reader(feed(), strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFailed(malformed(str(error), start, "".join(pending), names)) from None
        raw = "".join(pending)
        pending.clear()
        yield Record(line=start, raw=raw, cells=[unescape(c.strip()) for c in cells])
        start = reader.line_num + 1


def malformed(error, start, raw, names):
    """What is wrong with the record that starts on line `start` and whose text so far is raw."""
    line = start + raw.count("\n", 0, max(len(raw) - 1, 0))
    if "end of data" in error:
        return (
            f"Line {start}: a quoted field opens on this line and is never closed "
            '(a missing closing quote "); the rest of the file would be read as one cell.'
        )
    if "field limit" in error:
        return (
            f"Line {line}, {field_label(raw, names)}: a cell longer than {csv.field_size_limit():,} characters, "
            "more than any cell we store; is a quote missing before it?"
        )
    if "new-line character" in error:
        return f"Line {line}: a carriage return (CR) alone inside a cell; save the file with ordinary line endings."
    if "expected after" in error:
        return (
            f"Line {line}, {field_label(raw, names)}: text follows the closing quote of a quoted cell; "
            'a quote inside a quoted cell is written twice ("").'
        )
    return f"Line {line}: not valid CSV ({error})."


def field_label(raw, names):
    """'field 15 ('description')': the bad field of a record, by its number and its header name if known."""
    number = bad_field(raw, csv.field_size_limit())
    return f"field {number}" + (f" ({names[number - 1]!r})" if number <= len(names) else "")


def bad_field(raw, limit):
    """The number (1, 2, …) of the record's first field that is over limit or has text after its closing quote."""
    number, length, quoted, closed, i = 1, 0, False, False, 0
    while i < len(raw):
        char = raw[i]
        if quoted:
            if char == '"' and raw[i + 1 : i + 2] == '"':
                length, i = length + 1, i + 1  # a doubled quote: one character of the cell
            elif char == '"':
                quoted, closed = False, True
            else:
                length += 1
        elif char == ",":
            number, length, closed = number + 1, 0, False
        elif char == '"' and length == 0 and not closed:
            quoted = True
        elif char not in "\r\n":
            if closed:
                return number
            length += 1
        if length > limit:
            return number
        i += 1
    return number


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


def rejoined(rows, width):
    """Records with a line break left unquoted inside a cell (SIPRI's Comments) put back together.

    A record short of fields is joined to the next one only when together they have exactly the
    header's width (the last cell of the first and the first of the second were one cell, split at
    the line break); otherwise both go on as they were, and the short one is a bad row naming its line.
    """
    short = None
    for record in rows:
        if short is not None:
            if len(short.cells) + len(record.cells) - 1 == width and len(record.cells) > 1:
                cells = [*short.cells[:-1], f"{short.cells[-1]}\n{record.cells[0]}".strip(), *record.cells[1:]]
                yield Record(line=short.line, raw=short.raw + record.raw, cells=cells)
                short = None
                continue
            yield short
            short = None
        if 1 < len(record.cells) < width:
            short = record
        else:
            yield record
    if short is not None:
        yield short


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


def guarded(text):
    """Rejected rows as a file safe to open in a spreadsheet, and still importable as they were.

    A cell that looks like a formula gets the export's leading apostrophe (tracker.columns.guard),
    which the importer takes off again; records without one stay byte for byte.
    """
    out = []
    for raw in (record.raw for record in records(text)):
        cells = next(csv.reader(raw.splitlines(keepends=True)), [])
        safe = [guard_cell(cell) for cell in cells]
        if safe == cells:
            out.append(raw)
            continue
        ending = "\r\n" if raw.endswith("\r\n") else "\n" if raw.endswith("\n") else ""
        line = io.StringIO()
        csv.writer(line, lineterminator="\r\n").writerow(safe)  # CRLF: a cell holding a CR is quoted too
        out.append(line.getvalue()[:-2] + ending)
    return "".join(out)


def guard_cell(cell):
    """A cell safe in a spreadsheet that the importer reads as before (it strips cells, then unescapes)."""
    text = cell.strip()
    if text[:1] != "'" and looks_like_formula(text):
        return "'" + text
    return text if text != cell and looks_like_formula(cell) else cell  # "\tx": a tab would start a formula
