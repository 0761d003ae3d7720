"""Requests and deployments as JSON, each record one SQL expression (sql.py): for a page, or a whole download.

A page reads its rows with the list page's keyset pagination, then their JSON in one query by id. A
download (bulk.py) reads the filtered ids in the page's order as they come, and their JSON a chunk of
ids at a time: the database never sorts rows of JSON (a sort of whole records would hold them all in
memory or on disk before the first left), and memory holds one chunk.

A record's lists (items, deliveries, citations) are correlated subqueries on SQLite, which answers
each from an index. PostgreSQL gets them for the whole chunk at once, grouped (grouped_json): as
subqueries, it would run a small plan per record, and build the hashes of its joins again each time.
"""

from django.db import connections, router

from tracker.models import ArmsRequest, Deployment
from tracker.models.record_versions import version_sql

from .sql import Dialect, literal

CHUNK = 2000  # records per query of a download


class Records:
    """One kind of record as JSON: `table` aliased r, joined to what its JSON names."""

    model = None
    table = ""
    joins = ""

    def __init__(self, base_url):
        # The request's reader (a replica?), chosen now: a download streams after the router forgot the request.
        self.using = router.db_for_read(self.model)
        self.d = Dialect(base_url, connections[self.using].vendor)

    def json(self):
        """The record's JSON with its lists as correlated subqueries."""
        raise NotImplementedError

    def version(self):
        """(version, version_url): the number of the record's latest published version and its permanent page."""
        number = version_sql(self.model, "r.id")
        kind = self.model.citation_field
        prefix = literal(f"{self.d.base_url}/{kind}s/")
        url = f"{prefix} || CAST(r.id AS TEXT) || '/v/' || CAST({number} AS TEXT) || '/'"
        return [("version", number), ("version_url", url)]

    def grouped_json(self):
        """(CTEs over the records in %(ids)s, the record's JSON using them, the joins to them): PostgreSQL."""
        raise NotImplementedError

    def by_ids(self, ids):
        """{id: JSON text} of these records (a page's worth, or a download's chunk)."""
        if not ids:
            return {}
        ids = list(ids)
        if self.d.sqlite:
            marks = ", ".join(["%s"] * len(ids))
            sql = f"SELECT r.id, {self.json()} FROM {self.table} r {self.joins} WHERE r.id IN ({marks})"
            params = ids
        else:
            ctes, record, joins = self.grouped_json()
            sql = (
                f"WITH {', '.join(ctes)} SELECT r.id, CAST({record} AS TEXT) "
                f"FROM {self.table} r {joins} WHERE r.id = ANY(%(ids)s)"
            )
            params = {"ids": ids}
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return dict(cursor.fetchall())

    def sorted_ids(self, queryset, keys):
        """The ids of queryset in the order of keys, read as they come (a server-side cursor on PostgreSQL)."""
        ordered = queryset.using(self.using).order_by(*[key.order() for key in keys]).values_list("pk", flat=True)
        return ordered.iterator(chunk_size=CHUNK)

    def lines(self, ids):
        """These records as JSON Lines, in the order of ids: one query by id (no sort of JSON rows)."""
        found = self.by_ids(ids)
        return "".join(found[pk] + "\n" for pk in ids if pk in found).encode()


