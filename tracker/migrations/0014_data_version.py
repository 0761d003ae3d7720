"""The public data's version, bumped by triggers on every write to the tables the public side reads.

See tracker/models/freshness.py. The table list is frozen here; a later table the public reads gets its
triggers from a migration of its own (tests/test_api_http.py fails until it has them).
"""

from django.db import migrations, models

from ._data_version import SQLITE_EVENTS, sqlite_triggers

SHARDS = 16
WATCHED = [
    "tracker_armsrequest",
    "tracker_requestitem",
    "tracker_delivery",
    "tracker_deployment",
    "tracker_citation",
    "tracker_source",
    "tracker_country",
    "tracker_system",
    "tracker_equipmenttype",
    "tracker_person",
]

# A fresh row starts at the clock in microseconds: a rebuilt database never repeats old versions.
PG_CLOCK = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
SQLITE_CLOCK = "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)"

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION tracker_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    shard integer := nullif(current_setting('tracker.data_version_shard', true), '')::integer;
BEGIN
    IF shard IS NOT NULL THEN
        -- This transaction holds its shard already: bump it again (every statement counts, so a reader
        -- inside the transaction sees each change too), without waiting for anyone.
        UPDATE tracker_dataversion SET version = version + 1, changed_at = clock_timestamp() WHERE id = shard;
        RETURN NULL;
    END IF;
    -- A shard no running writer holds, so that concurrent writers never wait for each other here.
    SELECT id INTO shard FROM tracker_dataversion ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF shard IS NULL THEN
        shard := 1 + pg_backend_pid() % {SHARDS};  -- all held (or none yet): wait for one
    END IF;
    INSERT INTO tracker_dataversion AS v (id, version, changed_at)
        VALUES (shard, {PG_CLOCK}, clock_timestamp())
        ON CONFLICT (id) DO UPDATE SET version = v.version + 1, changed_at = excluded.changed_at;
    -- Local to the transaction, and undone with a rolled-back savepoint, as the bump itself is.
    PERFORM set_config('tracker.data_version_shard', shard::text, true);
    RETURN NULL;
END $$
"""


def postgresql_create():
    yield POSTGRESQL_FUNCTION
    yield (
        f"INSERT INTO tracker_dataversion (id, version, changed_at) "
        f"SELECT n, {PG_CLOCK}, clock_timestamp() FROM generate_series(1, {SHARDS}) n ON CONFLICT DO NOTHING"
    )
    for table in WATCHED:
        yield (
            f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION tracker_bump_data_version()"
        )
        yield (
            f"CREATE TRIGGER {table}_data_version_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION tracker_bump_data_version()"
        )


def postgresql_drop():
    for table in WATCHED:
        yield f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}"
        yield f"DROP TRIGGER IF EXISTS {table}_data_version_truncate ON {table}"
    yield "DROP FUNCTION IF EXISTS tracker_bump_data_version()"


def sqlite_create():
    yield (
        f"INSERT INTO tracker_dataversion (id, version, changed_at) "
        f"VALUES (1, {SQLITE_CLOCK}, strftime('%Y-%m-%d %H:%M:%f', 'now')) ON CONFLICT DO NOTHING"
    )
    yield "CREATE TRIGGER tracker_dataversion_kept BEFORE DELETE ON tracker_dataversion BEGIN SELECT RAISE(IGNORE); END"
    for table in WATCHED:
        yield from sqlite_triggers(table)


def sqlite_drop():
    yield "DROP TRIGGER IF EXISTS tracker_dataversion_kept"
    for table in WATCHED:
        for event in SQLITE_EVENTS:
            yield f"DROP TRIGGER IF EXISTS {table}_data_version_{event}"


def statements(vendor, create):
    if vendor == "postgresql":
        return postgresql_create() if create else postgresql_drop()
    if vendor == "sqlite":
        return sqlite_create() if create else sqlite_drop()
    raise NotImplementedError(f"The data version supports PostgreSQL and SQLite, not {vendor}.")


def create_triggers(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0013_published_at_for_feeds"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
                ("changed_at", models.DateTimeField()),
            ],
            options={"ordering": ["id"]},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
