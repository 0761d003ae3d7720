"""The item tallies' triggers and their rebuild (migration 0023; see tracker/models/tallies.py).

Who asked whom for one equipment type or one system: requests per type (or system) named in their items,
requester, asked country and status, a request once per type (or system) however many items name it. Kept
as the tallies of _tallies.py are (its helpers and its reasoning: statement-level triggers with transition
tables on PostgreSQL, row-level ones on SQLite), by triggers of their own, so that the frozen SQL of 0017
stays as it was. They watch requests, citations and items; deployments add nothing here.

SQLite caveat, as for 0017: a migration that rebuilds a watched table drops these triggers too; make them
again there. Frozen SQL: change it only with a migration that drops and recreates the triggers.
"""

from ._tallies import add, cited, flips, lookup, signed, take, updated
from ._trigger_sets import TriggerSet

WATCHED = ["tracker_armsrequest", "tracker_citation", "tracker_requestitem"]
TALLIES = ["tracker_typepairtally", "tracker_typecountrytally", "tracker_systempairtally"]
PAIR = "{a}.id, {a}.requester_id, {a}.supplier_id, {a}.status"
PAIR_WATCHED = "published, requester_id, supplier_id, status"  # a date or summary changes nothing here


def of_items(vendor, d, column):
    """d's requests (id, requester_id, supplier_id, status, sign) once per value of their items' column."""
    return (
        f"SELECT DISTINCT r.id, r.sign, r.requester_id, r.supplier_id, r.status, i.{column} AS item_key "
        f"FROM ({d}) AS r {lookup(vendor, 'tracker_requestitem', 'i', 'request_id', 'r.id')} "
        f"WHERE i.{column} IS NOT NULL"
    )


# Each grain's source `a`: (item_key, requester_id, supplier_id, status, sign), one row per request and key.
def type_pair_grain(e):
    keys = "a.item_key, a.requester_id, a.supplier_id, a.status"
    return "tracker_typepairtally", "equipment_type, requester, supplier, status", keys, f"({e}) AS a"


def type_country_grain(e):
    side = "CASE sides.side WHEN 'r' THEN a.requester_id ELSE a.supplier_id END"
    both = "(SELECT 'r' AS side UNION ALL SELECT 's') AS sides"
    keys = f"a.item_key, {side}, sides.side, a.status"
    return "tracker_typecountrytally", "equipment_type, country, side, status", keys, f"({e}) AS a CROSS JOIN {both}"


def system_pair_grain(e):
    keys = "a.item_key, a.requester_id, a.supplier_id, a.status"
    return "tracker_systempairtally", "system, requester, supplier, status", keys, f"({e}) AS a"


def type_grains(e):
    return [type_pair_grain(e), type_country_grain(e)]


def request_grains(vendor, d):
    """The grains of requests' changed rows d (id, requester_id, supplier_id, status, sign)."""
    types, systems = of_items(vendor, d, "equipment_type_id"), of_items(vendor, d, "system_id")
    return [*type_grains(types), system_pair_grain(systems)]


def rebuild(vendor):
    """Every item tally from the records as they are."""
    requests = f"SELECT {PAIR.format(a='r')}, 1 AS sign FROM tracker_armsrequest r WHERE r.published AND {cited('r')}"
    yield from (f"DELETE FROM {table}" for table in TALLIES)
    yield from (add(grain, vendor) for grain in request_grains(vendor, requests))


# ------------------------------------------------------------------ PostgreSQL


def item_source(vendor, event, column):
    """(item_key, requester_id, supplier_id, status, sign) for each request whose items' column gained (+1) or
    lost (-1) a value with this statement, if the request counts."""
    return (
        f"SELECT f.{column} AS item_key, r.requester_id, r.supplier_id, r.status, f.sign "
        f"FROM ({flips(event, f'request_id, {column}', 'tracker_requestitem')}) AS f "
        f"{lookup(vendor, 'tracker_armsrequest', 'r', 'id', 'f.request_id')} "
        f"WHERE f.sign <> 0 AND r.published AND {cited('r')}"
    )


def pg_statements(event):
    """{table: statements its trigger runs for one event}."""
    vendor = "postgresql"
    if event == "UPDATE":
        requests = signed(updated(PAIR_WATCHED), updated(PAIR_WATCHED), PAIR, cited)
    else:
        old, new = ("old_rows o", None) if event == "DELETE" else (None, "new_rows n")
        requests = signed(old, new, PAIR, cited)
    cited_requests = (
        f"SELECT {PAIR.format(a='r')}, f.sign FROM ({flips(event, 'request_id', 'tracker_citation')}) AS f "
        f"{lookup(vendor, 'tracker_armsrequest', 'r', 'id', 'f.request_id')} WHERE f.sign <> 0 AND r.published"
    )
    signs = {"INSERT": "+", "DELETE": "-", "UPDATE": "+-"}[event]
    items = [*type_grains(item_source(vendor, event, "equipment_type_id"))]
    items.append(system_pair_grain(item_source(vendor, event, "system_id")))
    return {
        "tracker_armsrequest": [add(g, vendor, signs) for g in request_grains(vendor, requests)],
        "tracker_citation": [add(g, vendor, signs) for g in request_grains(vendor, cited_requests)],
        "tracker_requestitem": [add(g, vendor, signs) for g in items],
    }


