"""What reading a file produces: planned records, each with the problems (line, column, reason) found in it."""

from dataclasses import dataclass, field


@dataclass
class Problem:
    line: int
    column: str
    reason: str

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
