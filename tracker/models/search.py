"""Full-text search over arms requests (?q= on /requests/, its CSV and the matrix).

Each request keeps a denormalised search document in ArmsRequest.search_text: its summary, public
notes, the names of who asked and who was asked, and each item's description, system designation
and equipment type. Never internal_notes: the document is what the public can find.

The database indexes the document (migration 0007_request_search):
- PostgreSQL: a GIN index on to_tsvector('english', search_text);
- SQLite: the FTS5 table tracker_armsrequest_fts, kept in sync by triggers on tracker_armsrequest.

Document and query are split into words here, by the same rule (runs of letters and digits, accents
on Latin letters dropped), so both databases see the same words: "Su-30MK2" is "Su 30MK2" to both.

This module knows no model class (the requests module uses matching()); keeping documents fresh as
records change is models/indexing.py.
"""

import re
import unicodedata
from collections import defaultdict

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.expressions import RawSQL

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


# ------------------------------------------------------------------ writing


def rebuild_all(request_model, item_model, using="default"):
    """Recompute every document, a batch of ids at a time (memory stays flat); returns how many changed.

    The models are parameters so that migration 0007 can fill the new field with its historical models,
    and so that this module imports no model.
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


def rebuild_sqlite_index(using="default"):
    """Re-read every document into the FTS5 table (after raw SQL that bypassed its triggers)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