# ---------------------------------------------------------------------- SQLite

PAIR_AS = ", ".join(f"{{a}}.{c} AS {c}" for c in ["id", "requester_id", "supplier_id", "status"])
PAIR_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in [c.strip() for c in PAIR_WATCHED.split(",")])


def sqlite_bodies():
    """{(table, event): (WHEN condition or None, statements)}."""
    v = "sqlite"

    def request(a, sign):
        return f"SELECT {PAIR_AS.format(a=a)}, {sign} AS sign WHERE {a}.published AND {cited(a)}"

    def count(table, columns, values):
        where = " AND ".join(f"c.{k} = {value}" for k, value in zip(columns, values, strict=True))
        return f"(SELECT count(*) FROM {table} c WHERE {where})"

    def cited_request(a, sign, first, moved=""):
        """The citation's request, if this citation was its first (first) or its last."""
        when = f"{count('tracker_citation', ['request_id'], [f'{a}.request_id'])} = {1 if first else 0}"
        return (
            f"SELECT {PAIR.format(a='r')}, {sign} AS sign FROM tracker_armsrequest r "
            f"WHERE r.id = {a}.request_id AND r.published AND {when}{moved and ' AND ' + moved}"
        )

    def item(a, column, sign, first, moved):
        """The item's request once for its column's value, if this item was the first (first) or the last."""
        n = count("tracker_requestitem", ["request_id", column], [f"{a}.request_id", f"{a}.{column}"])
        return (
            f"SELECT {a}.{column} AS item_key, r.requester_id, r.supplier_id, r.status, {sign} AS sign "
            f"FROM tracker_armsrequest r WHERE r.id = {a}.request_id AND {a}.{column} IS NOT NULL "
            f"AND r.published AND {cited('r')} AND {n} = {1 if first else 0}{moved and ' AND ' + moved}"
        )

    def item_grains(a, sign, first, update=False):
        def moved(column):
            return f"(OLD.request_id IS NOT NEW.request_id OR OLD.{column} IS NOT NEW.{column})" if update else ""

        change = add if sign > 0 else take
        types = item(a, "equipment_type_id", sign, first, moved("equipment_type_id"))
        systems = item(a, "system_id", sign, first, moved("system_id"))
        return [change(g) for g in [*type_grains(types), system_pair_grain(systems)]]

    def citation(a, sign, update=False):
        moved = "OLD.request_id IS NOT NEW.request_id" if update else ""
        change = add if sign > 0 else take
        return [change(g) for g in request_grains(v, cited_request(a, sign, sign > 0, moved))]

    return {
        ("tracker_armsrequest", "INSERT"): ("NEW.published", [add(g) for g in request_grains(v, request("NEW", 1))]),
        ("tracker_armsrequest", "DELETE"): ("OLD.published", [take(g) for g in request_grains(v, request("OLD", -1))]),
        ("tracker_armsrequest", f"UPDATE OF {PAIR_WATCHED}"): (
            f"(OLD.published OR NEW.published) AND ({PAIR_CHANGED})",
            [take(g) for g in request_grains(v, request("OLD", -1))]
            + [add(g) for g in request_grains(v, request("NEW", 1))],
        ),
        ("tracker_citation", "INSERT"): ("NEW.request_id IS NOT NULL", citation("NEW", 1)),
        ("tracker_citation", "DELETE"): ("OLD.request_id IS NOT NULL", citation("OLD", -1)),
        ("tracker_citation", "UPDATE OF request_id"): (
            "OLD.request_id IS NOT NEW.request_id",
            citation("OLD", -1, update=True) + citation("NEW", 1, update=True),
        ),
        ("tracker_requestitem", "INSERT"): (None, item_grains("NEW", 1, True)),
        ("tracker_requestitem", "DELETE"): (None, item_grains("OLD", -1, False)),
        ("tracker_requestitem", "UPDATE OF request_id, equipment_type_id, system_id"): (
            None,
            item_grains("OLD", -1, False, update=True) + item_grains("NEW", 1, True, update=True),
        ),
    }


TRIGGERS = TriggerSet(
    function="itemtally",
    name="itemtally",
    watched=WATCHED,
    tallies=TALLIES,
    pg_statements=pg_statements,
    rebuild=rebuild,
    sqlite_bodies=sqlite_bodies,
)
pg_trigger_names, sqlite_name = TRIGGERS.pg_trigger_names, TRIGGERS.sqlite_name
sqlite_triggers, sqlite_drop, statements = TRIGGERS.sqlite_triggers, TRIGGERS.sqlite_drop, TRIGGERS.statements
