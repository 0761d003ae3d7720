"""The summary tables' triggers and their rebuild (migration 0017; see tracker/models/tallies.py).

A request counts when it is published and cited, so a tally changes when a request, one of its citations or
(for the systems' tally) one of its items changes. Each trigger works out, for the rows its statement wrote,
what they added to the tallies and what they took away, with the other tables as they are: every statement
writes one table, so this delta is exact, and deletes in either order (Django deletes citations and items
before their request; PostgreSQL's deferred foreign keys allow the other order) end at the same counts.

PostgreSQL: statement-level triggers with transition tables, so that a COPY of 10,000 citations is one
grouped upsert per tally. SQLite: row-level triggers (it has no others); a row's contribution taken away is
an UPDATE, never an insert, so that a flush deleting the tallies before the records leaves no negative rows.
Rows may reach 0 and stay: readers take n > 0. SQLite caveat, as for migrations 0007 and 0014: a migration
that rebuilds one of the watched tables drops its triggers; make them again there (tests check they exist).
Frozen SQL: change it only with a migration that drops and recreates the triggers.
"""

SIDES = "(SELECT 'r' AS side UNION ALL SELECT 's' UNION ALL SELECT '*') AS sides"


def year(vendor, a):
    if vendor == "postgresql":
        return f"COALESCE(EXTRACT(YEAR FROM {a}.date)::integer, 0)"
    return f"COALESCE(CAST(substr({a}.date, 1, 4) AS INTEGER), 0)"


def month(vendor, a):
    value = (
        f"EXTRACT(MONTH FROM {a}.date)::integer"
        if vendor == "postgresql"
        else f"CAST(substr({a}.date, 6, 2) AS INTEGER)"
    )
    return f"CASE WHEN {a}.date_precision IN ('day', 'month') THEN {value} ELSE 0 END"


def period(vendor, a):
    return [year(vendor, a), month(vendor, a), f"{a}.date_precision"]


def cited(alias, column="request_id"):
    # A count, not EXISTS: PostgreSQL turns EXISTS into a join it may plan over the whole table; a scalar
    # subquery stays a lookup of the row's few citations in the index.
    return f"(SELECT count(*) FROM tracker_citation c WHERE c.{column} = {alias}.id) > 0"


# Each grain: (table, key columns, key expressions over the source `a`, the source given the changed rows).
# Requests' changed rows d: (id, requester_id, supplier_id, status, date, date_precision, sign).
def pair_grain(vendor, d):
    return (
        "tracker_requesttally",
        "requester, supplier, status",
        "a.requester_id, a.supplier_id, a.status",
        f"({d}) AS a",
    )


def period_grain(vendor, d):
    side = "CASE sides.side WHEN 'r' THEN a.requester_id WHEN 's' THEN a.supplier_id ELSE 0 END"
    keys = ", ".join([side, "sides.side", *period(vendor, "a")])
    return "tracker_periodtally", "country, side, year, month, date_precision", keys, f"({d}) AS a CROSS JOIN {SIDES}"


def system_grain(vendor, e):
    """e: (system_id, date, date_precision, sign), one row per request and system."""
    keys = ", ".join(["a.system_id", *period(vendor, "a")])
    return "tracker_systemtally", "system, year, month, date_precision", keys, f"({e}) AS a"


def systems_of(vendor, d):
    """A request counts once per system, however many of its items name it."""
    return (
        f"SELECT DISTINCT r.id, r.sign, r.date, r.date_precision, i.system_id FROM ({d}) AS r "
        f"{lookup(vendor, 'tracker_requestitem', 'i', 'request_id', 'r.id')} WHERE i.system_id IS NOT NULL"
    )


def lookup(vendor, table, alias, column, key):
    """A join that reads table's rows for each changed row by index. On PostgreSQL LATERAL fixes the order: inside
    a bulk load the statistics say the tables are empty, and the planner put the table first and scanned the
    changed rows for each of its rows (a COPY of 10,000 deployments' citations ran 8 minutes)."""
    if vendor == "postgresql":
        # OFFSET 0: a LATERAL subquery PostgreSQL may not flatten back into a join it could reorder.
        return f"CROSS JOIN LATERAL (SELECT * FROM {table} x WHERE x.{column} = {key} OFFSET 0) AS {alias}"
    return f"JOIN {table} {alias} ON {alias}.{column} = {key}"


