"""What the import log keeps of an uploaded file: compressed, only while it can still be applied, never in the list."""

import datetime
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import job_of, preview_url
from tracker.models import ArmsRequest, ImportRun, StagedFile

DATA = Path(__file__).parent / "data"
UPLOAD = reverse("admin:tracker_importrun_upload")


def upload(client, name, **options):
    file = SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")
    return job_of(client.post(UPLOAD, {"file": file, "kind": "requests", **options})).import_run


@pytest.mark.django_db
def test_the_changelist_never_reads_the_stored_files(editor_client):
    upload(editor_client, "sipri_classic.csv", skip_invalid="on")
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(reverse("admin:tracker_importrun_changelist"))
    assert response.status_code == 200 and "sipri_classic.csv" in response.content.decode()
    runs = [q["sql"] for q in queries if 'FROM "tracker_importrun"' in q["sql"]]
    assert runs and not [sql for sql in runs if '"upload"' in sql or '"report"' in sql], runs


@pytest.mark.django_db
def test_a_dry_run_keeps_the_file_compressed_until_it_is_applied(editor_client):
    original = (DATA / "sipri_classic.csv").read_bytes()  # Latin-1, with bad rows
    preview = upload(editor_client, "sipri_classic.csv", skip_invalid="on", publish="on")
    stored = ImportRun.objects.filter(pk=preview.pk).values_list("upload", flat=True).get()
    assert zlib.decompress(stored) == original and len(stored) < len(original)

    page = editor_client.get(reverse("admin:tracker_importrun_preview", args=[preview.pk]))
    assert "would create 10" in page.content.decode() and "Apply this import" in page.content.decode()
    assert not StagedFile.objects.exists()  # the check's job took the staged upload and dropped it
    applied = job_of(editor_client.post(preview_url(preview))).import_run
    assert "created 10" in editor_client.get(preview_url(applied)).content.decode()
    assert applied.state == "applied"
    assert ArmsRequest.objects.published().count() == 10
    # The file as uploaded, not a UTF-8 copy: the applied run's bad rows are in the file's own encoding.
    assert applied.report["encoding"] == preview.report["encoding"] == "cp1252"
    assert applied.upload is None  # a real run keeps nothing

    preview.refresh_from_db()
    assert preview.upload is None and preview.report["applied_as"] == applied.pk
    page = editor_client.get(reverse("admin:tracker_importrun_preview", args=[preview.pk])).content.decode()
    assert "Applied as" in page and "Apply this import" not in page
    job = job_of(editor_client.post(preview_url(preview)))
    assert job.state == "failed" and "already applied" in job.error
    assert ImportRun.objects.filter(state="applied").count() == 1


@pytest.mark.django_db
def test_old_dry_runs_lose_their_files_at_the_next_upload_or_by_command(editor_client):
    old = upload(editor_client, "sipri_current.csv")
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    recent = upload(editor_client, "sipri_classic.csv", skip_invalid="on")
    old.refresh_from_db()
    assert old.upload is None and old.report["summary"]  # the run and its report stay
    page = editor_client.get(reverse("admin:tracker_importrun_preview", args=[old.pk])).content.decode()
    assert "no longer kept" in page and "Apply this import" not in page
    job = job_of(editor_client.post(preview_url(old)))
    assert job.state == "failed" and "no longer kept" in job.error and not ArmsRequest.objects.exists()

    ImportRun.objects.filter(pk=recent.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    call_command("purge_uploads", "--days", "3")
    assert ImportRun.objects.get(pk=recent.pk).upload is not None
    call_command("purge_uploads", "--days", "1")
    assert ImportRun.objects.get(pk=recent.pk).upload is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_every_kept_text_over_compressed():
    executor = MigrationExecutor(connection)
    executor.migrate([("tracker", "0008_history_to_revisions")])
    old = executor.loader.project_state([("tracker", "0008_history_to_revisions")]).apps.get_model(
        "tracker", "ImportRun"
    )
    text = "Recipient,Supplier,Year of order\nCôte d'Ivoire,France,2001\n" * 1000
    kept = old.objects.create(file_name="a.csv", kind="requests", file_format="sipri-classic", state="previewed")
    old.objects.filter(pk=kept.pk).update(content=text)
    applied = old.objects.create(file_name="b.csv", kind="requests", file_format="requests", state="applied")

    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("tracker", "0009_importrun_upload")])
        uploads = ImportRun.objects.values_list("upload", flat=True)  # the model's later columns are not there yet
        assert zlib.decompress(uploads.get(pk=kept.pk)).decode() == text
        assert uploads.get(pk=applied.pk) is None
    finally:  # the latest schema again: the transactional tests after this one find it (test_party_pages did not)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