class RequestRecords(Records):
    model = ArmsRequest
    table = "tracker_armsrequest"
    joins = (
        "JOIN tracker_country rq ON rq.id = r.requester_id "
        "JOIN tracker_country sp ON sp.id = r.supplier_id "
        "LEFT JOIN tracker_person pb ON pb.id = r.requested_by_id "
        "LEFT JOIN tracker_country pbc ON pbc.id = pb.country_id "
        "LEFT JOIN tracker_person pt ON pt.id = r.addressed_to_id "
        "LEFT JOIN tracker_country ptc ON ptc.id = pt.country_id"
    )

    def delivery(self):
        d = self.d
        return d.obj(("year", "dl.year"), ("quantity", "dl.quantity"), ("estimated", d.flag("dl.estimated")))

    def item(self, equipment_type, system, deliveries):
        d = self.d
        return d.obj(
            ("equipment_type", equipment_type),
            ("system", system),
            ("description", "i.description"),
            ("help_kind", "i.help_kind"),
            ("hedged", d.flag("i.hedged")),
            ("quantity_requested", "i.quantity_requested"),
            ("quantity_requested_estimated", d.flag("i.quantity_requested_estimated")),
            ("quantity_delivered", "i.quantity_delivered"),
            ("quantity_delivered_estimated", d.flag("i.quantity_delivered_estimated")),
            ("deliveries", deliveries),
        )

    def json(self):
        d = self.d
        item = self.item(
            d.ref("tracker_equipmenttype", "et", "i.equipment_type_id", d.equipment_type("et")),
            d.ref("tracker_system", "sy", "i.system_id", d.system("sy")),
            d.array(self.delivery(), "tracker_delivery dl WHERE dl.item_id = i.id", "dl.year"),
        )
        items = d.array(item, "tracker_requestitem i WHERE i.request_id = r.id", "i.id")
        parties = {
            "requester": d.json(d.country("rq")),
            "supplier": d.json(d.country("sp")),
            "requested_by": d.optional("r.requested_by_id", d.person("pb", "pbc")),
            "addressed_to": d.optional("r.addressed_to_id", d.person("pt", "ptc")),
        }
        return self.record(parties, items, d.citations("request", "r.id"))

    def grouped_json(self):
        d = self.d
        system = d.optional("i.system_id", d.system("sy"))
        item = self.item(d.equipment_type("et"), system, "COALESCE(dv.v, '[]'::json)")
        ctes = [
            d.countries(),
            f"dv AS (SELECT dl.item_id, json_agg({self.delivery()} ORDER BY dl.year) AS v FROM tracker_delivery dl "
            "JOIN tracker_requestitem i ON i.id = dl.item_id WHERE i.request_id = ANY(%(ids)s) GROUP BY dl.item_id)",
            f"it AS (SELECT i.request_id, json_agg({item} ORDER BY i.id) AS v FROM tracker_requestitem i "
            "JOIN tracker_equipmenttype et ON et.id = i.equipment_type_id "
            "LEFT JOIN tracker_system sy ON sy.id = i.system_id LEFT JOIN dv ON dv.item_id = i.id "
            "WHERE i.request_id = ANY(%(ids)s) GROUP BY i.request_id)",
            d.grouped_citations("request"),
        ]
        joins = (
            "JOIN cn rq ON rq.id = r.requester_id JOIN cn sp ON sp.id = r.supplier_id "
            "LEFT JOIN tracker_person pb ON pb.id = r.requested_by_id LEFT JOIN cn pbc ON pbc.id = pb.country_id "
            "LEFT JOIN tracker_person pt ON pt.id = r.addressed_to_id LEFT JOIN cn ptc ON ptc.id = pt.country_id "
            "LEFT JOIN it ON it.request_id = r.id LEFT JOIN ct ON ct.record_id = r.id"
        )
        parties = {
            "requester": "rq.j",
            "supplier": "sp.j",
            "requested_by": d.person_of("pb", "pbc"),
            "addressed_to": d.person_of("pt", "ptc"),
        }
        record = self.record(parties, "COALESCE(it.v, '[]'::json)", "COALESCE(ct.v, '[]'::json)")
        return ctes, record, joins

    def record(self, parties, items, citations):
        d = self.d
        return d.obj(
            ("id", "r.id"),
            ("url", d.link("api-request-detail", "r.id")),
            ("html_url", d.link("request-detail", "r.id")),
            ("record_uid", d.uuid("r.uid")),
            ("first_published", d.timestamp("r.published_at")),
            ("last_changed", d.timestamp("r.updated_at")),
            *self.version(),
            ("requester", parties["requester"]),
            ("supplier", parties["supplier"]),
            ("requested_by", parties["requested_by"]),
            ("addressed_to", parties["addressed_to"]),
            ("date", d.partial_date("r.date", "r.date_precision")),
            ("date_precision", d.text_or_null("r.date_precision")),
            ("date_estimated", d.flag("r.date_estimated")),
            ("channel", "r.channel"),
            ("status", "r.status"),
            ("summary", "r.summary"),
            ("notes", "r.notes"),
            ("items", items),
            ("citations", citations),
        )


class DeploymentRecords(Records):
    model = Deployment
    table = "tracker_deployment"
    joins = (
        "JOIN tracker_country dc ON dc.id = r.country_id "
        "LEFT JOIN tracker_country hc ON hc.id = r.host_country_id "
        "LEFT JOIN tracker_equipmenttype et ON et.id = r.equipment_type_id "
        "LEFT JOIN tracker_system sy ON sy.id = r.system_id"
    )

    def json(self):
        d = self.d
        refs = {
            "country": d.json(d.country("dc")),
            "host_country": d.optional("r.host_country_id", d.country("hc")),
            "equipment_type": d.optional("r.equipment_type_id", d.equipment_type("et")),
            "system": d.optional("r.system_id", d.system("sy")),
        }
        return self.record(refs, d.citations("deployment", "r.id"))

    def grouped_json(self):
        d = self.d
        joins = (
            "JOIN cn dc ON dc.id = r.country_id LEFT JOIN cn hc ON hc.id = r.host_country_id "
            "LEFT JOIN tracker_equipmenttype et ON et.id = r.equipment_type_id "
            "LEFT JOIN tracker_system sy ON sy.id = r.system_id LEFT JOIN ct ON ct.record_id = r.id"
        )
        refs = {
            "country": "dc.j",
            "host_country": "hc.j",
            "equipment_type": d.optional("r.equipment_type_id", d.equipment_type("et")),
            "system": d.optional("r.system_id", d.system("sy")),
        }
        ctes = [d.countries(), d.grouped_citations("deployment")]
        return ctes, self.record(refs, "COALESCE(ct.v, '[]'::json)"), joins

    def record(self, refs, citations):
        d = self.d
        return d.obj(
            ("id", "r.id"),
            ("url", d.link("api-deployment-detail", "r.id")),
            ("html_url", d.link("deployment-detail", "r.id")),
            ("record_uid", d.uuid("r.uid")),
            ("first_published", d.timestamp("r.published_at")),
            ("last_changed", d.timestamp("r.updated_at")),
            *self.version(),
            ("country", refs["country"]),
            ("host_country", refs["host_country"]),
            ("equipment_type", refs["equipment_type"]),
            ("system", refs["system"]),
            ("unit", "r.unit"),
            ("description", "r.description"),
            ("quantity", "r.quantity"),
            ("personnel", "r.personnel"),
            ("location", "r.location"),
            ("region", "r.region"),
            ("latitude", d.number("r.latitude")),
            ("longitude", d.number("r.longitude")),
            ("start", d.partial_date("r.start_date", "r.start_precision")),
            ("start_precision", d.text_or_null("r.start_precision")),
            ("end", d.partial_date("r.end_date", "r.end_precision")),
            ("end_precision", d.text_or_null("r.end_precision")),
            ("status", "r.status"),
            ("purpose", "r.purpose"),
            ("notes", "r.notes"),
            ("citations", citations),
        )
