"""The plumbing the item tallies (_item_tallies.py, 0024) and the type periods (_type_periods.py, 0030) share:
each module says what its triggers compute; this names, creates and drops them the same way for both.

PostgreSQL: one PL/pgSQL function per watched table (tracker_<function>_<table>), run by a statement trigger per
event with its transition tables and by a TRUNCATE trigger that counts again, without sequential scans (see
_tallies.pg_function). SQLite: a row trigger per (table, event) of sqlite_bodies(). Triggers are named
<table>_<name>_<event>. The SQL is frozen by the migrations that ran it: keep its output byte for byte.
"""

from ._tallies import EVENTS


class TriggerSet:
    def __init__(self, *, function, name, watched, tallies, pg_statements, rebuild, sqlite_bodies):
        self.function, self.name, self.watched, self.tallies = function, name, watched, tallies
        self.pg_statements, self.rebuild, self.sqlite_bodies = pg_statements, rebuild, sqlite_bodies

    def pg_function(self, table):
        branches = []
        for event in EVENTS:
            body = ";\n        ".join(self.pg_statements(event)[table])
            branches.append(f"IF TG_OP = '{event}' THEN\n        {body};")
        rebuilt = ";\n        ".join(self.rebuild("postgresql"))
        return (
            f"CREATE OR REPLACE FUNCTION tracker_{self.function}_{table}() RETURNS trigger LANGUAGE plpgsql "
            "SET enable_seqscan = off AS $$\nDECLARE\n    gone record;\nBEGIN\n    "
            + "\n    ELS".join(branches)
            + "\n    ELSE  -- TRUNCATE: count again from what is left\n"
            + f"        PERFORM set_config('enable_seqscan', 'on', true);\n        {rebuilt};\n    END IF;\n"
            + "    RETURN NULL;\nEND $$"
        )

    def pg_trigger_names(self):
        return [
            (table, f"{table}_{self.name}_{event.lower()}") for table in self.watched for event in [*EVENTS, "TRUNCATE"]
        ]

    def postgresql_create(self):
        for table in self.watched:
            yield self.pg_function(table)
            for event, transition in EVENTS.items():
                yield (
                    f"CREATE TRIGGER {table}_{self.name}_{event.lower()} AFTER {event} ON {table} {transition} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION tracker_{self.function}_{table}()"
                )
            yield (
                f"CREATE TRIGGER {table}_{self.name}_truncate AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION tracker_{self.function}_{table}()"
            )

    def postgresql_drop(self):
        for table, name in self.pg_trigger_names():
            yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for table in self.watched:
            yield f"DROP FUNCTION IF EXISTS tracker_{self.function}_{table}()"

    def sqlite_name(self, table, event):
        return f"{table}_{self.name}_{event.split()[0].lower()}"

    def sqlite_triggers(self, only=None):
        """CREATE TRIGGER statements, for every watched table or only the one named (after a table rebuild)."""
        for (table, event), (when, statements) in self.sqlite_bodies().items():
            if only in (None, table):
                condition = f" WHEN {when}" if when else ""
                body = "; ".join(statements)
                name = self.sqlite_name(table, event)
                yield f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table}{condition} BEGIN {body}; END"

    def sqlite_drop(self):
        for table, event in self.sqlite_bodies():
            yield f"DROP TRIGGER IF EXISTS {self.sqlite_name(table, event)}"

    def statements(self, vendor, create):
        if vendor == "postgresql":  # freshly filled tables need statistics before the first page plans over them
            analyze = f"ANALYZE {', '.join(self.tallies)}"
            return (
                [*self.postgresql_create(), *self.rebuild(vendor), analyze] if create else list(self.postgresql_drop())
            )
        if vendor == "sqlite":
            return [*self.sqlite_triggers(), *self.rebuild(vendor)] if create else list(self.sqlite_drop())
        raise NotImplementedError(f"The tallies support PostgreSQL and SQLite, not {vendor}.")
