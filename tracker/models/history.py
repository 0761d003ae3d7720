"""The change history: every curated model is versioned by django-reversion.

A request is versioned with its items and citations (and a deployment with its citations), so one save
of a record and its inlines is one revision, and reverting that revision restores all of them. An item
or a citation follows its record too: edited on its own, it still makes a revision of the whole record.

Bulk writers (the importer) send no signals; they call record_each(), which writes one revision per
record, with its user and reason, in a few bulk queries. Which models are versioned, following what:
models/versioned.py. This module imports no model.
"""

import contextlib
import json
from collections import defaultdict

import reversion
from django.core import serializers
from django.core.serializers import json as json_format
from django.db import connections
from django.utils import timezone
from django.utils.encoding import force_str, is_protected_type
from reversion.models import Revision, Version
from reversion.revisions import _get_content_type, _get_options

from .bulk import copy_rows, insert


@contextlib.contextmanager
def revision(user=None, comment=""):
    """Saves in this block make one revision, by user (None for a command without one), with comment."""
    with reversion.create_revision():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(comment)
        yield


def each_in_its_revision(objects, save, user=None, comment=""):
    """save(obj) for each object, each in a revision of its own: reverting one never reverts the others."""
    for obj in objects:
        with revision(user, comment):
            save(obj)


def record_each(records, user=None, comment="", using="default", known=None):
    """One revision per record (with its followed items and citations), written in bulk, for bulk writers.

    records: saved model instances of one registered model. known: {record pk: the rows it follows, in
    related_rows' order} for records whose rows the caller has just written (an import's new deals), so
    they are not read back. Returns the number of revisions written.
    """
    records = list(records)
    if not records:
        return 0
    model = type(records[0])
    known = known or {}
    related = related_rows(model, [r.pk for r in records if r.pk not in known], using) | known
    now = timezone.now()
    revisions = [Revision(date_created=now, user=user if user and user.pk else None, comment=comment) for _ in records]
    insert(Revision, revisions, using)
    cache_referenced([*records, *(obj for rows in related.values() for obj in rows)], using)
    rows, content_types = [], {}
    for record, rev in zip(records, revisions, strict=True):
        rows += [version_row(obj, rev.pk, using, content_types) for obj in [record, *related.get(record.pk, [])]]
    insert_versions(rows, using)
    return len(revisions)


VERSION_COLUMNS = ("revision_id", "content_type_id", "object_id", "db", "format", "serialized_data", "object_repr")


def version_row(obj, revision_id, using, content_types):
    """A Version's columns, as reversion fills them (revisions.py), without making a model instance per row."""
    model = type(obj)
    options = _get_options(model)
    if model not in content_types:  # per call: content type ids may change between databases (tests)
        content_types[model] = _get_content_type(model, using).pk
    return (
        revision_id,
        content_types[model],
        force_str(getattr(obj, options.object_id_field)),
        using,
        options.format,
        serialized(obj, options),
        force_str(obj),
    )