# Deployments' changed rows d: (country_id, host_country_id, system_id, sign).
def deployment_grain(vendor, d):
    keys = "a.country_id, COALESCE(a.host_country_id, 0), COALESCE(a.system_id, 0)"
    return "tracker_deploymenttally", "country, host, system", keys, f"({d}) AS a"


def add(grain, vendor="sqlite", signs=("+",)):
    """Add the source's signed rows to the tally. SQLite's sources add only (take() takes away). On PostgreSQL
    signs says which sums per key a statement can give: "+" adds in one upsert; "-" takes away key by key, by the
    unique index (an UPDATE … FROM was planned from stale statistics inside a bulk load, scanning the whole tally
    for each key), and never inserts. Only an UPDATE of the records gives both."""
    table, columns, keys, source = grain
    names = [c.strip() for c in columns.split(",")]
    positions = ", ".join(str(i + 1) for i in range(len(names)))
    summed = f"SELECT {keys}, sum(a.sign) FROM {source} WHERE true GROUP BY {positions}"
    statements = []
    if "+" in signs:
        statements.append(
            f"INSERT INTO {table} ({columns}, n) {summed} HAVING sum(a.sign) > 0 "
            f"ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + excluded.n"
        )
    if "-" in signs:
        aliased = ", ".join(f"{k} AS k{i}" for i, k in enumerate(split_keys(keys)))
        match = " AND ".join(f"{name} = gone.k{i}" for i, name in enumerate(names))
        statements.append(
            f"FOR gone IN SELECT {aliased}, sum(a.sign) AS n FROM {source} GROUP BY {positions} "
            f"HAVING sum(a.sign) < 0 LOOP UPDATE {table} SET n = GREATEST(n + gone.n, 0) WHERE {match}; END LOOP"
        )
    return "; ".join(statements)


def split_keys(keys):
    """Key expressions split at top-level commas (CASE … END and COALESCE(…) hold commas of their own)."""
    parts, depth, current = [], 0, ""
    for char in keys:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def take(grain):
    """SQLite: take one away from each tally row the source names (one request or deployment: distinct keys)."""
    table, columns, keys, source = grain
    return f"UPDATE {table} SET n = max(n - 1, 0) WHERE ({columns}) IN (SELECT {keys} FROM {source})"


def country_grain(vendor, d):
    side = "CASE sides.side WHEN 'r' THEN a.requester_id ELSE a.supplier_id END"
    both = "(SELECT 'r' AS side UNION ALL SELECT 's') AS sides"
    return (
        "tracker_countrytally",
        "country, side, status",
        f"{side}, sides.side, a.status",
        f"({d}) AS a CROSS JOIN {both}",
    )


def request_grains(vendor, d):
    grains = [pair_grain(vendor, d), country_grain(vendor, d), period_grain(vendor, d)]
    return [*grains, system_grain(vendor, systems_of(vendor, d))]


REQUEST = "{a}.id, {a}.requester_id, {a}.supplier_id, {a}.status, {a}.date, {a}.date_precision"
DEPLOYMENT = "{a}.country_id, {a}.host_country_id, {a}.system_id"
REQUEST_WATCHED = "published, requester_id, supplier_id, status, date, date_precision"
DEPLOYMENT_WATCHED = "published, country_id, host_country_id, system_id"
TALLIES = [
    "tracker_requesttally",
    "tracker_countrytally",
    "tracker_periodtally",
    "tracker_systemtally",
    "tracker_deploymenttally",
]


def rebuild(vendor):
    """Every tally from the records as they are (the migration fills them so; a TRUNCATE trigger too)."""
    requests = (
        f"SELECT {REQUEST.format(a='r')}, 1 AS sign FROM tracker_armsrequest r WHERE r.published AND {cited('r')}"
    )
    deployments = (
        f"SELECT {DEPLOYMENT.format(a='d')}, 1 AS sign FROM tracker_deployment d "
        f"WHERE d.published AND {cited('d', 'deployment_id')}"
    )
    yield from (f"DELETE FROM {table}" for table in TALLIES)
    yield from (add(grain, vendor) for grain in request_grains(vendor, requests))
    yield add(deployment_grain(vendor, deployments), vendor)


# ------------------------------------------------------------------ PostgreSQL


def signed(old, new, row, is_cited):
    """Signed rows of a statement on requests or deployments: -1 for each old row counted, +1 for each new one."""
    parts = []
    if old:
        parts.append(f"SELECT {row.format(a='o')}, -1 AS sign FROM {old} WHERE o.published AND {is_cited('o')}")
    if new:
        parts.append(f"SELECT {row.format(a='n')}, 1 AS sign FROM {new} WHERE n.published AND {is_cited('n')}")
    return " UNION ALL ".join(parts)


