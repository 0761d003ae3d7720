"""The search document of each request, and its full-text index (see tracker/models/search.py).

PostgreSQL: a GIN index on to_tsvector('english', search_text); queries must spell that expression
exactly. SQLite: an FTS5 external-content table over search_text, kept in sync by triggers.
A plain GinIndex in Meta would break SQLite, hence the vendor checks here.

SQLite caveat: a later migration that makes Django rebuild tracker_armsrequest (most AlterFields)
drops these triggers with the old table; recreate them there, then run `manage.py rebuild_search`.
"""

from django.db import migrations, models

from tracker.models.search import rebuild_all

FTS = "tracker_armsrequest_fts"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        search_text, content='tracker_armsrequest', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON tracker_armsrequest BEGIN
        INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON tracker_armsrequest BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF id, search_text ON tracker_armsrequest BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {FTS}_{event}" for event in ("insert", "delete", "update")] + [
    f"DROP TABLE IF EXISTS {FTS}"
]
POSTGRESQL_CREATE = [
    "CREATE INDEX request_search_idx ON tracker_armsrequest USING gin (to_tsvector('english', search_text))"
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS request_search_idx"]


def statements(vendor, create):
    if vendor == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    raise NotImplementedError(f"Full-text search supports PostgreSQL and SQLite, not {vendor}.")


def create_index(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql)


def fill_documents(apps, schema_editor):
    rebuild_all(
        apps.get_model("tracker", "ArmsRequest"),
        apps.get_model("tracker", "RequestItem"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0006_roles_read_import_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="armsrequest",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        # Fill first, then index: the FTS5 table starts from a 'rebuild' of the filled column.
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
