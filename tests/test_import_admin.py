"""The admin import page: a thin front for tracker.intake."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import revisions
from tracker.models import ArmsRequest, ImportRun

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
UPLOAD = reverse("admin:tracker_importrun_upload")


def upload(client, name, **options):
    file = SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")
    return client.post(UPLOAD, {"file": file, "kind": "requests", **options})


def test_dry_run_then_apply(editor_client):
    response = upload(editor_client, "sipri_classic.csv", skip_invalid="on", publish="on")
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{run.pk}/preview/")
    assert not ArmsRequest.objects.exists()
    page = editor_client.get(response["Location"]).content.decode()
    assert "would create 10" in page and "unknown country &#x27;Atlantis&#x27;" in page
    assert "Apply this import" in page
    rejects = b"".join(editor_client.get(reverse("admin:tracker_importrun_rejects", args=[run.pk])).streaming_content)
    assert b"Atlantis,Russia,2020" in rejects and rejects.startswith(b'"Transfers of major weapons')

    response = editor_client.post(response["Location"], follow=True)
    assert "created 10" in response.content.decode()
    applied = ImportRun.objects.get(state="applied")
    assert (applied.user.username, applied.created, applied.invalid) == ("edna", 10, 2)
    assert ArmsRequest.objects.published().count() == 10
    assert revisions(ArmsRequest.objects.first())[0].user.username == "edna"


def test_bad_rows_without_skip_cannot_be_applied(editor_client):
    response = upload(editor_client, "sipri_classic.csv")
    page = editor_client.get(response["Location"]).content.decode()
    assert "Apply this import" not in page and "Nothing has been written" in page
    editor_client.post(response["Location"])
    assert not ArmsRequest.objects.exists()


def test_unreadable_file_is_a_form_error(editor_client):
    file = SimpleUploadedFile("notes.csv", b"hello,world\n1,2\n")
    response = editor_client.post(UPLOAD, {"file": file, "kind": "requests"})
    assert response.status_code == 400
    assert "No known header" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_viewers_cannot_import_but_can_read_the_log(viewer_client, editor):
    editor_client = Client()
    editor_client.force_login(editor)
    upload(editor_client, "sipri_current.csv", skip_invalid="on")
    assert viewer_client.get(UPLOAD).status_code == 403
    assert upload(viewer_client, "sipri_current.csv").status_code == 403
    run = ImportRun.objects.get()
    preview = reverse("admin:tracker_importrun_preview", args=[run.pk])
    assert viewer_client.get(preview).status_code == 200
    assert viewer_client.post(preview).status_code == 403
    assert not ArmsRequest.objects.exists()


def test_import_log_changelist_query_count(admin_client):
    counts = []
    for name in ("sipri_current.csv", "sipri_classic.csv", "our_requests.csv"):
        upload(admin_client, name, skip_invalid="on")
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client.get(reverse("admin:tracker_importrun_changelist"))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(response.context["cl"].result_list) == 3
    assert counts == [8, 8, 8]
