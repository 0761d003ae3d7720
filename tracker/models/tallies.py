"""Summary tables: counts of the public records, kept up to date in the writing transaction.

The pages that summarise (the home page, the matrix and network, country and system pages, the indexes,
the timelines) read these instead of counting a million requests per view. A record counts as the public
sees it: published and cited. Triggers (tracker/migrations/_tallies.py) keep every row right whatever
writes: the admin, publishing, imports, COPY, reverts, deletes in any order, raw SQL; a TRUNCATE counts
again. Written only by the triggers; `manage.py rebuild_tallies` counts everything again if ever needed,
and tests compare each table with the live count after random writes on both databases.

A row may fall to 0 and stay; counted() leaves those out. Keys are plain integers, 0 standing for
"none" (an undated request's year, a deployment without host): upserts need keys that are never NULL.
"""

from contextlib import contextmanager

from django.db import connections, models
from django.db.models import Sum

SIDES = {"requester": "r", "supplier": "s", "all": "*"}  # PeriodTally.side; "all" rows have country 0


class TallyQuerySet(models.QuerySet):
    def counted(self):
        return self.filter(n__gt=0)

    def sum_by(self, *keys):
        """{key or (keys): count} over the counted rows."""
        rows = self.counted().order_by().values_list(*keys).annotate(total=Sum("n"))
        if len(keys) == 1:
            return dict(rows)
        return {tuple(row[:-1]): row[-1] for row in rows}

    def total(self):
        return self.counted().aggregate(total=Sum("n"))["total"] or 0


class Tally(models.Model):
    n = models.PositiveIntegerField()

    objects = TallyQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        keys = (f.attname for f in self._meta.concrete_fields if f.attname not in ("id", "n"))
        return f"{', '.join(f'{k}={getattr(self, k)}' for k in keys)}: {self.n}"


class RequestTally(Tally):
    """Published, cited requests per requester, asked country and status."""

    requester = models.BigIntegerField()
    supplier = models.BigIntegerField()
    status = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["requester", "supplier", "status"], name="request_tally_key")]


class CountryTally(Tally):
    """Published, cited requests per country, side (r: it asked, s: it was asked) and status: the matrix's and
    the indexes' totals, a few thousand rows where RequestTally has one per pair."""

    country = models.BigIntegerField()
    side = models.CharField(max_length=1)
    status = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "side", "status"], name="country_tally_key")]


class PeriodTally(Tally):
    """Published, cited requests per country and side, year, month and date precision (undated: 0, 0, '').

    Each request counts three times: for its requester (side r), for its asked country (s) and in the total
    (country 0, side *). Month is 0 for a date known only to its year.
    """

    country = models.BigIntegerField()
    side = models.CharField(max_length=1)
    year = models.IntegerField()
    month = models.IntegerField()
    date_precision = models.CharField(max_length=5)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["country", "side", "year", "month", "date_precision"], name="period_tally_key"
            )
        ]


class SystemTally(Tally):
    """Published, cited requests per system named in their items (once per request), and period."""

    system = models.BigIntegerField()
    year = models.IntegerField()
    month = models.IntegerField()
    date_precision = models.CharField(max_length=5)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "year", "month", "date_precision"], name="system_tally_key")
        ]


class DeploymentTally(Tally):
    """Published, cited deployments per deploying country, host (0: none) and system (0: none)."""

    country = models.BigIntegerField()
    host = models.BigIntegerField()
    system = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "host", "system"], name="deployment_tally_key")]
        # A country page's hosted count and a system page's deployment count: read, not scanned (29,000 rows at 1M).
        indexes = [
            models.Index(fields=["host"], name="deployment_tally_host"),
            models.Index(fields=["system"], name="deployment_tally_system"),
        ]


class TypePairTally(Tally):
    """Published, cited requests per equipment type named in their items (once per request and type), requester,
    asked country and status: who asked whom for one type (a request for drones and radars counts in both)."""

    equipment_type = models.BigIntegerField()
    requester = models.BigIntegerField()
    supplier = models.BigIntegerField()
    status = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["equipment_type", "requester", "supplier", "status"], name="type_pair_tally_key"
            )
        ]


