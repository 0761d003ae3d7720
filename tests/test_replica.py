"""Reads on a real PostgreSQL streaming replica, writes on the primary: where every query went.

tests/replica.py starts a throwaway primary and a replica of it (initdb, pg_basebackup -R) on
free ports; tests/replica_site.py runs the site against them in a fresh process and counts
each query by the connection alias that ran it. The table it makes goes to
test-artifacts/replica-queries.txt.

The clusters are the test's own, whatever DATABASE_URL says; the test is selected when the
suite runs on PostgreSQL, or with `-m replica` (tests/conftest.py), and needs PostgreSQL's
server programs on this machine.
"""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.replica import Replicated

pytestmark = pytest.mark.replica

ARTIFACT = settings.BASE_DIR / "test-artifacts" / "replica-queries.txt"


@pytest.fixture(scope="module")
def report():
    started = time.monotonic()
    with Replicated() as pg:
        up = time.monotonic() - started
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "DJANGO_ENV_FILE": os.devnull,
            "DJANGO_DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DATABASE_URL": pg.primary_url,
            "DATABASE_REPLICA_URLS": pg.replica_url,
        }
        site = subprocess.run(
            [sys.executable, "-m", "tests.replica_site"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert site.returncode == 0, site.stderr[-4000:] + pg.log("replica")[-2000:]
        result = json.loads(site.stdout.strip().splitlines()[-1])
        result["ports"] = pg.ports
    result["clusters_up_seconds"] = round(up, 2)
    result["total_seconds"] = round(time.monotonic() - started, 2)
    write_table(result)
    return result


def write_table(result):
    lines = [
        f"Primary on port {result['ports']['primary']}, replica on {result['ports']['replica']}; "
        f"clusters up in {result['clusters_up_seconds']} s, whole run {result['total_seconds']} s; "
        f"replica caught up after setup in {result['first_catch_up_seconds']} s, "
        f"after its paused replay resumed in {result['lag_catch_up_seconds']} s.",
        f"Aliases: {result['aliases']}",
        "",
        "Queries per step (its time) and alias:",
    ]
    seconds = result["step_seconds"]
    lines += [f"  {step:34} {seconds[step]:6.2f} s  {counts}" for step, counts in result["steps"].items()]
    lines += ["", "Requests (status, queries per alias):"]
    lines += [
        f"  {r['step'][:30]:30} {r['who'][:24]:24} {r['status']} {r['path'][:60]:60} {r['queries']}"
        for r in result["requests"]
    ]
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text("\n".join(lines) + "\n")


def requests_of(report, step, who=None):
    return [r for r in report["requests"] if r["step"] == step and (who is None or r["who"] == who)]


def test_the_replica_is_a_real_standby_of_the_primary(report):
    assert report["aliases"]["default"] == {"in_recovery": False, "port": report["ports"]["primary"]}
    assert report["aliases"]["replica1"] == {"in_recovery": True, "port": report["ports"]["replica"]}
    assert "read-only transaction" in report["replica_refused_a_write"]


def test_migrations_demo_data_and_imports_write_on_the_primary_only(report):
    for step in ("migrate", "load_demo", "import command"):
        assert report["steps"][step].get("default", 0) > 0, step
        assert report["steps"][step].get("replica1", 0) == 0, step


def test_every_public_page_and_export_reads_the_replica_only(report):
    reads = requests_of(report, "public reads")
    paths = {r["path"] for r in reads}
    assert {"/", "/requests/", "/requests.csv", "/deployments.csv", "/matrix.csv", "/countries/VE/"} <= paths
    assert {"/api/requests/", "/api/requests.jsonl", "/api/countries.jsonl", "/citations.csv"} <= paths
    assert any(p.startswith("/requests/") and p.rstrip("/").split("/")[-1].isdigit() for p in paths)
    for r in reads:
        assert r["status"] == 200, r
        assert set(r["queries"]) <= {"replica1"}, r
    assert sum(r["queries"].get("replica1", 0) for r in reads) > 3 * len(reads)


def test_the_admin_reads_and_writes_the_primary_only(report):
    for r in requests_of(report, "admin reads") + requests_of(report, "publish while the replica lags", "editor"):
        assert r["status"] in (200, 302), r
        assert set(r["queries"]) == {"default"}, r


def test_a_writer_reads_its_own_write_while_a_visitor_waits_for_the_replica(report):
    lag = requests_of(report, "publish while the replica lags")
    publish, editor_reads, visitor_reads, pinned_reads = lag
    assert publish["status"] == 302 and publish["pin_cookie"]
    assert editor_reads["status"] == 200  # the primary has the record published
    assert visitor_reads["status"] == 404 and set(visitor_reads["queries"]) == {"replica1"}  # not yet replayed
    assert report["visitor_write_pinned"]
    assert pinned_reads["status"] == 200 and set(pinned_reads["queries"]) == {"default"}
    (after,) = requests_of(report, "after the replica caught up")
    assert after["status"] == 200 and set(after["queries"]) == {"replica1"}


def test_it_takes_seconds_not_minutes(report):
    assert report["clusters_up_seconds"] < 20
    assert report["total_seconds"] < 90