def insert_versions(rows, using, batch=500):
    """Plain INSERTs of the version rows: bulk_create prepared each of 150,000 values field by field."""
    table = Version._meta.db_table
    if connections[using].vendor == "postgresql":
        return copy_rows(table, VERSION_COLUMNS, rows, using)
    columns = ", ".join(connections[using].ops.quote_name(c) for c in VERSION_COLUMNS)
    one = "(" + ", ".join(["%s"] * len(VERSION_COLUMNS)) + ")"
    with connections[using].cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            values = ", ".join([one] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", [v for row in chunk for v in row])


def children(model):
    """The reverse relations a revision of model follows (a request's items, an item's deliveries).

    Forward keys it follows (an item's request) are left out: that record has revisions of its own.
    """
    if not reversion.is_registered(model):
        return []
    return [name for name in _get_options(model).follow if model._meta.get_field(name).one_to_many]


def related_rows(model, ids, using):
    """{record id: [rows it follows through reverse relations, and theirs (items, their deliveries; citations)]}.

    A query per relation followed, whatever the number of records.
    """
    found = {}
    for name in children(model):
        field = model._meta.get_field(name)
        rows = list(
            field.related_model._base_manager.using(using).filter(**{f"{field.field.name}__in": ids}).order_by("pk")
        )
        owner = {row.pk: getattr(row, field.field.attname) for row in rows}
        below = related_rows(field.related_model, list(owner), using) if rows else {}
        for row in rows:
            found.setdefault(owner[row.pk], []).extend([row, *below.get(row.pk, [])])
    return found


def cache_referenced(objects, using, chunk=500):
    """Fill in the rows str() of these objects reads (a request's countries, a citation's source), a query
    per foreign key and 500 keys, from the objects themselves where they are among them: otherwise each
    version's object_repr costs a query or two."""
    known = {(type(obj), obj.pk): obj for obj in objects}
    for obj in objects:
        for field in type(obj)._meta.concrete_fields:
            if not field.many_to_one or field.is_cached(obj):
                continue
            key = (field.related_model, getattr(obj, field.attname))
            if key[1] is not None and key not in known:
                known[key] = None
    missing = {}
    for (model, pk), obj in known.items():
        if obj is None:
            missing.setdefault(model, []).append(pk)
    for model, pks in missing.items():
        for start in range(0, len(pks), chunk):
            for pk, obj in model._base_manager.using(using).in_bulk(pks[start : start + chunk]).items():
                known[(model, pk)] = obj
    for obj in objects:
        for field in type(obj)._meta.concrete_fields:
            if field.many_to_one and not field.is_cached(obj) and getattr(obj, field.attname) is not None:
                field.set_cached_value(obj, known.get((field.related_model, getattr(obj, field.attname))))


class OneShotJSON(json_format.Serializer):
    """Django's JSON serializer, byte for byte, but encoding each object with json.dumps: json.dump to a
    stream takes the pure-Python encoder, a third of an import's time in its history."""

    def end_object(self, obj):
        if not self.first:
            self.stream.write(", ")
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs))
        self._current = None


def field_plan(model, selected):
    """The (name, field) pairs Django's serializer writes for model, in its order (serializers/base.py)."""
    plan = []
    for field in model._meta.concrete_model._meta.local_fields:
        if not field.serialize:
            continue
        name = field.attname if field.remote_field is None else field.attname[:-3]
        if selected is None or name in selected:
            plan.append((field.name, field))
    if model._meta.concrete_model._meta.local_many_to_many:
        return None  # many-to-many values need queries: Django's serializer does them
    return plan


_plans = {}
_encoder = json_format.DjangoJSONEncoder(ensure_ascii=False)


def serialized(obj, options):
    """Django's JSON, byte for byte (tests/test_history_bulk.py), written without its serializer's per-object
    machinery: in an import that was half of the history's time."""
    if options.format != "json":
        return serializers.serialize(options.format, (obj,), fields=options.fields)
    model = type(obj)
    key = (model, options.fields)
    if key not in _plans:
        _plans[key] = field_plan(model, options.fields)
    plan = _plans[key]
    if plan is None:
        return OneShotJSON().serialize((obj,), fields=options.fields)
    fields = {}
    for name, field in plan:
        value = field.value_from_object(obj)
        fields[name] = value if is_protected_type(value) else field.value_to_string(obj)
    pk = model._meta.pk.value_from_object(obj)
    data = {"model": str(model._meta), "pk": pk if is_protected_type(pk) else model._meta.pk.value_to_string(obj)}
    data["fields"] = fields
    return "[" + _encoder.encode(data) + "]"


def written_rows(records, items, deliveries, citations, field):
    """{new record pk: its items (each with its deliveries), then its citations}, as history reads them back."""
    rows = {record.pk: [] for record in records}
    below = defaultdict(list)
    for delivery in deliveries:
        below[delivery.item_id].append(delivery)
    for item in items:
        if item.request_id in rows:
            rows[item.request_id] += [item, *below[item.pk]]
    for citation in citations:
        owner = getattr(citation, f"{field}_id")
        if owner in rows:
            rows[owner].append(citation)
    return rows
