"""A record's versions: its published states, numbered from 1, as django-reversion kept them (history.py).

The n-th version of a request or deployment is the n-th reversion Version of it, in revision order, whose
serialized state says published: true. A draft state gets no number, so no address can name one; an
unpublished record keeps the versions it had. A version's state is read back from its revision alone (the
record with the items, deliveries, citations and claims it follows), and the rows it names (countries, systems,
sources) as they stood at that revision, so a version shows the same thing forever.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, Subquery
from reversion.models import Version

from .claims import Claim
from .deliveries import Delivery
from .deployments import Deployment
from .requests import ArmsRequest, RequestItem
from .sources import Citation

# How the published flag reads in a version's JSON (Django's serializer, and history.serialized()): inside a
# string value a quote is escaped, so this text can only be the field itself.
PUBLISHED = '"published": true'
RECORDS = (ArmsRequest, Deployment, RequestItem)  # what a version holds itself, never named from outside it


@dataclass(frozen=True)
class PublishedVersion:
    number: int
    version_id: int
    revision_id: int
    date: datetime


@dataclass
class VersionState:
    """A record as the public saw it at one version: unsaved instances whose relations read these lists."""

    version: PublishedVersion
    record: object
    items: list = field(default_factory=list)
    citations: list = field(default_factory=list)
    claims: list = field(default_factory=list)  # where its sources differed then (explore/claims.py shapes them)


def versions_of(model, pk, using="default"):
    content_type = ContentType.objects.db_manager(using).get_for_model(model)
    # db, content type and object id: the leading columns of reversion's unique index.
    return Version.objects.using(using).filter(db=using, content_type=content_type, object_id=str(pk))


def published_versions_of(model, pk, using="default"):
    """[PublishedVersion], oldest first, numbered from 1: one query, reading no serialized state."""
    rows = (
        versions_of(model, pk, using)
        .filter(serialized_data__contains=PUBLISHED)
        .order_by("revision_id")
        .values_list("pk", "revision_id", "revision__date_created")
    )
    return [PublishedVersion(n, *row) for n, row in enumerate(rows, 1)]


def published_versions(record):
    """The record's published versions, oldest first, numbered from 1."""
    return published_versions_of(type(record), record.pk, record._state.db or "default")


def current_version_number(record):
    """The number of the record's latest published version; None if it has none (never published, or
    written without a revision)."""
    versions = published_versions(record)
    return versions[-1].number if versions else None


def state_at(model, pk, version, using="default"):
    """The VersionState of record pk of model at version (a PublishedVersion): two queries, and one or two
    for the rows it names."""
    found = Version.objects.using(using).filter(revision_id=version.revision_id, db=using).order_by("pk")
    objects = [v._object_version.object for v in found]
    record = next((o for o in objects if type(o) is model and o.pk == int(pk)), None)
    if record is None:
        return None
    owner = model.citation_field + "_id"
    citations = sorted(
        (o for o in objects if type(o) is Citation and getattr(o, owner) == record.pk),
        key=lambda c: (c.credibility, c.pk),
    )
    items = sorted((o for o in objects if type(o) is RequestItem and o.request_id == record.pk), key=lambda i: i.pk)
    deliveries = defaultdict(list)
    for o in objects:
        if type(o) is Delivery:
            deliveries[o.item_id].append(o)
    for item in items:
        prefetched(item, "deliveries", Delivery, sorted(deliveries[item.pk], key=lambda d: d.year))
    if model is ArmsRequest:
        prefetched(record, "items", RequestItem, items)
    prefetched(record, "citations", Citation, citations)
    name_rows([record, *items, *citations], version.revision_id, using)
    claims = claims_of(record, objects, items, citations) if model is ArmsRequest else []  # a request's only
    return VersionState(version, record, items, citations, claims)


def claims_of(record, objects, items, citations):
    """The revision's claims on record, each reading the revision's own citation and item: no query. A claim
    follows its citation (models/versioned.py), so a revision holds them together; one that does not is left out."""
    by_citation, by_item = {c.pk: c for c in citations}, {i.pk: i for i in items}
    found = []
    for claim in (o for o in objects if type(o) is Claim and o.request_id == record.pk):
        if claim.citation_id not in by_citation or (claim.item_id is not None and claim.item_id not in by_item):
            continue
        claim.request, claim.citation = record, by_citation[claim.citation_id]
        claim.item = by_item.get(claim.item_id)
        found.append(claim)
    return found


def prefetched(obj, name, model, rows):
    """obj.<name>.all() gives rows, as prefetch_related leaves it, without a query."""
    queryset = model._base_manager.none()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def gone(model, pk):
    """A stand-in for a row deleted since a version named it, and never versioned itself."""
    row = model(pk=pk)
    for name in ("name", "title", "designation", "outlet"):
        if hasattr(row, name):
            setattr(row, name, "(since deleted)")
    if hasattr(row, "slug"):
        row.slug = "since-deleted"  # its links lead to a 404, not to an error
    return row


def name_rows(objects, revision_id, using):
    """Set the rows these objects name (countries, people, types, systems, sources) as they stood at
    revision_id: their own latest version up to then, or the row as it is for one never versioned."""
    wanted = defaultdict(set)
    for obj in objects:
        for f in type(obj)._meta.concrete_fields:
            if f.many_to_one and f.related_model not in RECORDS and getattr(obj, f.attname) is not None:
                wanted[f.related_model].add(getattr(obj, f.attname))
    if not wanted:
        return
    types = {model: ContentType.objects.db_manager(using).get_for_model(model) for model in wanted}
    keys = Q()
    for model, ids in wanted.items():
        keys |= Q(content_type=types[model], object_id__in=[str(i) for i in ids])
    latest = Version.objects.using(using).filter(
        db=using, content_type=OuterRef("content_type"), object_id=OuterRef("object_id"), revision_id__lte=revision_id
    )
    rows = Version.objects.using(using).filter(
        keys, db=using, revision_id=Subquery(latest.order_by("-revision_id").values("revision_id")[:1])
    )
    known = {}
    for v in rows:
        obj = v._object_version.object
        known[(type(obj), obj.pk)] = obj
    for model, ids in wanted.items():
        missing = [i for i in ids if (model, i) not in known]
        if missing:
            known.update({(model, pk): obj for pk, obj in model._base_manager.using(using).in_bulk(missing).items()})
        for pk in ids:  # deleted since, never versioned: named as such rather than looked up again
            known.setdefault((model, pk), gone(model, pk))
    for obj in objects:
        for f in type(obj)._meta.concrete_fields:
            key = (f.related_model, getattr(obj, f.attname)) if f.many_to_one else None
            if key in known:
                f.set_cached_value(obj, known[key])


def version_sql(model, pk_sql, using="default"):
    """SQL for the number of the latest published version of the record whose id is pk_sql (NULL for none):
    the API's records (tracker/api/records.py) are written by the database. An index probe per record."""
    content_type = ContentType.objects.db_manager(using).get_for_model(model).pk
    published = PUBLISHED.replace("%", "%%")  # the query runs with parameters
    return (
        f"(SELECT NULLIF(COUNT(*), 0) FROM {Version._meta.db_table} vn WHERE vn.db = 'default' "
        f"AND vn.content_type_id = {int(content_type)} AND vn.object_id = CAST({pk_sql} AS TEXT) "
        f"AND vn.serialized_data LIKE '%%{published}%%')"
    )
