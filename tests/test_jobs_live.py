"""Real workers (`manage.py run_jobs` processes) on a database of their own: each job runs exactly once,
and a worker killed with SIGKILL mid-job leaves the job interrupted within the lease, with nothing written.

The database is a fresh SQLite file, or a fresh PostgreSQL database beside the suite's, migrated by the
same command a deployment uses; the workers load the test kinds of tests/job_kinds.py.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db  # only for the suite's connection settings; the workers use their own database

WORKER = """
import sys
import django
django.setup()
import tests.job_kinds
from django.core.management import call_command
call_command("run_jobs", "--interval", "0.05", "--worker-id", sys.argv[1])
"""

ENQUEUE = """
import sys
import django
django.setup()
import tests.job_kinds
from django.db import transaction
from tracker.jobs import runner
kind, count, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with transaction.atomic():
    ids = [runner.start(kind, f"{kind} {n}", arguments={"seconds": seconds}).pk for n in range(count)]
print(ids[0], ids[-1])
"""


@pytest.fixture(scope="module")
def live_db(tmp_path_factory, django_db_blocker):
    folder = tmp_path_factory.mktemp("jobs-live")
    with django_db_blocker.unblock():
        vendor = connection.vendor
        params = connection.get_connection_params() if vendor == "postgresql" else None
    name = f"jobs_live_{os.getpid()}"
    if vendor == "postgresql":
        url = (
            f"postgres://{params.get('user', 'postgres')}@{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}"
        )
        admin = psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True)
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
        url = f"{url}/{name}"
    else:
        url = f"sqlite:///{folder / 'db.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_ENV_FILE": os.devnull,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": url,
        "DJANGO_JOBS_HEARTBEAT_SECONDS": "1",
        "DJANGO_JOBS_LEASE_SECONDS": "4",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=settings.BASE_DIR, check=True
    )
    if vendor == "postgresql":
        reader = psycopg.connect(**{**params, "dbname": name}, autocommit=True)
    else:
        reader = sqlite3.connect(folder / "db.sqlite3", isolation_level=None)
    yield {"env": env, "folder": folder, "reader": reader}
    reader.close()
    if vendor == "postgresql":
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def python(live_db, script, *args):
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        env=live_db["env"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def query(live_db, sql):
    return [list(row) for row in live_db["reader"].execute(sql).fetchall()]


def worker(live_db, name):
    log = open(live_db["folder"] / f"{name}.log", "w")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, name], env=live_db["env"], cwd=settings.BASE_DIR, stdout=log, stderr=log
    )


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"not within {seconds} s: {what}")


def stop(*processes):
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_two_workers_run_each_of_200_jobs_exactly_once(live_db):
    first, last = map(int, python(live_db, ENQUEUE, "test-append", 200, 0).split())
    workers = [worker(live_db, "worker-a"), worker(live_db, "worker-b")]
    try:
        done = f"SELECT count(*) FROM tracker_job WHERE id BETWEEN {first} AND {last} AND state = 'done'"
        wait_until(lambda: query(live_db, done)[0][0] == 200, 120, "200 jobs done")
    finally:
        stop(*workers)
    rows = query(live_db, f"SELECT attempts, worker, summary FROM tracker_job WHERE id BETWEEN {first} AND {last}")
    assert {(attempts, summary) for attempts, _, summary in rows} == {(1, "1 source written")}
    titles = query(
        live_db,
        f"SELECT title, count(*) FROM tracker_source WHERE outlet = 'Job test' AND title IN "
        f"({', '.join(repr(f'job {n}') for n in range(first, last + 1))}) GROUP BY title",
    )
    assert len(titles) == 200 and {count for _, count in titles} == {1}  # each job's side effect once
    by_worker = {name for _, name, _ in rows}
    print(f"\n200 jobs, 2 workers: {len([r for r in rows if r[1] == 'worker-a'])} ran on worker-a")
    assert by_worker <= {"worker-a", "worker-b"}


def test_a_worker_killed_mid_job_leaves_it_interrupted_and_nothing_written(live_db):
    job_id, _ = python(live_db, ENQUEUE, "test-sleep", 1, 60).split()
    victim = worker(live_db, "victim")
    survivor = None
    try:
        progress = (
            f"SELECT done FROM tracker_job WHERE id = {job_id} AND state = 'running'"
            if "postgres" in live_db["env"]["DATABASE_URL"]
            else f"SELECT state FROM tracker_job WHERE id = {job_id} AND state = 'running'"
        )
        wait_until(lambda: query(live_db, progress), 60, "the job running")
        time.sleep(1.5)  # a few heartbeats, and the job's source written in its open transaction
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        killed_at = time.monotonic()
        survivor = worker(live_db, "survivor")
        state = f"SELECT state, error FROM tracker_job WHERE id = {job_id}"
        wait_until(lambda: query(live_db, state)[0][0] == "interrupted", 30, "the job interrupted")
        took = time.monotonic() - killed_at
    finally:
        stop(*(p for p in (victim, survivor) if p))
    print(f"\nkilled worker's job interrupted {took:.1f} s after SIGKILL (lease 4 s)")
    assert took < 4 + 10  # the lease, half a lease between janitor rounds, and process start-up
    ((state, error),) = query(live_db, state)
    assert "victim stopped answering" in error
    assert query(live_db, f"SELECT count(*) FROM tracker_source WHERE title = 'job {job_id}'") == [[0]]
