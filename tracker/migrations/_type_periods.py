"""TypePeriodTally's triggers and its rebuild (migration 0030; see tracker/models/tallies.py).

Published, cited requests per equipment type named in their items (once per request and type) and period: the
timeline of one type, which counted 100,000 requests live at 1,000,000 (2.5 s on PostgreSQL). SystemTally's
twin with the item's type for its system (_tallies.py: its helpers and reasoning), by triggers of their own so
that the frozen SQL of 0017 and 0024 stays as it was. They watch requests, citations and items.

SQLite caveat, as for 0017: a migration that rebuilds a watched table drops these triggers too; make them
again there. Frozen SQL: change it only with a migration that drops and recreates the triggers.
"""

from ._tallies import REQUEST, add, cited, flips, lookup, period, signed, take, updated
from ._trigger_sets import TriggerSet

WATCHED = ["tracker_armsrequest", "tracker_citation", "tracker_requestitem"]
TALLIES = ["tracker_typeperiodtally"]
REQUEST_WATCHED = "published, date, date_precision"  # a country or status changes nothing here


def grain(vendor, e):
    """e: (equipment_type_id, date, date_precision, sign), one row per request and type."""
    keys = ", ".join(["a.equipment_type_id", *period(vendor, "a")])
    return "tracker_typeperiodtally", "equipment_type, year, month, date_precision", keys, f"({e}) AS a"


def types_of(vendor, d):
    """d's requests once per type their items name."""
    return (
        f"SELECT DISTINCT r.id, r.sign, r.date, r.date_precision, i.equipment_type_id FROM ({d}) AS r "
        f"{lookup(vendor, 'tracker_requestitem', 'i', 'request_id', 'r.id')}"
    )


def rebuild(vendor):
    requests = (
        f"SELECT {REQUEST.format(a='r')}, 1 AS sign FROM tracker_armsrequest r WHERE r.published AND {cited('r')}"
    )
    yield from (f"DELETE FROM {table}" for table in TALLIES)
    yield add(grain(vendor, types_of(vendor, requests)), vendor)


# ------------------------------------------------------------------ PostgreSQL


def pg_statements(event):
    vendor = "postgresql"
    if event == "UPDATE":
        requests = signed(updated(REQUEST_WATCHED), updated(REQUEST_WATCHED), REQUEST, cited)
    else:
        old, new = ("old_rows o", None) if event == "DELETE" else (None, "new_rows n")
        requests = signed(old, new, REQUEST, cited)
    cited_requests = (
        f"SELECT {REQUEST.format(a='r')}, f.sign FROM ({flips(event, 'request_id', 'tracker_citation')}) AS f "
        f"{lookup(vendor, 'tracker_armsrequest', 'r', 'id', 'f.request_id')} WHERE f.sign <> 0 AND r.published"
    )
    item_types = (
        "SELECT f.equipment_type_id, r.date, r.date_precision, f.sign "
        f"FROM ({flips(event, 'request_id, equipment_type_id', 'tracker_requestitem')}) AS f "
        f"{lookup(vendor, 'tracker_armsrequest', 'r', 'id', 'f.request_id')} "
        f"WHERE f.sign <> 0 AND r.published AND {cited('r')}"
    )
    signs = {"INSERT": "+", "DELETE": "-", "UPDATE": "+-"}[event]
    return {
        "tracker_armsrequest": [add(grain(vendor, types_of(vendor, requests)), vendor, signs)],
        "tracker_citation": [add(grain(vendor, types_of(vendor, cited_requests)), vendor, signs)],
        "tracker_requestitem": [add(grain(vendor, item_types), vendor, signs)],
    }


# ---------------------------------------------------------------------- SQLite

REQUEST_AS = ", ".join(f"{{a}}.{c} AS {c}" for c in ["id", "date", "date_precision"])
REQUEST_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in [c.strip() for c in REQUEST_WATCHED.split(",")])


