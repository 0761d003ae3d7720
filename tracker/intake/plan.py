"""Planning: a file read into planned records, one at a time, each with its problems; nothing is written here."""

from itertools import islice

from tracker.models import (
    EquipmentType,
)

from .country_names import CountryResolver
from .formats import PARSERS
from .formats.ours import known_columns
from .formats.sipri_classic import SIPRI_CLASSIC
from .formats.sipri_current import SIPRI_CURRENT
from .matching import DealMatcher
from .planned import DigestTable, Problem, key_digest
from .reading import FORMATS, KIND_FORMATS, ImportFailed, records, rejoined, split

FOOTER_LINES = 50  # a register's footer is a few lines; more lone cells than that are rows, not a footer
NOTES_OF_LINES = 200  # notes about one line each ("line 12: footer skipped") past these are only counted
SHOWN = 10  # column names named in a note


class Notes(list):
    """The import's notes; past NOTES_OF_LINES, notes about single lines are counted, not kept."""

    more = 0

    def append(self, note):
        if len(self) >= NOTES_OF_LINES and note.startswith("line "):
            self.more += 1
        else:
            super().append(note)

    def kept(self):
        return [*self, *([f"… and {self.more:,} more notes about single lines."] if self.more else [])]


def names(columns):
    shown = ", ".join(repr(c[:40] + ("…" if len(c) > 40 else "")) for c in columns[:SHOWN])
    return shown + (f" … and {len(columns) - SHOWN:,} more" if len(columns) > SHOWN else "")


class Importer:
    """Reads one file into a plan: what every format shares (the header, rows, countries, types, sources)."""

    def __init__(self, kind, text, file_name, *, file_format=None, publish=False, user=None):
        """text: a str, or a TextFile (tracker.intake.decoding) read again, line by line, on each pass."""
        self.kind, self.text, self.file_name = kind, text, file_name
        self.publish, self.user = publish, user
        if file_format and file_format not in KIND_FORMATS[kind]:
            raise ImportFailed(f"Format {file_format!r} does not hold {kind}; use one of {KIND_FORMATS[kind]}.")
        self.file_format, self.header, self.preamble = split(text, file_format)
        if self.file_format not in KIND_FORMATS[kind]:
            raise ImportFailed(f"This file is a {FORMATS[self.file_format]}, not a file of {kind}.")
        self.columns_note = self.check_columns()
        self.countries = CountryResolver()
        self.types = {t.slug: t for t in EquipmentType.objects.all()}
        self.type_names = {t.name.lower(): t for t in self.types.values()}
        self.notes = Notes()
        self.sources = {}  # key -> dict of Source fields
        self.matcher = DealMatcher(self) if self.file_format.startswith("sipri") else None

    # -------------------------------------------------------------- planning

    def plan(self):
        """Planned records, one at a time (the file is read again on each call), duplicates flagged."""
        parse = PARSERS[self.file_format]
        if self.matcher and not self.matcher.prepared:  # once per import: both passes pair deals alike
            self.matcher.prepare(self.file_format, lambda: parse(self))
        self.notes = Notes([self.columns_note] if self.columns_note else [])
        if self.matcher:
            self.matcher.reset()
        seen = DigestTable()  # digest of a key -> its first line
        for record in parse(self):
            if record.key[0] != "bad" and (first := seen.first(key_digest(record.key), record.lines[0])):
                record.problems.append(Problem(record.lines[0], "", f"duplicate of the record on line {first}"))
            if self.matcher:
                if not self.matcher.counted:
                    self.matcher.observe(record)  # no first reading: count groups for the rejects file
                self.matcher.settle(record)
            yield record
        if self.matcher:
            self.matcher.report(self.notes)

    def data_rows(self):
        """Data records after the header; blank lines skipped; a trailing footer (a lone text cell) set aside."""
        footer = []
        rows = islice(records(self.text, self.header.cells), len(self.preamble) + 1, None)
        for record in rejoined(rows, len(self.header.cells)):
            if not any(record.cells):
                continue
            if sum(1 for c in record.cells if c) == 1 and len(record.cells) < len(self.header.cells):
                footer.append(record)  # a footer if nothing but more of the same follows
                if len(footer) > FOOTER_LINES:  # not a footer: held no longer
                    yield from footer
                    footer.clear()
                continue
            yield from footer
            footer.clear()
            yield record
        for record in footer:
            self.notes.append(f"line {record.line}: footer skipped ({record.cells[0][:60]!r})")

    def check_columns(self):
        """A note naming the columns of our CSV that nothing reads; a SIPRI header must be SIPRI's, as
        its columns are read by their place."""
        names_found = [c.strip() for c in self.header.cells]
        if self.file_format.startswith("sipri"):
            layout = SIPRI_CLASSIC if self.file_format == "sipri-classic" else SIPRI_CURRENT
            unknown = [c for c in names_found if c.lower() not in {n.lower() for n in layout}]
            missing = [n for n in layout if n.lower() not in {c.lower() for c in names_found}]
            if unknown or missing or len(names_found) != len(layout):
                raise ImportFailed(
                    f"The header is not that of a {FORMATS[self.file_format]}: it has {len(names_found):,} "
                    f"column(s), SIPRI's has {len(layout)}"
                    + (f"; unknown: {names(unknown)}" if unknown else "")
                    + (f"; missing: {names(missing)}" if missing else "")
                    + ". Upload the file as SIPRI exported it."
                )
            return None
        known = known_columns(self.file_format)
        unknown = [c for c in names_found if c.lower() not in known]
        if not unknown:
            return None
        return (
            f"{len(unknown):,} of the header's {len(names_found):,} columns are not ours and are ignored: "
            f"{names(unknown)}."
        )

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
