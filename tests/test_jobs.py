"""Jobs run once, write all or nothing, say how far they are, and only the right people retry or cancel them."""

import datetime

import pytest
from django.utils import timezone

from tests import job_kinds  # noqa: F401  (registers the test kinds)
from tracker.jobs import progress as store
from tracker.jobs import runner
from tracker.models import Job, JobState, Source

pytestmark = pytest.mark.django_db


def start(kind, **arguments):
    return runner.start(kind, f"{kind} test", arguments=arguments)


def sources():
    return Source.objects.filter(outlet="Job test").count()


def test_a_job_runs_once_and_says_what_it_did():
    job = start("test-append")
    assert job.state == JobState.QUEUED
    assert runner.run(job.pk, "worker-1") == JobState.DONE
    assert runner.run(job.pk, "worker-2") is None  # already done: nobody runs it again
    job.refresh_from_db()
    assert (job.state, job.summary, job.attempts, job.worker) == (JobState.DONE, "1 source written", 1, "worker-1")
    assert (job.done, job.total, job.unit, job.stage) == (2, 2, "sources", "Writing")
    assert job.started_at <= job.finished_at
    assert sources() == 1


def test_of_two_claims_one_wins():
    job = start("test-append")
    assert runner.claim(job.pk, "worker-1") is not None
    assert runner.claim(job.pk, "worker-2") is None


def test_a_failing_job_writes_nothing_and_keeps_the_error():
    job = start("test-fail")
    assert runner.run(job.pk, "worker-1") == JobState.FAILED
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.finished_at
    assert job.error.startswith("ValueError: the file is not what it says")
    assert sources() == 0


def test_a_job_that_lost_its_lease_keeps_nothing():
    """The kind marks its own job interrupted midway, as another worker's reap would: "done" finds the job no
    longer running under this worker, and the whole transaction, the work included, is rolled back."""
    job = start("test-reaped")
    assert runner.run(job.pk, "worker-1") is None
    assert sources() == 0
    job.refresh_from_db()
    assert job.state == JobState.RUNNING  # here the simulated reap was rolled back too; a real one commits


def test_a_job_whose_worker_stopped_beating_is_interrupted(settings):
    settings.JOBS_LEASE_SECONDS = 30
    job = start("test-append")
    runner.claim(job.pk, "dead-worker")
    assert runner.reap() == 0  # just claimed: its lease holds
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(seconds=31))
    if store.is_sqlite():  # SQLite's heartbeats live in the side file
        store.write(job.pk, "dead-worker", stage="", done=0, total=None, unit="steps")
        assert runner.reap() == 0
        store.forget(job.pk)
    assert runner.reap() == 1
    job.refresh_from_db()
    assert job.state == JobState.INTERRUPTED and job.finished_at
    assert "dead-worker stopped answering" in job.error
    assert runner.run(job.pk, "worker-2") is None  # not queued: a person decides to retry


def test_a_network_error_is_retried_with_backoff_then_fails():
    job = start("test-flaky")
    assert job.max_attempts == 3
    for attempt in (1, 2):
        assert runner.run(job.pk, f"worker-{attempt}") == JobState.QUEUED
        job.refresh_from_db()
        assert job.state == JobState.QUEUED and job.run_after > timezone.now()
        assert job.error.startswith(f"Attempt {attempt}: ConnectionError")
    assert runner.backoff(1) < runner.backoff(2) < runner.backoff(3)
    assert runner.run(job.pk, "worker-3") == JobState.FAILED
    assert runner.run(job.pk, "worker-4") is None


def test_retry_and_cancel():
    failed = start("test-fail")
    runner.run(failed.pk, "worker-1")
    failed.refresh_from_db()
    assert runner.cancel(failed) is False
    assert runner.retry(failed) is True
    failed.refresh_from_db()
    assert (failed.state, failed.max_attempts, failed.finished_at) == (JobState.QUEUED, 2, None)
    assert runner.retry(failed) is False  # already queued
    queued = start("test-append")
    assert runner.cancel(queued) is True
    assert runner.run(queued.pk, "worker-1") is None
    assert sources() == 0


def test_old_finished_jobs_are_purged():
    old, recent, running = start("test-append"), start("test-append"), start("test-append")
    for job in (old, recent):
        runner.run(job.pk, "worker-1")
    runner.claim(running.pk, "worker-1")
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=31))
    assert runner.purge() == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}


