"""What reading a file produces: planned records, each with the problems (line, column, reason) found in it."""

import hashlib
from array import array
from dataclasses import dataclass, field


def key_digest(key):
    """A record's key as a 128-bit number: two keys of a file share one by chance with odds below 1e-25."""
    return int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=16).digest(), "big")


class FirstLines:
    """Key digests -> the line each was first met on, in flat arrays: 27 to 53 bytes a key, where a dict of
    int to int holds 110 in objects the allocator cannot give back (60 MB for a 530,000-row register).
    """

    def __init__(self, size=2**12):
        self.mask, self.count = size - 1, 0
        self.high, self.low, self.lines = array("Q", bytes(8 * size)), array("Q", bytes(8 * size)), array("I")
        self.lines.frombytes(bytes(self.lines.itemsize * size))

    def first(self, digest, line):
        """The line the digest was first met on, or None (and the digest is kept with `line`)."""
        high, low = digest >> 64, (digest & (2**64 - 1)) or 1  # low is never 0: 0 marks a free slot
        i = low & self.mask
        while self.low[i]:
            if self.low[i] == low and self.high[i] == high:
                return self.lines[i]
            i = (i + 1) & self.mask
        self.high[i], self.low[i], self.lines[i] = high, low, line
        self.count += 1
        if self.count * 4 > self.mask * 3:  # three quarters full at most: probes stay short
            self.grow()
        return None

    def grow(self):
        old = zip(self.high, self.low, self.lines, strict=True)
        self.__init__((self.mask + 1) * 2)
        for high, low, line in old:
            if low:
                self.first((high << 64) | low, line)


REASON_CHARS = 500  # a reason quotes the bad value, which may be a whole 128 KB cell


@dataclass
class Problem:
    line: int
    column: str
    reason: str

    def __post_init__(self):
        self.column = self.column[:100]
        if len(self.reason) > REASON_CHARS:
            self.reason = self.reason[:REASON_CHARS] + "… (cut short)"

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


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
    # SIPRI deals only (tracker/intake/matching.py): the same deal in the other layout is the one record
    # with the same (requester id, supplier id, order year, designation); a classic deal is one of the
    # deals sharing recipient, supplier, order year, designation and description (group digest, ordinal);
    # legacy: the parts of the key older versions gave it.
    match: tuple | None = None
    group: tuple | None = None
    legacy: tuple | None = None
    keep_values: bool = False  # the record holds a newer edition: cite this one, change nothing else
