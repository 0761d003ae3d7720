"""Running a job once: claim it, keep its lease alive, do the work, finish it only while still holding it.

- Claim: one UPDATE from queued to running (with this worker's id and a first heartbeat).
  Two workers handed the same job (a queue delivering twice, a retry racing a worker): one
  update succeeds, the other finds nothing to claim and leaves.
- Lease: a thread beats every HEARTBEAT seconds on a connection of its own (progress.py), so
  a job busy in one long step still shows it is alive. A worker killed with SIGKILL stops
  beating; after LEASE seconds any worker marks the job interrupted (`reap`).
- Finish: an atomic kind's work and the job's "done" are one transaction, and "done" is
  written only if the job is still running under this worker. A job reaped meanwhile raises,
  and its work is rolled back: a job that dies writes nothing.
"""

import datetime
import logging
import threading
import time
import traceback

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from tracker.models import Job, StagedFile
from tracker.models.jobs import JOBS_KEPT_DAYS, JobState

from . import progress as store
from .kinds import kind_of, periodic

logger = logging.getLogger("tracker.jobs")


def lease_seconds():
    return settings.JOBS_LEASE_SECONDS


class LostLease(Exception):
    """The job was marked interrupted (or cancelled) while this worker ran it."""


class Progress:
    """What a kind's function reports: stage, done and total, written at most every `every` seconds."""

    def __init__(self, job, worker, every=0.25):
        self.job_id, self.worker, self.every = job.pk, worker, every
        self.stage, self.done, self.total, self.unit = job.stage, job.done, job.total, job.unit
        self.written = 0.0
        self.lock = threading.Lock()

    def __call__(self, done=None, total=None, stage=None, unit=None, force=False):
        if stage is not None:  # a stage naming a long URL must not fail the job on PostgreSQL
            stage = stage[: Job._meta.get_field("stage").max_length]
        with self.lock:
            if stage is not None and stage != self.stage:
                self.stage, force = stage, True
            if unit is not None:
                self.unit = unit
            if total is not None:
                self.total = total
            if done is not None:
                self.done = done
            if force or time.monotonic() - self.written >= self.every:
                self.write()

    def advance(self, by=1):
        self(done=self.done + by)

    def write(self):
        store.write(self.job_id, self.worker, stage=self.stage, done=self.done, total=self.total, unit=self.unit)
        self.written = time.monotonic()

    def beat(self):
        with self.lock:
            self.write()


class Heartbeat(threading.Thread):
    def __init__(self, progress):
        super().__init__(daemon=True, name=f"heartbeat-{progress.job_id}")
        self.progress, self.stopped = progress, threading.Event()

    def run(self):
        while not self.stopped.wait(settings.JOBS_HEARTBEAT_SECONDS):
            try:
                self.progress.beat()
            except Exception:  # a missed beat is not fatal; the lease allows several
                logger.exception("Job %s: heartbeat failed", self.progress.job_id)
        store.close()

    def stop(self):
        self.stopped.set()
        self.join()


def claim(job_id, worker):
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED, attempts__lt=F("max_attempts")).update(
        state=JobState.RUNNING, worker=worker, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    return Job.objects.get(pk=job_id) if claimed else None


def run(job_id, worker):
    """Run a queued job under this worker. Returns the job's final state, or None if it was not ours to run."""
    job = claim(job_id, worker)
    if job is None:
        return None
    kind = kind_of(job.kind)
    progress = Progress(job, worker)
    progress(force=True)
    heartbeat = Heartbeat(progress)
    heartbeat.start()
    try:
        if kind is None:
            raise LookupError(f"No job kind {job.kind!r} in this version of the tracker.")
        if kind.atomic:
            with transaction.atomic():
                finish(job, worker, JobState.DONE, progress, **outcome(kind.function(job, progress)))
        else:
            finish(job, worker, JobState.DONE, progress, **outcome(kind.function(job, progress)))
        return JobState.DONE
    except LostLease:
        logger.warning("Job %s: lost its lease; its work was not kept", job_id)
        return None
    except Exception as error:
        logger.exception("Job %s failed", job_id)
        return fail(job, worker, kind, error, progress)
    finally:
        heartbeat.stop()
        store.forget(job_id)
        store.close()


def outcome(returned):
    """A kind's return value as the job's fields: a summary line, or a dict of fields."""
    if isinstance(returned, dict):
        return {"summary": "", **returned}
    return {"summary": returned or ""}


def finish(job, worker, state, progress, **fields):
    """Record the end, only if the job is still running under this worker (else: LostLease)."""
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=worker).update(
        state=state,
        finished_at=now,
        heartbeat_at=now,
        stage=progress.stage,
        done=progress.done,
        total=progress.total,
        unit=progress.unit,
        **fields,
    )
    if not updated:
        raise LostLease(job.pk)


