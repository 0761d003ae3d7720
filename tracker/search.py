"""Full-text search over arms requests (?q= on /requests/, its CSV and the matrix).

Each request keeps a denormalised search document in ArmsRequest.search_text: its summary, public
notes, the names of who asked and who was asked, and each item's description, system designation
and equipment type. Never internal_notes: the document is what the public can find.

The database indexes the document (migration 0007_request_search):
- PostgreSQL: a GIN index on to_tsvector('english', search_text);
- SQLite: the FTS5 table tracker_armsrequest_fts, kept in sync by triggers on tracker_armsrequest.

Document and query are split into words here, by the same rule (runs of letters and digits, accents
on Latin letters dropped), so both databases see the same words: "Su-30MK2" is "Su 30MK2" to both.

Keeping documents fresh: signals cover saves through the ORM (admin, demo, hand edits); bulk writes
fire no signals, so whoever writes in bulk calls refresh_search_text() (the importer does), or runs
`manage.py rebuild_search` afterwards.
"""

import contextlib
import contextvars
import re
import unicodedata
from collections import defaultdict

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save, pre_save

from .models import ArmsRequest, EquipmentType, Person, RequestItem, System

FTS_TABLE = "tracker_armsrequest_fts"
BATCH = 2000
WORD = re.compile(r"[^\W_]+")  # letters and digits; "_" is a separator too


def words(text):
    """The words of text as both indexes see them: "Su-30MK2, Pérez" -> ["Su", "30MK2", "Perez"]."""
    return WORD.findall(fold(text or ""))


def fold(text):
    """Compatibility forms unified (ｆｕｌｌ → full, ½ → 1⁄2) and accents dropped from Latin letters.

    Done here rather than by the database because PostgreSQL's english configuration keeps accents:
    folding both the document and the query makes "Perez" find "Pérez" on both databases.
    """
    if text.isascii():
        return text  # most text, and the generator's millions of documents: nothing to fold
    kept = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def search_document(summary, notes, persons, item_texts):
    """The search document of one request, as stored in ArmsRequest.search_text. Pure: no database.

    summary, notes: the request's text fields (public notes only; never internal_notes).
    persons: names of requested_by and addressed_to; None or "" for an empty side.
    item_texts: for every item, its description, its system's designation and its equipment type's
        name, flattened in any order; None or "" where an item has no system.

    Returns the words of all of these separated by single spaces (see words()); repeated texts
    (the same equipment type on every item) are kept once.
    """
    parts = dict.fromkeys(part for part in (summary, notes, *persons, *item_texts) if part)
    return " ".join(word for part in parts for word in words(part))


# ------------------------------------------------------------------ querying


def matching(text, vendor):
    """A filter for requests whose document holds every word of text, each as a prefix.

    Q() (no filter) when text has no words, e.g. "--". Tokens are letters and digits only, so no user
    input can make a syntax error in the query languages below.
    """
    tokens = words(text)
    if not tokens:
        return Q()
    if vendor == "postgresql":
        return Q(DocumentMatches(F("search_text"), Value(" & ".join(f"'{token}':*" for token in tokens))))
    query = " AND ".join(f'"{token}"*' for token in tokens)
    return Q(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query]))


class DocumentMatches(Func):
    """document @@ tsquery, spelled exactly as the GIN index's expression so PostgreSQL uses the index."""

    arity = 2
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        (document, document_params), (query, query_params) = map(compiler.compile, self.get_source_expressions())
        sql = f"to_tsvector('english', {document}) @@ to_tsquery('english', {query})"
        return sql, (*document_params, *query_params)


# ------------------------------------------------------------------ refreshing


def refresh_search_text(request_ids):
    """Recompute the documents of these requests, in batches; returns how many changed.

    Writes with bulk_update, which sends no signals and leaves updated_at alone. Inside
    refresh_later() the ids are only collected, and refreshed once when the block ends.
    """
    ids = set(request_ids)
    pending = _pending.get()
    if pending is not None:
        pending |= ids
        return 0
    ids = sorted(ids)
    return sum(write_documents(ArmsRequest, RequestItem, ids[i : i + BATCH]) for i in range(0, len(ids), BATCH))


