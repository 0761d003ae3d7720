"""The admin import page: a thin front for tracker.intake."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import job_of, preview_url, revisions
from tracker.models import ArmsRequest, ImportRun, Job

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
UPLOAD = reverse("admin:tracker_importrun_upload")


def upload(client, name, **options):
    file = SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")
    return client.post(UPLOAD, {"file": file, "kind": "requests", **options})


def test_dry_run_then_apply(editor_client):
    response = upload(editor_client, "sipri_classic.csv", skip_invalid="on", publish="on")
    assert not ImportRun.objects.exists()  # the check is a job: nothing is read during the upload
    job = job_of(response)
    run = ImportRun.objects.get()
    assert (job.kind, job.state, job.import_run, job.user.username) == ("import-check", "done", run, "edna")
    assert job.unit == "rows" and job.done == 12 and job.total >= job.done
    assert f'href="{preview_url(run)}"' in editor_client.get(job.get_absolute_url()).content.decode()
    assert not ArmsRequest.objects.exists()
    page = editor_client.get(preview_url(run)).content.decode()
    assert "would create 10" in page and "unknown country &#x27;Atlantis&#x27;" in page
    assert "Apply this import" in page
    rejects = b"".join(editor_client.get(reverse("admin:tracker_importrun_rejects", args=[run.pk])).streaming_content)
    assert b"Atlantis,Russia,2020" in rejects and rejects.startswith(b'"Transfers of major weapons')

    job = job_of(editor_client.post(preview_url(run)))
    assert (job.kind, job.state, job.unit, job.done, job.total) == ("import-apply", "done", "records", 10, 10)
    assert "created 10" in job.summary
    applied = ImportRun.objects.get(state="applied")
    assert job.import_run == applied
    assert "created 10" in editor_client.get(preview_url(applied)).content.decode()
    assert (applied.user.username, applied.created, applied.invalid) == ("edna", 10, 2)
    assert ArmsRequest.objects.published().count() == 10
    assert revisions(ArmsRequest.objects.first())[0].user.username == "edna"


def test_bad_rows_without_skip_cannot_be_applied(editor_client):
    run = job_of(upload(editor_client, "sipri_classic.csv")).import_run
    page = editor_client.get(preview_url(run)).content.decode()
    assert "Apply this import" not in page and "Nothing has been written" in page
    job = job_of(editor_client.post(preview_url(run)))
    assert job.state == "done" and "bad row" in job.summary
    assert not ArmsRequest.objects.exists()


def test_an_unreadable_file_fails_its_check_and_says_why(editor_client):
    file = SimpleUploadedFile("notes.csv", b"hello,world\n1,2\n")
    job = job_of(editor_client.post(UPLOAD, {"file": file, "kind": "requests"}))
    assert job.state == "failed" and job.error.startswith("No known header")
    assert "Traceback" not in job.error  # the reader's message says it all
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert "No known header" in page and "Retry this job" in page
    assert not ImportRun.objects.exists()


def test_an_apply_already_queued_is_not_queued_twice(editor_client):
    run = job_of(upload(editor_client, "sipri_current.csv", skip_invalid="on")).import_run
    first = editor_client.post(preview_url(run))
    second = editor_client.post(preview_url(run))
    assert first["Location"] == second["Location"]
    assert Job.objects.filter(kind="import-apply").count() == 1
    assert "Being applied now" in editor_client.get(preview_url(run)).content.decode()


def test_viewers_cannot_import_but_can_read_the_log(viewer_client, editor):
    editor_client = Client()
    editor_client.force_login(editor)
    job = job_of(upload(editor_client, "sipri_current.csv", skip_invalid="on"))
    assert viewer_client.get(UPLOAD).status_code == 403
    assert upload(viewer_client, "sipri_current.csv").status_code == 403
    run = ImportRun.objects.get()
    preview = reverse("admin:tracker_importrun_preview", args=[run.pk])
    assert viewer_client.get(preview).status_code == 200
    assert viewer_client.post(preview).status_code == 403
    assert viewer_client.get(job.get_absolute_url()).status_code == 200  # the job page, read-only
    assert not Job.objects.filter(kind="import-apply").exists()
    assert not ArmsRequest.objects.exists()


def test_import_log_changelist_query_count(admin_client):
    counts = []
    for name in ("sipri_current.csv", "sipri_classic.csv", "our_requests.csv"):
        job_of(upload(admin_client, name, skip_invalid="on"))
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client.get(reverse("admin:tracker_importrun_changelist"))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(response.context["cl"].result_list) == 3
    assert counts == [8, 8, 8]
