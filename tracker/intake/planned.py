"""What reading a file produces: planned records, each with the problems (line, column, reason) found in it."""

import hashlib
from array import array
from dataclasses import dataclass, field


def key_digest(key):
    """A record's key as a 128-bit number: two keys of a file share one by chance with odds below 1e-25."""
    return int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=16).digest(), "big")


class DigestTable:
    """128-bit digests -> a number (the line a key was first met on, the deals of a group so far), in flat
    arrays: 27 to 53 bytes a digest, where a dict of int to int holds 110 in objects the allocator cannot give
    back (60 MB for a 530,000-row register).
    """

    def __init__(self, size=2**12):
        self.mask, self.size = size - 1, 0
        self.high, self.low, self.values = array("Q", bytes(8 * size)), array("Q", bytes(8 * size)), array("I")
        self.values.frombytes(bytes(self.values.itemsize * size))

    def first(self, digest, line):
        """The line the digest was first met on, or None (and the digest is kept with `line`)."""
        i, found = self.slot(digest)
        return self.values[i] if found else self.put(i, digest, line)

    def count(self, digest):
        """How many times the digest has been counted, this time included."""
        i, found = self.slot(digest)
        if not found:
            self.put(i, digest, 1)
            return 1
        self.values[i] += 1
        return self.values[i]

    def slot(self, digest):
        high, low = digest >> 64, (digest & (2**64 - 1)) or 1  # low is never 0: 0 marks a free slot
        i = low & self.mask
        while self.low[i]:
            if self.low[i] == low and self.high[i] == high:
                return i, True
            i = (i + 1) & self.mask
        return i, False

    def put(self, i, digest, value):
        self.high[i], self.low[i], self.values[i] = digest >> 64, (digest & (2**64 - 1)) or 1, value
        self.size += 1
        if self.size * 4 > self.mask * 3:  # three quarters full at most: probes stay short
            old = zip(self.high, self.low, self.values, strict=True)
            self.__init__((self.mask + 1) * 2)
            for high, low, kept in old:
                if low:
                    self.put(self.slot((high << 64) | low)[0], (high << 64) | low, kept)


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