def rebuild_all(request_model=ArmsRequest, item_model=RequestItem, using="default"):
    """Recompute every document, a batch of ids at a time (memory stays flat); returns how many changed.

    The models are parameters so that migration 0007 can fill the new field with its historical models.
    """
    changed, last = 0, 0
    requests = request_model._default_manager.using(using).order_by("pk")
    while batch := list(requests.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH]):
        changed += write_documents(request_model, item_model, batch, using=using)
        last = batch[-1]
    return changed


def write_documents(request_model, item_model, ids, using="default"):
    """Compute and store the documents of one batch of requests, writing only those that changed."""
    item_texts = defaultdict(list)
    items = item_model._default_manager.using(using).filter(request__in=ids).order_by("request", "pk")
    for request_id, *texts in items.values_list(
        "request_id", "description", "system__designation", "equipment_type__name"
    ):
        item_texts[request_id] += texts
    stale = []
    for pk, summary, notes, asked_by, asked, current in (
        request_model._default_manager.using(using)
        .filter(pk__in=ids)
        .values_list("pk", "summary", "notes", "requested_by__name", "addressed_to__name", "search_text")
    ):
        document = search_document(summary, notes, (asked_by, asked), item_texts[pk])
        if document != current:
            stale.append(request_model(pk=pk, search_text=document))
    request_model._default_manager.using(using).bulk_update(stale, ["search_text"], batch_size=500)
    return len(stale)


_pending = contextvars.ContextVar("search_pending", default=None)


@contextlib.contextmanager
def refresh_later():
    """Collect the requests that saves in this block would refresh, and refresh each once at the end.

    For code that saves many rows (an import, the demo load): one refresh per request, not per save.
    Yields the set of pending ids, to which the caller may add the requests it wrote in bulk.
    """
    if _pending.get() is not None:  # nested: the outer block refreshes
        yield _pending.get()
        return
    pending = set()
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)
    refresh_search_text(pending)


def rebuild_sqlite_index(using="default"):
    """Re-read every document into the FTS5 table (after raw SQL that bypassed its triggers)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


# ------------------------------------------------------------------ signals

# What each referenced model contributes to documents, and which requests it appears in.
NAMES = {
    Person: ("name", lambda pk: ArmsRequest.objects.filter(Q(requested_by=pk) | Q(addressed_to=pk))),
    System: ("designation", lambda pk: ArmsRequest.objects.filter(items__system=pk)),
    EquipmentType: ("name", lambda pk: ArmsRequest.objects.filter(items__equipment_type=pk)),
}
DOCUMENT_FIELDS = {"summary", "notes", "requested_by", "addressed_to"}


def request_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not DOCUMENT_FIELDS & set(update_fields):
        return  # e.g. publish(): nothing the document holds changed
    refresh_search_text([instance.pk])
    if _pending.get() is None:
        # Keep the instance current, so saving it again does not write back an old document.
        instance.search_text = ArmsRequest.objects.filter(pk=instance.pk).values_list("search_text", flat=True).get()


def item_changed(sender, instance, **kwargs):
    refresh_search_text([instance.request_id])


def remember_name(sender, instance, raw=False, **kwargs):
    field, _ = NAMES[sender]
    before = sender.objects.filter(pk=instance.pk).values_list(field, flat=True) if instance.pk else []
    instance._name_before = next(iter(before), None)


def name_saved(sender, instance, created=False, **kwargs):
    field, requests = NAMES[sender]
    if not created and getattr(instance, "_name_before", None) != getattr(instance, field):
        refresh_search_text(requests(instance.pk).values_list("pk", flat=True).distinct())


def connect_signals():
    """Called from TrackerConfig.ready(). Deleting a person, system or type is PROTECTed while
    any request uses it, so only their renames matter."""
    post_save.connect(request_saved, sender=ArmsRequest, dispatch_uid="search_request_saved")
    post_save.connect(item_changed, sender=RequestItem, dispatch_uid="search_item_saved")
    post_delete.connect(item_changed, sender=RequestItem, dispatch_uid="search_item_deleted")
    for model in NAMES:
        pre_save.connect(remember_name, sender=model, dispatch_uid=f"search_{model.__name__}_before")
        post_save.connect(name_saved, sender=model, dispatch_uid=f"search_{model.__name__}_saved")