def updated(columns):
    """Old and new rows of an UPDATE, paired, where a column the tallies read changed."""
    names = [c.strip() for c in columns.split(",")]
    old, new = ", ".join(f"o.{c}" for c in names), ", ".join(f"n.{c}" for c in names)
    return f"old_rows o JOIN new_rows n ON n.id = o.id AND ({old}) IS DISTINCT FROM ({new})"


def flips(event, keys, table):
    """(keys, sign) for each key whose rows in table appeared (+1) or all went (-1) with this statement."""
    names = [k.strip() for k in keys.split(",")]
    parts = []
    if event in ("INSERT", "UPDATE"):
        parts.append(f"SELECT {keys}, 1 AS new_n, 0 AS old_n FROM new_rows")
    if event in ("DELETE", "UPDATE"):
        parts.append(f"SELECT {keys}, 0 AS new_n, 1 AS old_n FROM old_rows")
    present = " AND ".join(f"x.{k} IS NOT NULL" for k in names)
    grouped = (
        f"SELECT {keys}, sum(x.new_n) AS new_n, sum(x.old_n) AS old_n "
        f"FROM ({' UNION ALL '.join(parts)}) AS x WHERE {present} GROUP BY {keys}"
    )
    match = " AND ".join(f"t.{k} = g.{k}" for k in names)
    # OFFSET 0 keeps PostgreSQL from inlining this: each key's count is made once, not once per use of the sign.
    counted = f"SELECT g.*, (SELECT count(*) FROM {table} t WHERE {match}) AS now_n FROM ({grouped}) AS g OFFSET 0"
    return (
        f"SELECT h.*, (CASE WHEN h.now_n > 0 THEN 1 ELSE 0 END) "
        f"- (CASE WHEN h.now_n - h.new_n + h.old_n > 0 THEN 1 ELSE 0 END) AS sign FROM ({counted}) AS h"
    )


def requests_cited(a):
    return cited(a)


def deployments_cited(a):
    return cited(a, "deployment_id")


def pg_statements(event):
    """{table: statements its trigger runs for one event (INSERT, UPDATE or DELETE)}."""
    vendor = "postgresql"
    if event == "UPDATE":  # only rows that changed a column the tallies read: a search-text rebuild adds nothing
        requests = signed(updated(REQUEST_WATCHED), updated(REQUEST_WATCHED), REQUEST, requests_cited)
        deployments = signed(updated(DEPLOYMENT_WATCHED), updated(DEPLOYMENT_WATCHED), DEPLOYMENT, deployments_cited)
    else:
        old, new = ("old_rows o", None) if event == "DELETE" else (None, "new_rows n")
        requests = signed(old, new, REQUEST, requests_cited)
        deployments = signed(old, new, DEPLOYMENT, deployments_cited)
    cited_requests = (
        f"SELECT {REQUEST.format(a='r')}, f.sign FROM ({flips(event, 'request_id', 'tracker_citation')}) AS f "
        f"{lookup(vendor, 'tracker_armsrequest', 'r', 'id', 'f.request_id')} WHERE f.sign <> 0 AND r.published"
    )
    cited_deployments = (
        f"SELECT {DEPLOYMENT.format(a='d')}, f.sign FROM ({flips(event, 'deployment_id', 'tracker_citation')}) AS f "
        f"{lookup(vendor, 'tracker_deployment', 'd', 'id', 'f.deployment_id')} WHERE f.sign <> 0 AND d.published"
    )
    item_systems = (
        f"SELECT f.system_id, r.date, r.date_precision, f.sign "
        f"FROM ({flips(event, 'request_id, system_id', 'tracker_requestitem')}) AS f "
        f"{lookup(vendor, 'tracker_armsrequest', 'r', 'id', 'f.request_id')} "
        f"WHERE f.sign <> 0 AND r.published AND {cited('r')}"
    )
    signs = {"INSERT": "+", "DELETE": "-", "UPDATE": "+-"}[event]
    return {
        "tracker_armsrequest": [add(grain, vendor, signs) for grain in request_grains(vendor, requests)],
        "tracker_deployment": [add(deployment_grain(vendor, deployments), vendor, signs)],
        "tracker_citation": [add(grain, vendor, signs) for grain in request_grains(vendor, cited_requests)]
        + [add(deployment_grain(vendor, cited_deployments), vendor, signs)],
        "tracker_requestitem": [add(system_grain(vendor, item_systems), vendor, signs)],
    }