def sqlite_bodies():
    """{(table, event): (WHEN condition or None, statements)}."""
    v = "sqlite"

    def request(a, sign):
        return f"SELECT {REQUEST_AS.format(a=a)}, {sign} AS sign WHERE {a}.published AND {cited(a)}"

    def count(table, columns, values):
        where = " AND ".join(f"c.{k} = {value}" for k, value in zip(columns, values, strict=True))
        return f"(SELECT count(*) FROM {table} c WHERE {where})"

    def cited_request(a, sign, first, moved=""):
        """The citation's request, if this citation was its first (first) or its last."""
        when = f"{count('tracker_citation', ['request_id'], [f'{a}.request_id'])} = {1 if first else 0}"
        return (
            f"SELECT {REQUEST_AS.format(a='r')}, {sign} AS sign FROM tracker_armsrequest r "
            f"WHERE r.id = {a}.request_id AND r.published AND {when}{moved and ' AND ' + moved}"
        )

    def item(a, sign, first, moved=""):
        """The item's request once for its type, if this item was the first of that type (first) or the last."""
        n = count(
            "tracker_requestitem", ["request_id", "equipment_type_id"], [f"{a}.request_id", f"{a}.equipment_type_id"]
        )
        return (
            f"SELECT {a}.equipment_type_id AS equipment_type_id, r.date, r.date_precision, {sign} AS sign "
            f"FROM tracker_armsrequest r WHERE r.id = {a}.request_id AND r.published AND {cited('r')} "
            f"AND {n} = {1 if first else 0}{moved and ' AND ' + moved}"
        )

    def citation(a, sign, update=False):
        moved = "OLD.request_id IS NOT NEW.request_id" if update else ""
        change = add if sign > 0 else take
        return [change(grain(v, types_of(v, cited_request(a, sign, sign > 0, moved))))]

    item_moved = "(OLD.request_id IS NOT NEW.request_id OR OLD.equipment_type_id IS NOT NEW.equipment_type_id)"
    return {
        ("tracker_armsrequest", "INSERT"): ("NEW.published", [add(grain(v, types_of(v, request("NEW", 1))))]),
        ("tracker_armsrequest", "DELETE"): ("OLD.published", [take(grain(v, types_of(v, request("OLD", -1))))]),
        ("tracker_armsrequest", f"UPDATE OF {REQUEST_WATCHED}"): (
            f"(OLD.published OR NEW.published) AND ({REQUEST_CHANGED})",
            [take(grain(v, types_of(v, request("OLD", -1)))), add(grain(v, types_of(v, request("NEW", 1))))],
        ),
        ("tracker_citation", "INSERT"): ("NEW.request_id IS NOT NULL", citation("NEW", 1)),
        ("tracker_citation", "DELETE"): ("OLD.request_id IS NOT NULL", citation("OLD", -1)),
        ("tracker_citation", "UPDATE OF request_id"): (
            "OLD.request_id IS NOT NEW.request_id",
            citation("OLD", -1, update=True) + citation("NEW", 1, update=True),
        ),
        ("tracker_requestitem", "INSERT"): (None, [add(grain(v, item("NEW", 1, True)))]),
        ("tracker_requestitem", "DELETE"): (None, [take(grain(v, item("OLD", -1, False)))]),
        ("tracker_requestitem", "UPDATE OF request_id, equipment_type_id"): (
            None,
            [take(grain(v, item("OLD", -1, False, item_moved))), add(grain(v, item("NEW", 1, True, item_moved)))],
        ),
    }


TRIGGERS = TriggerSet(
    function="typeperiod",
    name="typeperiodtally",
    watched=WATCHED,
    tallies=TALLIES,
    pg_statements=pg_statements,
    rebuild=rebuild,
    sqlite_bodies=sqlite_bodies,
)
pg_trigger_names, sqlite_name = TRIGGERS.pg_trigger_names, TRIGGERS.sqlite_name
sqlite_triggers, sqlite_drop, statements = TRIGGERS.sqlite_triggers, TRIGGERS.sqlite_drop, TRIGGERS.statements
