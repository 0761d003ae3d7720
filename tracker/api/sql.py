"""JSON built by the database, in one dialect per vendor: objects, arrays, flags, partial dates, links.

A record's JSON is one SQL expression (records.py), so a page of 50 and a download of a million are
the same query and Python only joins lines. PostgreSQL writes it with json_build_object/json_agg;
SQLite with its JSON functions, where every nested value is wrapped in json() so that it stays JSON
(a subquery's result would otherwise be embedded as a string) and flags are spelled true/false
(SQLite stores booleans as 0/1).
"""

import re

from django.db import connection
from django.urls import reverse

# Absolute links are written into the SQL as literals; the base URL comes from a validated Host.
BASE_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]+)?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]+)?")


def literal(text):
    """A SQL string literal, safe inside a query that is executed with parameters (% doubled)."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


class Dialect:
    """Builds JSON SQL for one vendor, with links under one base URL."""

    def __init__(self, base_url, vendor=None):
        if not BASE_URL.fullmatch(base_url):
            raise ValueError(f"Not a base URL: {base_url!r}")
        self.base_url = base_url
        self.vendor = vendor or connection.vendor
        self.sqlite = self.vendor == "sqlite"

    # ---------------------------------------------------------------- values

    def json(self, sql):
        """A nested JSON value (an object, an array, a subquery's result), kept as JSON."""
        return f"json({sql})" if self.sqlite else sql

    def obj(self, *pairs):
        """{"key": value, …} from (key, SQL) pairs, in that order."""
        body = ", ".join(f"'{key}', {value}" for key, value in pairs)
        return f"json_object({body})" if self.sqlite else f"json_build_object({body})"

    def optional(self, key_sql, obj):
        """obj, or null where key_sql (a foreign key) is NULL."""
        return self.json(f"CASE WHEN {key_sql} IS NULL THEN NULL ELSE {obj} END")

    def ref(self, table, alias, key_sql, obj):
        """obj of the row of table (aliased) whose id is key_sql; null for none.

        A lookup by primary key per row, not a join: inside a per-record subquery, PostgreSQL would
        otherwise build a hash of the joined table again for every record.
        """
        return self.json(f"(SELECT {obj} FROM {table} {alias} WHERE {alias}.id = {key_sql})")

    def flag(self, sql):
        return f"json(CASE WHEN {sql} THEN 'true' ELSE 'false' END)" if self.sqlite else sql

    def number(self, sql):
        """A decimal as a JSON number (PostgreSQL would keep its trailing zeros)."""
        return f"CAST({sql} AS REAL)" if self.sqlite else f"CAST({sql} AS float8)"

    def text_or_null(self, sql):
        return f"NULLIF({sql}, '')"

    def timestamp(self, sql):
        """A time as 2025-10-31T09:30:00Z (UTC, to the second, as the serializers write it); null stays null."""
        if self.sqlite:  # Django stores UTC text; % doubled, the query has parameters
            return f"strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', {sql})"
        return f"to_char({sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

    def array(self, obj, source, order):
        """[obj for each row of `FROM source` (with its WHERE), sorted by order]; [] for none."""
        if self.sqlite:
            return f"json((SELECT json_group_array(json(o)) FROM (SELECT {obj} AS o FROM {source} ORDER BY {order})))"
        return f"(SELECT COALESCE(json_agg({obj} ORDER BY {order}), '[]'::json) FROM {source})"

    def partial_date(self, date, precision):
        """'2025', '2025-10' or '2025-10-17' at the date's precision (as the CSV writes it); null if undated."""
        return (
            f"CASE WHEN {date} IS NULL THEN NULL ELSE SUBSTR(CAST({date} AS TEXT), 1, "
            f"CASE {precision} WHEN 'year' THEN 4 WHEN 'month' THEN 7 ELSE 10 END) END"
        )

    def uuid(self, sql):
        """A UUID as 8-4-4-4-12 text (SQLite stores Django's UUIDs as 32 bare hex digits)."""
        if not self.sqlite:
            return f"CAST({sql} AS TEXT)"
        parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
        return " || '-' || ".join(f"SUBSTR({sql}, {start}, {length})" for start, length in parts)

    def link(self, name, key_sql):
        """The absolute URL of the named route for the key in key_sql ('/api/requests/<pk>/')."""
        prefix, suffix = reverse(name, args=["0"]).rsplit("0", 1)
        return f"{literal(self.base_url + prefix)} || CAST({key_sql} AS TEXT) || {literal(suffix)}"

    def list_link(self, name, query_sql):
        """The absolute URL of a list filtered by query_sql ('/api/requests/?country=VE')."""
        return f"{literal(self.base_url + reverse(name) + '?')} || {query_sql}"

    # ----------------------------------------------------- shared objects

    def country(self, alias):
        """A party as records name it: its code (ISO alpha-2, or its number), name and links."""
        code = f"COALESCE({alias}.iso2, CAST({alias}.id AS TEXT))"
        return self.obj(
            ("code", code),
            ("name", f"{alias}.name"),
            ("url", self.link("api-country-detail", code)),
            ("html_url", self.link("country-detail", code)),
        )

    def person(self, alias, country_alias):
        return self.obj(
            ("name", f"{alias}.name"),
            ("title", f"{alias}.title"),
            ("country", self.optional(f"{alias}.country_id", self.country(country_alias))),
        )

    def equipment_type(self, alias):
        return self.obj(("slug", f"{alias}.slug"), ("name", f"{alias}.name"))

    def system(self, alias):
        return self.obj(
            ("slug", f"{alias}.slug"),
            ("designation", f"{alias}.designation"),
            ("url", self.link("api-system-detail", f"{alias}.slug")),
            ("html_url", self.link("system-detail", f"{alias}.slug")),
        )

    def source(self, alias):
        """A source; its evidence from kc and lc, joined by evidence_joins(alias)."""
        return self.obj(
            ("id", f"{alias}.id"),
            ("url", self.link("api-source-detail", f"{alias}.id")),
            ("outlet", f"{alias}.outlet"),
            ("title", f"{alias}.title"),
            ("author", f"{alias}.author"),
            ("web_url", self.text_or_null(f"{alias}.url")),
            ("published", self.partial_date(f"{alias}.published_on", f"{alias}.published_precision")),
            ("published_precision", self.text_or_null(f"{alias}.published_precision")),
            ("kind", f"{alias}.kind"),
            ("reliability", f"{alias}.reliability"),
            ("captured_at", self.timestamp("kc.fetched_at")),
            ("capture_sha256", "kc.sha256"),
            ("gone", self.optional("lc.id", self.flag("lc.gone"))),
            ("gone_checked_at", self.timestamp("lc.checked_at")),
        )

    def evidence_joins(self, alias):
        """kc, the latest copy kept of source alias, and lc, its latest link check: Source.with_evidence()'s rule."""
        return (
            "LEFT JOIN tracker_capture kc ON kc.id = (SELECT k.id FROM tracker_capture k "
            f"WHERE k.source_id = {alias}.id AND k.state = 'captured' ORDER BY k.fetched_at DESC, k.id DESC LIMIT 1) "
            "LEFT JOIN tracker_linkcheck lc ON lc.id = (SELECT l.id FROM tracker_linkcheck l "
            f"WHERE l.source_id = {alias}.id ORDER BY l.checked_at DESC, l.id DESC LIMIT 1)"
        )

    def citation(self, source):
        return self.obj(
            ("quote", "c.quote"), ("location", "c.location"), ("credibility", "c.credibility"), ("source", source)
        )

    def citations(self, field, record_sql):
        """The record's citations, best first (credibility, then id), each with its source."""
        source = (
            f"(SELECT {self.source('s')} FROM tracker_source s {self.evidence_joins('s')} WHERE s.id = c.source_id)"
        )
        citation = self.citation(self.json(source))
        return self.array(citation, f"tracker_citation c WHERE c.{field}_id = {record_sql}", "c.credibility, c.id")

    # ------------------------------------------ PostgreSQL, a chunk at a time
    #
    # A chunk's lists are grouped in one pass each (CTEs over the records in %(ids)s) and joined.

    def countries(self):
        """CTE cn (id, j): every party as records name it (a few hundred: cheaper than one per mention)."""
        return f"cn AS MATERIALIZED (SELECT c.id, {self.country('c')} AS j FROM tracker_country c)"

    def person_of(self, alias, country_alias):
        """A person (joined as alias) with its country from cn (joined as country_alias); null for none."""
        person = self.obj(("name", f"{alias}.name"), ("title", f"{alias}.title"), ("country", f"{country_alias}.j"))
        return self.optional(f"{alias}.id", person)

    def grouped_citations(self, field):
        """CTE ct (record_id, v): the citations of every record in %(ids)s, best first, with their sources."""
        citations = f"json_agg({self.citation(self.source('s'))} ORDER BY c.credibility, c.id)"
        return (
            f"ct AS (SELECT c.{field}_id AS record_id, {citations} AS v FROM tracker_citation c "
            f"JOIN tracker_source s ON s.id = c.source_id {self.evidence_joins('s')} "
            f"WHERE c.{field}_id = ANY(%(ids)s) GROUP BY c.{field}_id)"
        )