WATCHED = ["tracker_armsrequest", "tracker_deployment", "tracker_citation", "tracker_requestitem"]
EVENTS = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


def pg_function(table):
    """One function per table; PL/pgSQL plans only the branch it runs, so each names only its event's tables.

    Without sequential scans: inside a bulk load the statistics still say the tables are empty, and the planner
    then counted each key's citations by scanning the whole table (a COPY of 18,000 citations ran for minutes).
    Every lookup here has its index; the transition tables are scanned all the same. A TRUNCATE's recount,
    which reads whole tables, turns them back on."""
    branches = []
    for event in EVENTS:
        body = ";\n        ".join(pg_statements(event)[table])
        branches.append(f"IF TG_OP = '{event}' THEN\n        {body};")
    rebuilt = ";\n        ".join(rebuild("postgresql"))
    return (
        f"CREATE OR REPLACE FUNCTION tracker_tally_{table}() RETURNS trigger LANGUAGE plpgsql "
        "SET enable_seqscan = off AS $$\nDECLARE\n    gone record;\nBEGIN\n    "
        + "\n    ELS".join(branches)
        + "\n    ELSE  -- TRUNCATE: count again from what is left\n"
        + f"        PERFORM set_config('enable_seqscan', 'on', true);\n        {rebuilt};\n    END IF;\n"
        + "    RETURN NULL;\nEND $$"
    )


def postgresql_create():
    for table in WATCHED:
        yield pg_function(table)
        for event, transition in EVENTS.items():
            yield (
                f"CREATE TRIGGER {table}_tally_{event.lower()} AFTER {event} ON {table} {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION tracker_tally_{table}()"
            )
        yield (
            f"CREATE TRIGGER {table}_tally_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION tracker_tally_{table}()"
        )


def postgresql_drop():
    for table in WATCHED:
        for event in [*EVENTS, "TRUNCATE"]:
            yield f"DROP TRIGGER IF EXISTS {table}_tally_{event.lower()} ON {table}"
        yield f"DROP FUNCTION IF EXISTS tracker_tally_{table}()"


# ---------------------------------------------------------------------- SQLite

REQUEST_AS = ", ".join(
    f"{{a}}.{c} AS {c}" for c in ["id", "requester_id", "supplier_id", "status", "date", "date_precision"]
)
DEPLOYMENT_AS = ", ".join(f"{{a}}.{c} AS {c}" for c in ["country_id", "host_country_id", "system_id"])


def row(columns, a, sign, condition):
    return f"SELECT {columns.format(a=a)}, {sign} AS sign WHERE {a}.published AND {condition}"


