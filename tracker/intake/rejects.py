"""The rejects file: the bad rows after the file's title lines and header, in file order, spooled to a
temporary file as they are found (a file of bad rows is never held in memory), guarded when written out."""

import codecs
import heapq
import tempfile

from .decoding import CHUNK, TextFile
from .formats.sipri_classic import group_of
from .reading import guarded_records


class Rejects:
    """A rejected classic-layout deal that shares recipient, supplier, order year, designation and
    description with other deals of the file goes out with them: its key is its ordinal among them
    (tracker/intake/matching.py), so without them importing the fixed row could take another's place.
    Importing those companions again leaves them unchanged.
    """

    def __init__(self, importer):
        self.importer = importer
        self.spool = tempfile.TemporaryFile()  # noqa: SIM115 (kept for the import): "<line> <group> <size>\n" + record
        self.count = 0  # bad records
        self.grouped = False
        self.file = None  # once finished: the rejects file, UTF-8, unguarded

    def __bool__(self):
        return self.count > 0

    def add(self, planned):
        if not planned.problems:
            return
        group = planned.group[0] if planned.group else "-"
        for line, raw in zip(planned.lines, planned.raws, strict=True):
            data = raw.encode("utf-8", "surrogatepass")
            self.spool.write(f"{line} {group} {len(data)}\n".encode() + data)
        self.count += 1
        self.grouped |= group != "-"

    def entries(self):
        """(line, group, record text) of the bad rows, in file order."""
        self.spool.seek(0)
        while head := self.spool.readline():
            line, group, size = head.split()
            yield int(line), group.decode(), self.spool.read(int(size)).decode("utf-8", "surrogatepass")

    def finish(self, notes):
        """Write the rejects file (title lines, header, bad rows and their companions) to a temporary file."""
        if not self:
            return
        groups = set()
        if self.grouped:  # rare: read the file again for the deals that tell the rejected ones apart
            shared = self.importer.matcher.file_groups
            groups = {g for _, g, _ in self.entries() if g != "-" and shared.get(int(g, 16), 1) > 1}
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (read by the caller after the import)
        head = "".join(r.raw for r in [*self.importer.preamble, self.importer.header])
        self.file.write(head.encode("utf-8", "surrogatepass"))
        bad = ((line, raw) for line, _, raw in self.entries())
        companions = self.companions(groups) if groups else iter(())
        last, extra = None, 0
        tagged = ((line, raw, True) for line, raw in bad), ((line, raw, False) for line, raw in companions)
        for line, raw, is_bad in heapq.merge(*tagged, key=lambda entry: entry[0]):  # on a tie, the bad row
            if line == last:  # a bad row is no companion of its own
                continue
            last, extra = line, extra + (not is_bad)
            self.file.write(raw.encode("utf-8", "surrogatepass"))
        self.spool.close()
        if groups:
            notes.append(
                f"the bad rows go out with {extra} imported row(s) of deals sharing their recipient, supplier, "
                "order year, designation and description, which tell them apart; importing those leaves them unchanged"
            )

    def companions(self, groups):
        width = len(self.importer.header.cells)
        for record in self.importer.data_rows():
            if len(record.cells) == width and group_of(record) in groups:
                yield record.line, record.raw

    def chunks(self):
        """The rejects file as written, UTF-8 bytes, a chunk at a time."""
        self.file.seek(0)
        while chunk := self.file.read(CHUNK):
            yield chunk


def guarded_bytes(file, encoding):
    """A rejects file (a binary file of UTF-8 text) guarded for spreadsheets, in the original file's encoding."""
    encoder = codecs.getincrementalencoder(encoding)()
    batch = []
    for record in guarded_records(TextFile(file, "utf-8")):
        batch.append(record)
        if len(batch) >= 1000:
            yield encoder.encode("".join(batch))
            batch = []
    yield encoder.encode("".join(batch), final=True)
