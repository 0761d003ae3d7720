"""Migration 0022: the bad rows a dry run kept in its report move to a compressed field of their own."""

import zlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = ("tracker", "0021_jobs"), ("tracker", "0022_importrun_rejects")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps.get_model("tracker", "ImportRun")


@pytest.mark.django_db(transaction=True)
def test_kept_bad_rows_leave_the_report_compressed():
    old = migrate(BEFORE)
    text = "Recipient,Supplier,Year of order\nAtlantis,Russia,2020\n"
    fields = {"file_name": "a.csv", "kind": "requests", "file_format": "sipri-classic", "state": "previewed"}
    kept = old.objects.create(report={"summary": "s", "rejects": text, "encoding": "cp1252"}, **fields)
    none = old.objects.create(report={"summary": "s", "rejects": ""}, **fields)
    try:
        new = migrate(AFTER)
        run = new.objects.values("report", "rejects").get(pk=kept.pk)
        assert zlib.decompress(run["rejects"]).decode() == text
        assert run["report"] == {"summary": "s", "encoding": "cp1252"}
        assert new.objects.values_list("rejects", flat=True).get(pk=none.pk) is None
        back = migrate(BEFORE)
        assert back.objects.get(pk=kept.pk).report["rejects"] == text
    finally:  # the latest schema again for the tests after this one
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
