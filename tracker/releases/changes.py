"""CHANGES.csv against the previous release, and the spans that say which releases hold each record.

Both releases' JSON Lines files are in id order, so the two are read side by side, one line of each at a
time (a merge), in bounded memory whatever their size. A record is

- added: in this release, not in the previous one (new, or published again);
- withdrawn: in the previous one, not in this (unpublished, or deleted);
- changed: in both, and its line differs other than in its links (url, html_url: the site's address may
  move) and its sources' evidence (captured_at, capture_sha256, gone, gone_checked_at: a link check is
  not a change of the record). last_changed is in the line, so a record whose last-changed time moved is
  changed; so is one whose content differs (a country renamed, a source's title corrected).

The previous release's files are hashed as they are read: one that no longer matches its manifest
stops the new release (its CHANGES would be wrong).
"""

import hashlib
import json
import re

from django.db import connections

from tracker.models import ReleaseSpan
from tracker.models.bulk import copy_rows, insert

from .files import header
from .storage import open_file

ID = re.compile(rb'^\{\s*"id"\s*:\s*(\d+)')
NOT_CONTENT = {"url", "html_url", "captured_at", "capture_sha256", "gone", "gone_checked_at"}
KINDS = {"requests.jsonl": "request", "deployments.jsonl": "deployment"}


class PreviousChanged(Exception):
    pass


def content(value):
    if isinstance(value, dict):
        return {key: content(v) for key, v in value.items() if key not in NOT_CONTENT}
    if isinstance(value, list):
        return [content(v) for v in value]
    return value


def keyed(lines):
    """(id, line) of each line of a JSON Lines file in id order."""
    for line in lines:
        yield int(ID.match(line).group(1)), line


def merged(old_lines, new_lines):
    """(change, id) of each record added, changed or withdrawn, in id order."""
    old, new = keyed(old_lines), keyed(new_lines)
    a, b = next(old, None), next(new, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            yield "withdrawn", a[0]
            a = next(old, None)
        elif a is None or b[0] < a[0]:
            yield "added", b[0]
            b = next(new, None)
        else:
            if a[1] != b[1] and content(json.loads(a[1])) != content(json.loads(b[1])):
                yield "changed", a[0]
            a, b = next(old, None), next(new, None)


def hashed_lines(file, entry):
    """The lines of an open file of a release, checked against its manifest entry once read to the end."""
    digest = hashlib.sha256()
    for line in file:
        digest.update(line)
        yield line
    if digest.hexdigest() != entry["sha256"]:
        raise PreviousChanged(f"{entry['name']} no longer matches the manifest of the previous release.")


def previous_lines(previous, name):
    if previous is None:
        return
    entry = previous.file(name)
    with open_file(previous.tag, name) as file:
        yield from hashed_lines(file, entry)


def write_changes(out, folder, previous):
    """CHANGES.csv into out (a storage.HashedFile): {change: count}."""
    counts = {"added": 0, "changed": 0, "withdrawn": 0}
    out.write(header(["change", "record", "id"]))
    for name, kind in KINDS.items():
        with (folder / name).open("rb") as new:
            lines = []
            for change, pk in merged(previous_lines(previous, name), new):
                counts[change] += 1
                lines.append(f"{change},{kind},{pk}\n")
                if len(lines) >= 2000:
                    out.write("".join(lines))
                    lines = []
            out.write("".join(lines))
    return counts


def changes_of(path):
    """(change, kind, id) of each row of a CHANGES.csv, read as it comes."""
    with path.open(encoding="utf-8-sig") as file:
        next(file)
        for line in file:
            change, kind, pk = line.rstrip("\n").split(",")
            yield change, kind, int(pk)


def record_spans(path, number, batch=5000):
    """Release `number`'s CHANGES into the spans: an added record opens one, a withdrawn one closes its own."""
    added, withdrawn = [], []
    for change, kind, pk in changes_of(path):
        if change == "added":
            added.append((kind, pk, number, None))
        elif change == "withdrawn":
            withdrawn.append((kind, pk))
        if len(added) >= batch:
            open_spans(added)
            added = []
        if len(withdrawn) >= batch:
            close_spans(withdrawn, number)
            withdrawn = []
    open_spans(added)
    close_spans(withdrawn, number)


def open_spans(rows):
    if not rows:
        return
    if connections["default"].vendor == "postgresql":
        copy_rows(ReleaseSpan._meta.db_table, ["kind", "record_id", "first", "last"], rows)
    else:
        insert(ReleaseSpan, [ReleaseSpan(kind=kind, record_id=pk, first=first) for kind, pk, first, _ in rows])


def close_spans(records, number):
    for kind in {kind for kind, _ in records}:
        ids = [pk for k, pk in records if k == kind]
        ReleaseSpan.objects.filter(kind=kind, record_id__in=ids, last__isnull=True).update(last=number - 1)
