"""Keyset ("cursor") pagination: page 10,000 costs what page 1 costs.

A sort is a list of Keys ending in a unique one (the id). A page starts strictly
after, or ends strictly before, one row, named by a cursor that holds that row's
sort values. No OFFSET and no COUNT, whatever the depth.
"""

import datetime
from dataclasses import dataclass, replace
from functools import reduce
from operator import or_

from django.core import signing
from django.db import models
from django.db.models import F, Q, prefetch_related_objects

from tracker.models import INTEGER_RANGE

CURSOR_SALT = "tracker.pagination.cursor"
MAX_CURSOR_LENGTH = 2000
MAX_TEXT_VALUE = 1000


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Key:
    """One column of a sort: a field path, its direction, and whether it holds NULLs (sorted last either way)."""

    path: str
    descending: bool = False
    nullable: bool = False

    def order(self, reverse=False):
        descending = self.descending != reverse
        if not self.nullable:
            return f"-{self.path}" if descending else self.path
        # NULLs come last reading forward, so first reading backward.
        nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
        return F(self.path).desc(**nulls) if descending else F(self.path).asc(**nulls)

    def value_of(self, row):
        for name in self.path.split("__"):
            row = getattr(row, name) if row is not None else None
        return row

    def beyond(self, value, reverse):
        """Rows whose value sorts strictly after this one (before it, if reverse); None for none."""
        if value is None:
            if not reverse:
                return None  # nothing sorts after NULL
            return Q(**{f"{self.path}__isnull": False})
        lookup = "lt" if self.descending != reverse else "gt"
        beyond = Q(**{f"{self.path}__{lookup}": value})
        if self.nullable and not reverse:
            beyond |= Q(**{f"{self.path}__isnull": True})
        return beyond

    def same(self, value):
        return Q(**{f"{self.path}__isnull": True}) if value is None else Q(**{self.path: value})

    def bound(self, value, reverse):
        """The same condition as a range on this key alone, so the database can start an index scan there."""
        return Q(**{f"{self.path}__{'lte' if self.descending != reverse else 'gte'}": value})


def ordering(keys, reverse=False):
    return [key.order(reverse) for key in keys]


def strictly_beyond(keys, values, reverse=False):
    """Rows strictly after the row with these sort values (strictly before it, if reverse)."""
    parts, equal = [], Q()
    for key, value in zip(keys, values, strict=True):
        beyond = key.beyond(value, reverse)
        if beyond is not None:
            parts.append(equal & beyond)
        equal &= key.same(value)
    return reduce(or_, parts) if parts else None


def segments(keys):
    """The sort split so each part can walk an index in order: a nullable first key's
    rows with a value, then its NULL rows (where that key is constant, so it drops out)."""
    first, rest = keys[0], keys[1:]
    if not first.nullable:
        return [(Q(), keys, 0)]
    return [
        (Q(**{f"{first.path}__isnull": False}), [replace(first, nullable=False), *rest], 0),
        (Q(**{f"{first.path}__isnull": True}), rest, 1),
    ]


def fetch(queryset, keys, values, limit, reverse=False):
    """Up to limit rows strictly beyond the cursor's values (all from the start if values is None), in page order."""
    lookups = queryset._prefetch_related_lookups  # prefetched once for the whole page, not per segment
    queryset = queryset.prefetch_related(None)
    parts = segments(keys)
    if reverse:
        parts.reverse()
    here = None  # the segment the cursor is in: the NULL one if its first value is NULL
    if values is not None:
        here = 1 if keys[0].nullable and values[0] is None else 0
        parts = [part for part in parts if (part[2] <= here if reverse else part[2] >= here)]
    rows = []
    for condition, part_keys, index in parts:
        qs = queryset.filter(condition).order_by(*ordering(part_keys, reverse))
        if index == here:
            part_values = values[1:] if index == 1 else values
            beyond = strictly_beyond(part_keys, part_values, reverse)
            if beyond is None:
                continue
            if part_values[0] is not None and not part_keys[0].nullable:
                qs = qs.filter(part_keys[0].bound(part_values[0], reverse))
            qs = qs.filter(beyond)
        rows += qs[: limit - len(rows)]
        if len(rows) >= limit:
            break
    if reverse:
        rows.reverse()
    prefetch_related_objects(rows, *lookups)
    return rows


# ------------------------------------------------------------------- cursors


def signer():
    # Signed so an altered cursor is refused, not read; "." needs no escaping in a URL.
    return signing.Signer(salt=CURSOR_SALT, sep=".")


def encode(keys, row, sort):
    values = [key.value_of(row) for key in keys]
    values = [v.isoformat() if isinstance(v, datetime.date) else v for v in values]
    return signer().sign_object([sort, values])


def decode(token, keys, model, sort):
    """The sort values a cursor names; BadCursor if it is malformed, altered or made for another sort."""
    if len(token) > MAX_CURSOR_LENGTH:
        raise BadCursor("is too long to be a cursor from this site.")
    try:
        data = signer().unsign_object(token)
    except (signing.BadSignature, ValueError, UnicodeError):
        raise BadCursor("is not a cursor from this site; follow the First link to start again.") from None
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[1], list) and len(data[1]) == len(keys)):
        raise BadCursor("is not a cursor from this site.")
    if data[0] != sort:
        raise BadCursor("was made for another sort order; follow the First link to start again.")
    return [parse(model, key, value) for key, value in zip(keys, data[1], strict=True)]


def parse(model, key, value):
    if value is None:
        if key.nullable:
            return None
        raise BadCursor("is not a cursor from this site.")
    field = field_at(model, key.path)
    if isinstance(field, models.DateTimeField):
        raise TypeError("Cursors hold dates, not date-times; add a parser before sorting by one.")
    if isinstance(field, models.DateField):
        if isinstance(value, str) and len(value) == 10:
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
    elif isinstance(field, models.IntegerField | models.AutoField):
        if isinstance(value, int) and not isinstance(value, bool) and value in INTEGER_RANGE:
            return value
    elif isinstance(field, models.CharField | models.TextField):
        if isinstance(value, str) and len(value) <= MAX_TEXT_VALUE and "\x00" not in value:
            return value
    else:
        raise TypeError(f"No cursor parser for {type(field).__name__} ({key.path}).")
    raise BadCursor("is not a cursor from this site.")


def field_at(model, path):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


# --------------------------------------------------------------------- pages


@dataclass
class Page:
    object_list: list
    has_next: bool
    has_previous: bool
    next_cursor: str = ""
    previous_cursor: str = ""

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def paginate(queryset, keys, sort, per_page, after=None, before=None):
    """One page after the `after` cursor, before the `before` one, or the first page.

    Decodes the cursors (BadCursor for a bad one) and reads per_page + 1 rows, the
    extra one saying whether there is a page beyond.
    """
    model = queryset.model
    if before:
        rows = fetch(queryset, keys, decode(before, keys, model, sort), per_page + 1, reverse=True)
        has_previous, has_next = len(rows) > per_page, True
        rows = rows[-per_page:]
    else:
        values = decode(after, keys, model, sort) if after else None
        rows = fetch(queryset, keys, values, per_page + 1)
        has_previous, has_next = values is not None, len(rows) > per_page
        rows = rows[:per_page]
    return Page(
        object_list=rows,
        has_next=has_next and bool(rows),
        has_previous=has_previous,
        next_cursor=encode(keys, rows[-1], sort) if has_next and rows else "",
        previous_cursor=encode(keys, rows[0], sort) if has_previous and rows else "",
    )
