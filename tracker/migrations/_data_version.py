"""The data version's SQLite triggers (migration 0014), in one place for the migrations that must make them again.

SQLite drops a table's triggers when Django rebuilds the table (most AlterFields, added constraints): a
migration that rebuilds a watched table ends with RunPython(restore_sqlite_triggers(table)). Frozen SQL:
change it only together with a migration that recreates every trigger. (Django's migration loader skips
modules whose name starts with "_".)
"""

from django.db import migrations

# Row-level (SQLite has no other): kept to one UPDATE, the cheapest write; the row itself can never be
# deleted (a flush's DELETE leaves it), so it is always there to update.
SQLITE_BUMP = (
    "UPDATE tracker_dataversion SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') "
    "WHERE id = 1"
)
SQLITE_EVENTS = ("insert", "update", "delete")


def sqlite_triggers(table):
    for event in SQLITE_EVENTS:
        yield (
            f"CREATE TRIGGER IF NOT EXISTS {table}_data_version_{event} AFTER {event.upper()} ON {table} "
            f"BEGIN {SQLITE_BUMP}; END"
        )


def restore_sqlite_triggers(table):
    """A RunPython that makes the table's data-version triggers again on SQLite (nothing elsewhere)."""

    def restore(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in sqlite_triggers(table):
                schema_editor.execute(sql, params=None)

    return migrations.RunPython(restore, migrations.RunPython.noop)
