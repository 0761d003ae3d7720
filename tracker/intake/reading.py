"""Reading a file (decoded by tracker.intake.decoding): its CSV records with their line numbers and exact text,
its header and format."""

import csv
import io
from dataclasses import dataclass
from itertools import islice

from tracker.columns import looks_like_formula, unescape
from tracker.models import (
    ImportKind,
)

from .decoding import MAX_LINE, ImportFailed, TextFile, decode  # noqa: F401 (read from here by callers and tests)

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


@dataclass
class Record:
    """One CSV record with the lines it came from, kept verbatim for the rejects file."""

    line: int
    raw: str
    cells: list


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

    text is a str or a TextFile (read line by line). A malformed record (a quote never closed, a field
    over csv.field_size_limit(), a carriage return alone inside a field) stops the reading with a
    message naming its line, and its field (by its header name when names are given).
    """
    pending = []

    def feed():
        size = 0
        for line in lines_of(text) if isinstance(text, str) else text.lines():
            size = size + len(line) if pending else len(line)
            if size > MAX_LINE:  # many lines inside quotes: as costly as one long line
                raise ImportFailed(f"Line {start}: a row over {MAX_LINE:,} characters long, longer than any we read.")
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


def contiguous(items, key, most=1000):
    """Runs of consecutive items with the same key, as (key, [items]); a run ends after `most` items
    (one request's rows, one deal's years are never that many), so that the next is a duplicate key."""
    run, run_key = [], None
    for item in items:
        k = key(item)
        if run and (k != run_key or len(run) == most):
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
    return "".join(guarded_records(text))


def guarded_records(text):
    """guarded(), a record at a time, from a str or a TextFile."""
    for raw in (record.raw for record in records(text)):
        cells = next(csv.reader(raw.splitlines(keepends=True)), [])
        safe = [guard_cell(cell) for cell in cells]
        if safe == cells:
            yield raw
            continue
        ending = "\r\n" if raw.endswith("\r\n") else "\n" if raw.endswith("\n") else ""
        line = io.StringIO()
        csv.writer(line, lineterminator="\r\n").writerow(safe)  # CRLF: a cell holding a CR is quoted too
        yield line.getvalue()[:-2] + ending


def guard_cell(cell):
    """A cell safe in a spreadsheet that the importer reads as before (it strips cells, then unescapes)."""
    text = cell.strip()
    if text[:1] != "'" and looks_like_formula(text):
        return "'" + text
    return text if text != cell and looks_like_formula(cell) else cell  # "\tx": a tab would start a formula