def test_the_database_refuses_impossible_states():
    from django.db import IntegrityError, transaction

    job = start("test-append")
    for fields in ({"state": JobState.DONE}, {"state": JobState.RUNNING}, {"attempts": 5}, {"state": "lost"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Job.objects.filter(pk=job.pk).update(**fields)


# The job page and its JSON


def test_the_job_page_shows_a_progress_bar_and_its_state(editor_client):
    job = start("test-sleep", seconds=1)
    runner.claim(job.pk, "worker-1")
    runner.Progress(job, "worker-1")(done=3, total=10, stage="Waiting", unit="ticks", force=True)
    page = editor_client.get(f"/admin/tracker/job/{job.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="job-bar"' in html and "js/job.js" in html and 'http-equiv="refresh"' in html
    state = editor_client.get(f"/admin/tracker/job/{job.pk}/state.json").json()
    if not store.is_sqlite():  # PostgreSQL's progress is written on a second connection: not in this test's
        return  # transaction. tests/test_jobs_live.py reads it from a real worker on both databases.
    assert (state["state"], state["done"], state["total"], state["percent"]) == ("running", 3, 10, 30)
    assert state["text"] == "3 of 10 ticks (30%)"


def test_a_finished_job_page_neither_refreshes_nor_polls(editor_client):
    job = start("test-append")
    runner.run(job.pk, "worker-1")
    html = editor_client.get(f"/admin/tracker/job/{job.pk}/change/").content.decode()
    assert 'http-equiv="refresh"' not in html
    assert 'data-finished="1"' in html and "1 source written" in html


def test_a_viewer_reads_a_job_but_cannot_retry_or_cancel_it(viewer_client, editor):
    failed, queued = start("test-fail"), start("test-append")
    Job.objects.filter(pk__in=[failed.pk, queued.pk]).update(kind="import-check", user=editor)
    failed.kind = "test-fail"
    runner.run(failed.pk, "worker-1")
    page = viewer_client.get(f"/admin/tracker/job/{failed.pk}/change/")
    assert page.status_code == 200 and "Retry" not in page.content.decode()
    assert viewer_client.get(f"/admin/tracker/job/{failed.pk}/state.json").status_code == 200
    assert viewer_client.post(f"/admin/tracker/job/{failed.pk}/retry/").status_code == 403
    assert viewer_client.post(f"/admin/tracker/job/{queued.pk}/cancel/").status_code == 403
    assert Job.objects.get(pk=queued.pk).state == JobState.QUEUED
    for path in ("/admin/tracker/job/add/", f"/admin/tracker/job/{queued.pk}/delete/"):
        assert viewer_client.get(path).status_code == 403


def test_an_editor_who_may_import_retries_an_import_job(editor_client):
    job = start("test-fail")
    runner.run(job.pk, "worker-1")
    Job.objects.filter(pk=job.pk).update(kind="import-check")
    assert editor_client.get(f"/admin/tracker/job/{job.pk}/retry/").status_code == 405
    response = editor_client.post(f"/admin/tracker/job/{job.pk}/retry/")
    assert response.status_code == 302
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED


def test_anonymous_visitors_see_no_job(client):
    job = start("test-append")
    for path in (f"/admin/tracker/job/{job.pk}/change/", f"/admin/tracker/job/{job.pk}/state.json"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.post(f"/admin/tracker/job/{job.pk}/cancel/").status_code == 302
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED


def test_the_job_list_has_a_pinned_query_count(editor_client, django_assert_max_num_queries):
    for _ in range(30):
        start("test-append")
    with django_assert_max_num_queries(8):
        assert editor_client.get("/admin/tracker/job/").status_code == 200


@pytest.mark.parametrize("kind", ["reader-read", "evidence-capture"])
def test_an_editor_retries_a_failed_reading_or_capture_a_viewer_cannot(editor_client, viewer, kind):
    from django.test import Client

    job = start("test-fail")
    runner.run(job.pk, "worker-1")
    Job.objects.filter(pk=job.pk).update(kind=kind)
    looker = Client()
    looker.force_login(viewer)
    assert looker.post(f"/admin/tracker/job/{job.pk}/retry/").status_code == 403
    assert editor_client.post(f"/admin/tracker/job/{job.pk}/retry/").status_code == 302
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
