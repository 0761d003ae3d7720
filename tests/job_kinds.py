"""Job kinds for the tests: each leaves a Source behind as its side effect, so a test can count what ran."""

import time

from tracker.jobs.kinds import job_kind
from tracker.models import Job, JobState, Source


@job_kind("test-append", "Test: write one source")
def append(job, progress):
    progress(done=0, total=2, stage="Writing", unit="sources")
    Source.objects.create(outlet="Job test", title=f"job {job.pk}")
    progress(done=2, force=True)
    return "1 source written"


@job_kind("test-sleep", "Test: write, then wait")
def sleep(job, progress):
    Source.objects.create(outlet="Job test", title=f"job {job.pk}")
    seconds = job.arguments.get("seconds", 30)
    for n in range(seconds * 10):
        progress(done=n + 1, total=seconds * 10, stage="Waiting", unit="ticks")
        time.sleep(0.1)
    return "waited"


@job_kind("test-fail", "Test: write, then fail")
def fail(job, progress):
    Source.objects.create(outlet="Job test", title=f"job {job.pk}")
    raise ValueError("the file is not what it says")


@job_kind("test-reaped", "Test: write, then lose the lease")
def reaped(job, progress):
    Source.objects.create(outlet="Job test", title=f"job {job.pk}")
    Job.objects.filter(pk=job.pk).update(state=JobState.INTERRUPTED, finished_at=job.created_at)
    return "finished after losing the lease"


@job_kind("test-flaky", "Test: a network error", atomic=False, max_attempts=3, retry_on=(ConnectionError,))
def flaky(job, progress):
    raise ConnectionError("connection reset by peer")
