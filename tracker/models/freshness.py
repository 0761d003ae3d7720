"""How fresh the public data is: a version that every write to it changes, in the writing transaction.

Triggers (migration 0014) bump it on every INSERT, UPDATE and DELETE (and TRUNCATE) of the tables the
public side reads, whatever wrote them: the admin, publishing actions, an import's bulk writes, the
synthetic generator's COPY, a revert, raw SQL. A validator built from it (the API's ETag) therefore
changes exactly when what the public sees may have changed, deletes included, and reading it is one
query over a few rows whatever the size of the database.

PostgreSQL: a statement-level trigger. A writing transaction takes one of SHARDS rows that no other
running transaction holds (FOR UPDATE SKIP LOCKED) and bumps it at each statement, so writers never
queue behind a long import here; the version is the sum of the rows, which grows at each commit,
atomically with the data. SQLite: row-level triggers (it has no others) on one row; it has one writer at a time.

A fresh row starts at the clock in microseconds, so a database built anew never repeats the versions
of the one it replaced. SQLite caveat (as migration 0007's): a migration that makes Django rebuild a
watched table drops its triggers; create them again there (tests/test_api_http.py checks they exist).
"""

from django.db import models
from django.db.models import Max, Sum

SHARDS = 16
# The tables whose rows the public side shows or filters on; every other table of ours is listed in
# UNWATCHED with its reason (tests check that each table is in one or the other).
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
    "tracker_capture",  # migration 0026
    "tracker_linkcheck",
    "tracker_claim",  # migration 0028
]
UNWATCHED = {
    "tracker_importrun": "the import log is admin-only",
    "tracker_job": "background jobs are admin-only",
    "tracker_stagedfile": "files waiting for a job are admin-only",
    "tracker_reading": "readings are admin-only",
    "tracker_release": "a release never changes once written; /api/releases/ answers without the data version's ETags",
    "tracker_releasespan": "written with its release, in the same job; read only beside it",
    "tracker_dataversion": "the version itself",
    **dict.fromkeys(
        [
            "tracker_requesttally",
            "tracker_countrytally",
            "tracker_periodtally",
            "tracker_systemtally",
            "tracker_deploymenttally",
            "tracker_typepairtally",
            "tracker_typeperiodtally",
            "tracker_typecountrytally",
            "tracker_systempairtally",
        ],
        "counts written by triggers, in the same statements as the watched writes that bump the version",
    ),
}


class DataVersionQuerySet(models.QuerySet):
    def current(self):
        """(version, time of the last change): one query. (0, None) before any watched write."""
        found = self.aggregate(version=Sum("version"), changed_at=Max("changed_at"))
        return found["version"] or 0, found["changed_at"]


class DataVersion(models.Model):
    """One shard of the public data's version (see the module's docstring); written only by triggers."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    version = models.BigIntegerField()
    changed_at = models.DateTimeField()

    objects = DataVersionQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"shard {self.id}: version {self.version} at {self.changed_at:%Y-%m-%d %H:%M:%S}"