class TypeCountryTally(Tally):
    """TypePairTally summed per country and side: one type's matrix totals without reading every pair."""

    equipment_type = models.BigIntegerField()
    country = models.BigIntegerField()
    side = models.CharField(max_length=1)
    status = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["equipment_type", "country", "side", "status"], name="type_country_tally_key"
            )
        ]


class SystemPairTally(Tally):
    """Published, cited requests per system named in their items (once per request), requester, asked country
    and status: who asked whom for one system."""

    system = models.BigIntegerField()
    requester = models.BigIntegerField()
    supplier = models.BigIntegerField()
    status = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "requester", "supplier", "status"], name="system_pair_tally_key")
        ]


class TypePeriodTally(Tally):
    """Published, cited requests per equipment type named in their items (once per request and type) and period:
    one type's timeline (SystemTally's twin)."""

    equipment_type = models.BigIntegerField()
    year = models.IntegerField()
    month = models.IntegerField()
    date_precision = models.CharField(max_length=5)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["equipment_type", "year", "month", "date_precision"], name="type_period_tally_key"
            )
        ]


TALLIES = [RequestTally, CountryTally, PeriodTally, SystemTally, DeploymentTally]
ITEM_TALLIES = [TypePairTally, TypeCountryTally, SystemPairTally]  # migration 0023, triggers of their own
TYPE_PERIOD_TALLIES = [TypePeriodTally]  # migration 0030, triggers of their own


def rebuild_tallies(using="default"):
    """Count every tally again from the records, in the caller's transaction."""
    from tracker.migrations import _item_tallies, _tallies, _type_periods  # the SQL the migrations froze

    vendor = connections[using].vendor
    with connections[using].cursor() as cursor:
        for sql in [*_tallies.rebuild(vendor), *_item_tallies.rebuild(vendor), *_type_periods.rebuild(vendor)]:
            cursor.execute(sql)


@contextmanager
def counted_at_the_end(using="default"):
    """For a bulk load inside a transaction: the tally triggers are off and everything is counted once at the end;
    they are back before the transaction commits, so no other connection ever sees a database without them.

    SQLite: a trigger per row made generate_data nine times slower. PostgreSQL: the statement-level triggers
    rewrote the same tally rows at each COPY batch, leaving the tables many times their size in dead rows
    (CountryTally: 18 MB for 4,000 rows at 1,000,000 requests) and doubling the load's time. There the triggers
    are disabled, not dropped: ALTER TABLE's lock lets readers read while other writers wait for the commit.
    """
    from tracker.migrations import _item_tallies, _type_periods
    from tracker.migrations._tallies import EVENTS, TALLIES, WATCHED, sqlite_drop, sqlite_triggers

    connection = connections[using]
    assert connection.in_atomic_block, "only inside a transaction: the triggers must never be off outside it"
    if connection.vendor == "sqlite":
        off = [*sqlite_drop(), *_item_tallies.sqlite_drop(), *_type_periods.sqlite_drop()]
        on = [*sqlite_triggers(), *_item_tallies.sqlite_triggers(), *_type_periods.sqlite_triggers()]
    else:
        names = [(table, f"{table}_tally_{event.lower()}") for table in WATCHED for event in [*EVENTS, "TRUNCATE"]]
        names += [*_item_tallies.pg_trigger_names(), *_type_periods.pg_trigger_names()]
        # ALTER TABLE refuses a table with foreign key checks pending: they run first (Django defers them all).
        checked, deferred = "SET CONSTRAINTS ALL IMMEDIATE", "SET CONSTRAINTS ALL DEFERRED"
        off = [checked, *(f"ALTER TABLE {table} DISABLE TRIGGER {name}" for table, name in names), deferred]
        on = [checked, *(f"ALTER TABLE {table} ENABLE TRIGGER {name}" for table, name in names), deferred]
    with connection.cursor() as cursor:
        for sql in off:
            cursor.execute(sql)
    yield
    with connection.cursor() as cursor:
        for sql in on:
            cursor.execute(sql)
    rebuild_tallies(using)
    if connection.vendor == "postgresql":  # statistics for the first pages, before autovacuum comes round
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join([*TALLIES, *_item_tallies.TALLIES, *_type_periods.TALLIES])}")
