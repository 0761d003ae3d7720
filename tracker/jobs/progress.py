"""Where a running job's progress and heartbeat go, so they are seen while its work is uncommitted.

A job's work may run in one long transaction (an import applies all or nothing), so
progress written on the same connection would stay invisible until the end, and be rolled
back with it. Progress is written on a connection of its own, committed at once:

- PostgreSQL: a second connection updates the job's row (the work never locks that row
  until its very last statement), so any web server on any machine reads it there;
- SQLite: one writer at a time, and the work holds the write lock, so progress goes to a
  small side file beside the database (`db.sqlite3-jobs`); SQLite is one machine anyway.
"""

import datetime
import sqlite3
import threading
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

_local = threading.local()


def is_sqlite():
    return connections["default"].vendor == "sqlite"


def side_file():
    """The SQLite side file: JOBS_PROGRESS_FILE, or the database's file name plus -jobs."""
    if getattr(settings, "JOBS_PROGRESS_FILE", None):
        return Path(settings.JOBS_PROGRESS_FILE)
    return Path(f"{connections['default'].settings_dict['NAME']}-jobs")


def _side():
    path = str(side_file())
    conn = getattr(_local, "side", None)
    if conn is None or _local.side_path != path:
        conn = sqlite3.connect(path, timeout=5, isolation_level=None)  # autocommit
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS progress (job INTEGER PRIMARY KEY, worker TEXT, stage TEXT, "
            "done INTEGER, total INTEGER, unit TEXT, heartbeat TEXT)"
        )
        _local.side, _local.side_path = conn, path
    return conn


def _pg():
    conn = getattr(_local, "pg", None)
    if conn is None or conn.closed:
        import psycopg

        params = connections["default"].get_connection_params()
        conn = psycopg.connect(**params, autocommit=True)
        _local.pg = conn
    return conn


def write(job_id, worker, *, stage, done, total, unit):
    """Progress and a heartbeat, committed now, whatever transaction the work is in."""
    now = timezone.now()
    if is_sqlite():
        _side().execute(
            "INSERT INTO progress VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job) DO UPDATE SET "
            "worker = excluded.worker, stage = excluded.stage, done = excluded.done, total = excluded.total, "
            "unit = excluded.unit, heartbeat = excluded.heartbeat",
            (job_id, worker, stage, done, total, unit, now.isoformat()),
        )
    else:
        _pg().execute(
            "UPDATE tracker_job SET stage = %s, done = %s, total = %s, unit = %s, heartbeat_at = %s "
            "WHERE id = %s AND state = 'running' AND worker = %s",
            (stage, done, total, unit, now, job_id, worker),
        )


def forget(job_id):
    if is_sqlite():
        _side().execute("DELETE FROM progress WHERE job = ?", (job_id,))


def overlay(jobs):
    """Running jobs with the progress and heartbeat their workers wrote (SQLite: from the side file)."""
    running = {job.pk: job for job in jobs if job.state == "running"}
    if not running or not is_sqlite():
        return jobs
    marks = ",".join("?" * len(running))
    rows = _side().execute(
        f"SELECT job, worker, stage, done, total, unit, heartbeat FROM progress WHERE job IN ({marks})",
        list(running),
    )
    for job_id, worker, stage, done, total, unit, heartbeat in rows:
        job = running[job_id]
        if worker == job.worker:
            job.stage, job.done, job.total, job.unit = stage, done, total, unit
            job.heartbeat_at = max(job.heartbeat_at, datetime.datetime.fromisoformat(heartbeat))
    return jobs


def heartbeats(job_ids):
    """{job id: (worker, last heartbeat)} from the side file (SQLite only)."""
    if not job_ids:
        return {}
    marks = ",".join("?" * len(job_ids))
    rows = _side().execute(f"SELECT job, worker, heartbeat FROM progress WHERE job IN ({marks})", list(job_ids))
    return {job: (worker, datetime.datetime.fromisoformat(beat)) for job, worker, beat in rows}


def close():
    """Close this thread's progress connections (a heartbeat thread's, when its job ends)."""
    for name in ("side", "pg"):
        conn = getattr(_local, name, None)
        if conn is not None:
            conn.close()
            setattr(_local, name, None)
