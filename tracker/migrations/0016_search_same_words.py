"""Free text that answers the same on both databases, and fast (see tracker/models/search.py);
deployments get a search document and an index of their own, as requests have.

Before: PostgreSQL indexed to_tsvector('english', …), which stems ("drones" finds "drone") and drops
stop words ("the" found nothing), and SQLite's FTS5 stemmed with porter: two different answers.
Now neither database changes a word: documents are rewritten in lower case (models.search.words), and

- PostgreSQL stores to_tsvector('simple', search_text) in a generated column search_vector, with a
  GIN index: a row is tested by a lookup in its stored vector instead of parsing its document
  (a walk of the date index for the newest matches cost 0.15 ms a row in to_tsvector);
- SQLite's FTS5 table uses unicode61 without porter, keeping diacritics (words() already dropped
  those of Latin letters, and keeps the others, as PostgreSQL does).

The PostgreSQL column is no model field: SQLite has no tsvector. Adding it rewrites the table once.
Deployments: the same (search_text, search_vector and its GIN index; tracker_deployment_fts).

Names found as typed (/search/, models/names.py): PostgreSQL stores each system's, person's and
source's key in a generated column name_key; SQLite computes it as it compares.
"""

from django.db import migrations, models

from tracker.models.names import NAME_KEYS, name_key_column
from tracker.models.search import rebuild_all, rebuild_deployments

from ._data_version import restore_sqlite_triggers

NEW_TOKENIZER, OLD_TOKENIZER = "unicode61 remove_diacritics 0", "porter unicode61 remove_diacritics 2"


def sqlite_create(table, tokenizer):
    fts = f"{table}_fts"
    return [
        f"""CREATE VIRTUAL TABLE {fts} USING fts5(
            search_text, content='{table}', content_rowid='id', tokenize='{tokenizer}'
        )""",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        f"""CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN
            INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
        f"""CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN
            INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        END""",
        f"""CREATE TRIGGER {fts}_update AFTER UPDATE OF id, search_text ON {table} BEGIN
            INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
            INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    ]


def sqlite_drop(table):
    fts = f"{table}_fts"
    return [f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in ("insert", "delete", "update")] + [
        f"DROP TABLE IF EXISTS {fts}"
    ]


def postgresql_create(table, index):
    return [
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
        f"CREATE INDEX {index} ON {table} USING gin (search_vector)",
        f"ANALYZE {table}",
    ]


def postgresql_drop(table, index):
    return [f"DROP INDEX IF EXISTS {index}", f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector"]


REQUESTS, DEPLOYMENTS = "tracker_armsrequest", "tracker_deployment"
STATEMENTS = {
    # vendor: (drop the old index, create the new ones, drop the new ones, recreate the old one)
    "postgresql": (
        ["DROP INDEX IF EXISTS request_search_idx"],
        postgresql_create(REQUESTS, "request_search_idx") + postgresql_create(DEPLOYMENTS, "deployment_search_idx"),
        postgresql_drop(REQUESTS, "request_search_idx") + postgresql_drop(DEPLOYMENTS, "deployment_search_idx"),
        ["CREATE INDEX request_search_idx ON tracker_armsrequest USING gin (to_tsvector('english', search_text))"],
    ),
    "sqlite": (
        sqlite_drop(REQUESTS),
        sqlite_create(REQUESTS, NEW_TOKENIZER) + sqlite_create(DEPLOYMENTS, NEW_TOKENIZER),
        sqlite_drop(REQUESTS) + sqlite_drop(DEPLOYMENTS),
        sqlite_create(REQUESTS, OLD_TOKENIZER),
    ),
}


def run(schema_editor, which):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"Full-text search supports PostgreSQL and SQLite, not {vendor}.")
    for sql in STATEMENTS[vendor][which]:
        schema_editor.execute(sql)
    if vendor == "postgresql" and which == 1:
        for table in NAME_KEYS:
            schema_editor.execute(*name_key_column(table))
    if vendor == "postgresql" and which == 2:
        for table in NAME_KEYS:
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS name_key")


def forwards(apps, schema_editor):
    run(schema_editor, 0)  # no index to keep current while every document is rewritten
    using = schema_editor.connection.alias
    rebuild_all(apps.get_model("tracker", "ArmsRequest"), apps.get_model("tracker", "RequestItem"), using=using)
    rebuild_deployments(apps.get_model("tracker", "Deployment"), using=using)
    run(schema_editor, 1)


def backwards(apps, schema_editor):
    # The lower-case documents suit the old indexes too: both folded case themselves.
    run(schema_editor, 2)
    run(schema_editor, 3)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0015_deployment_location_precision"),
    ]

    operations = [
        migrations.AddField(
            model_name="deployment",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(forwards, backwards),
        # SQLite rebuilt the table, and its data-version triggers (migration 0014) went with it.
        restore_sqlite_triggers("tracker_deployment"),
    ]