def sqlite_bodies():
    """{(table, event): (WHEN condition or None, statements)}."""
    v = "sqlite"
    req_old = row(REQUEST_AS, "OLD", -1, cited("OLD"))
    req_new = row(REQUEST_AS, "NEW", 1, cited("NEW"))
    dep_old = row(DEPLOYMENT_AS, "OLD", -1, cited("OLD", "deployment_id"))
    dep_new = row(DEPLOYMENT_AS, "NEW", 1, cited("NEW", "deployment_id"))

    def counted_when(table, column, key, first):
        """This citation or item was the first (first=True) or the last of its kind for key."""
        count = f"(SELECT count(*) FROM {table} c WHERE {' AND '.join(f'c.{k} = {v}' for k, v in zip(column, key, strict=True))})"
        return f"{count} = 1" if first else f"{count} = 0"

    def cited_request(a, sign, first, moved=""):
        # moved: on UPDATE, only when the citation changed request (SQLite runs UPDATE OF for unchanged values)
        when = counted_when("tracker_citation", ["request_id"], [f"{a}.request_id"], first)
        return (
            f"SELECT {REQUEST.format(a='r')}, {sign} AS sign FROM tracker_armsrequest r "
            f"WHERE r.id = {a}.request_id AND r.published AND {when}{moved and ' AND ' + moved}"
        )

    def cited_deployment(a, sign, first, moved=""):
        when = counted_when("tracker_citation", ["deployment_id"], [f"{a}.deployment_id"], first)
        return (
            f"SELECT {DEPLOYMENT.format(a='d')}, {sign} AS sign FROM tracker_deployment d "
            f"WHERE d.id = {a}.deployment_id AND d.published AND {when}{moved and ' AND ' + moved}"
        )

    def item_system(a, sign, first, moved=""):
        when = counted_when(
            "tracker_requestitem", ["request_id", "system_id"], [f"{a}.request_id", f"{a}.system_id"], first
        )
        return (
            f"SELECT {a}.system_id AS system_id, r.date, r.date_precision, {sign} AS sign FROM tracker_armsrequest r "
            f"WHERE r.id = {a}.request_id AND {a}.system_id IS NOT NULL AND r.published AND {cited('r')} "
            f"AND {when}{moved and ' AND ' + moved}"
        )

    def citation_gone(a, update=False):
        moved = (
            ("OLD.request_id IS NOT NEW.request_id", "OLD.deployment_id IS NOT NEW.deployment_id")
            if update
            else ("", "")
        )
        return [take(g) for g in request_grains(v, cited_request(a, -1, False, moved[0]))] + [
            take(deployment_grain(v, cited_deployment(a, -1, False, moved[1])))
        ]

    def citation_came(a, update=False):
        moved = (
            ("OLD.request_id IS NOT NEW.request_id", "OLD.deployment_id IS NOT NEW.deployment_id")
            if update
            else ("", "")
        )
        return [add(g) for g in request_grains(v, cited_request(a, 1, True, moved[0]))] + [
            add(deployment_grain(v, cited_deployment(a, 1, True, moved[1])))
        ]

    item_moved = "(OLD.request_id IS NOT NEW.request_id OR OLD.system_id IS NOT NEW.system_id)"

    return {
        ("tracker_armsrequest", "INSERT"): ("NEW.published", [add(g) for g in request_grains(v, req_new)]),
        ("tracker_armsrequest", "DELETE"): ("OLD.published", [take(g) for g in request_grains(v, req_old)]),
        ("tracker_armsrequest", f"UPDATE OF {REQUEST_WATCHED}"): (
            "OLD.published OR NEW.published",
            [take(g) for g in request_grains(v, req_old)] + [add(g) for g in request_grains(v, req_new)],
        ),
        ("tracker_deployment", "INSERT"): ("NEW.published", [add(deployment_grain(v, dep_new))]),
        ("tracker_deployment", "DELETE"): ("OLD.published", [take(deployment_grain(v, dep_old))]),
        ("tracker_deployment", f"UPDATE OF {DEPLOYMENT_WATCHED}"): (
            "OLD.published OR NEW.published",
            [take(deployment_grain(v, dep_old)), add(deployment_grain(v, dep_new))],
        ),
        ("tracker_citation", "INSERT"): (None, citation_came("NEW")),
        ("tracker_citation", "DELETE"): (None, citation_gone("OLD")),
        ("tracker_citation", "UPDATE OF request_id, deployment_id"): (
            None,
            citation_gone("OLD", update=True) + citation_came("NEW", update=True),
        ),
        ("tracker_requestitem", "INSERT"): (
            "NEW.system_id IS NOT NULL",
            [add(system_grain(v, item_system("NEW", 1, True)))],
        ),
        ("tracker_requestitem", "DELETE"): (
            "OLD.system_id IS NOT NULL",
            [take(system_grain(v, item_system("OLD", -1, False)))],
        ),
        ("tracker_requestitem", "UPDATE OF request_id, system_id"): (
            None,
            [
                take(system_grain(v, item_system("OLD", -1, False, item_moved))),
                add(system_grain(v, item_system("NEW", 1, True, item_moved))),
            ],
        ),
    }


def sqlite_triggers(only=None):
    """CREATE TRIGGER statements, for every watched table or only the one named (after a table rebuild)."""
    for (table, event), (when, statements) in sqlite_bodies().items():
        if only in (None, table):
            name = f"{table}_tally_{event.split()[0].lower()}"
            condition = f" WHEN {when}" if when else ""
            body = "; ".join(statements)
            yield f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table}{condition} BEGIN {body}; END"


def sqlite_drop():
    for table, event in sqlite_bodies():
        yield f"DROP TRIGGER IF EXISTS {table}_tally_{event.split()[0].lower()}"


def statements(vendor, create):
    if vendor == "postgresql":  # freshly filled tables need statistics before the first page plans over them
        analyze = f"ANALYZE {', '.join(TALLIES)}"
        return [*postgresql_create(), *rebuild(vendor), analyze] if create else list(postgresql_drop())
    if vendor == "sqlite":
        return [*sqlite_triggers(), *rebuild(vendor)] if create else list(sqlite_drop())
    raise NotImplementedError(f"The tallies support PostgreSQL and SQLite, not {vendor}.")