def fail(job, worker, kind, error, progress):
    explained = kind is not None and isinstance(error, kind.explained)
    message = (str(error) if explained else f"{type(error).__name__}: {error}")[:2000]
    retry = kind is not None and isinstance(error, kind.retry_on) and job.attempts < job.max_attempts
    if retry:
        delay = backoff(job.attempts)
        updated = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=worker).update(
            state=JobState.QUEUED, run_after=timezone.now() + delay, error=f"Attempt {job.attempts}: {message}"
        )
        if updated:
            enqueue(job, delay=delay)
        return JobState.QUEUED
    try:
        details = "" if explained else "\n\n" + traceback.format_exc()[-4000:]
        finish(job, worker, JobState.FAILED, progress, error=message + details)
    except LostLease:
        return None
    return JobState.FAILED


def backoff(attempt):
    """30 s, 2 min, 8 min, … capped at an hour."""
    return datetime.timedelta(seconds=min(3600, 30 * 4 ** (attempt - 1)))


@task(takes_context=True)
def run_job(context, job_id):
    """The one django-tasks task: the queue carries only the job's id; the row carries the rest."""
    worker = context.task_result.worker_ids[-1] if context.task_result.worker_ids else "unnamed"
    return {"job": job_id, "state": run(job_id, worker)}


def enqueue(job, delay=None):
    """Hand the job to the queue once the transaction that made it commits (a worker must find its row)."""
    task = run_job.using(run_after=timezone.now() + delay) if delay else run_job
    transaction.on_commit(lambda: task.enqueue(job.pk))


def start(kind_name, title, *, user=None, arguments=None, **fields):
    """A new job of a registered kind, queued."""
    kind = kind_of(kind_name)
    if kind is None:
        raise LookupError(f"No job kind {kind_name!r}.")
    job = Job.objects.create(
        kind=kind_name,
        title=title[:300],
        user=user,
        arguments=arguments or {},
        max_attempts=kind.max_attempts,
        **fields,
    )
    enqueue(job)
    return job


def retry(job):
    """Queue a failed or interrupted job again (from the admin): one more attempt."""
    updated = Job.objects.filter(pk=job.pk, state__in=[JobState.FAILED, JobState.INTERRUPTED]).update(
        state=JobState.QUEUED,
        max_attempts=job.attempts + 1,
        finished_at=None,
        run_after=None,
        done=0,
        error="",
        stage="Queued again",
    )
    if updated:
        enqueue(job)
    return bool(updated)


def cancel(job):
    """A queued job is cancelled at once; a running one is not stopped midway (its work is one transaction)."""
    return bool(
        Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
            state=JobState.CANCELLED, finished_at=timezone.now(), stage="Cancelled"
        )
    )


def reap():
    """Mark interrupted the running jobs whose worker stopped beating; queue again those with attempts left."""
    lost = list(Job.objects.lost(lease_seconds()).only("pk", "worker", "attempts", "max_attempts"))
    if store.is_sqlite() and lost:  # SQLite's heartbeats are in the side file
        beats = store.heartbeats([job.pk for job in lost])
        cutoff = timezone.now() - datetime.timedelta(seconds=lease_seconds())
        lost = [job for job in lost if not (job.pk in beats and beats[job.pk][1] >= cutoff)]
    reaped = 0
    for job in lost:
        again = job.attempts < job.max_attempts
        updated = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=job.worker).update(
            state=JobState.QUEUED if again else JobState.INTERRUPTED,
            finished_at=None if again else timezone.now(),
            error=f"The worker {job.worker} stopped answering during attempt {job.attempts}; "
            "nothing that attempt was writing was kept.",
        )
        if updated:
            reaped += 1
            store.forget(job.pk)
            if again:
                enqueue(job, delay=backoff(job.attempts))
    return reaped


def purge(days=None):
    """Delete finished jobs older than JOBS_KEPT_DAYS, and files staged for jobs a week ago and never used."""
    deleted, _ = Job.objects.finished_before(JOBS_KEPT_DAYS if days is None else days).delete()
    StagedFile.objects.expired().delete()
    return deleted


def start_periodic():
    """Queue each periodic kind that has no job created within its interval; returns the jobs queued."""
    started = []
    for kind, interval in periodic():
        if not Job.objects.filter(kind=kind.name, created_at__gte=timezone.now() - interval).exists():
            started.append(start(kind.name, kind.label))
    return started
