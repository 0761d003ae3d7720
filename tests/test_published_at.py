"""published_at: when a record was first published, set by every path that publishes, kept for good."""

import json
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from reversion.models import Version

from tests.conftest import opened_state
from tests.test_admin import request_form
from tracker.intake.engine import run_import
from tracker.models import ArmsRequest, Deployment, revision
from tracker.samples.synthetic import generate

pytestmark = pytest.mark.django_db


def fresh(record):
    return type(record).objects.get(pk=record.pk)


@pytest.mark.parametrize("model", [ArmsRequest, Deployment])
def test_the_database_refuses_a_published_record_without_it(model, make_request, make_deployment):
    draft = make_request() if model is ArmsRequest else make_deployment()
    assert draft.published_at is None
    with pytest.raises(IntegrityError, match="published_has_published_at"), transaction.atomic():
        model.objects.filter(pk=draft.pk).update(published=True)


def test_saving_a_published_record_stamps_it_once(make_request, make_deployment):
    request, deployment = make_request(published=True), make_deployment(published=True)
    assert request.published_at is not None and deployment.published_at is not None
    first = request.published_at
    request.summary = "edited"
    request.save()
    assert fresh(request).published_at == first


def test_model_validation_stamps_a_record_it_lets_publish(make_request):
    """The demo load publishes with full_clean() then save(): validating must not refuse the missing time."""
    request = make_request()
    request.published = True
    request.full_clean()
    assert request.published_at is not None
    request.save()
    assert fresh(request).published_at == request.published_at


def test_publish_and_unpublish_keep_the_first_publication(make_request):
    request = make_request()
    ArmsRequest.objects.filter(pk=request.pk).publish()
    first = fresh(request).published_at
    assert first is not None
    ArmsRequest.objects.filter(pk=request.pk).unpublish()
    assert fresh(request).published_at == first  # a draft may keep it: it was published then
    ArmsRequest.objects.filter(pk=request.pk).publish()
    again = fresh(request)
    assert again.published and again.published_at == first and again.updated_at > first


def test_the_admin_stamps_a_record_added_published_or_published_later(editor_client, countries, types, source):
    add = reverse("admin:tracker_armsrequest_add")
    assert editor_client.post(add, request_form(countries, types, source, published=True)).status_code == 302
    assert ArmsRequest.objects.get().published_at is not None
    ArmsRequest.objects.all().delete()

    assert editor_client.post(add, request_form(countries, types, source, published=False)).status_code == 302
    draft = ArmsRequest.objects.get()
    assert draft.published_at is None
    change = reverse("admin:tracker_armsrequest_change", args=[draft.pk])
    item, citation = draft.items.get(), draft.citations.get()
    data = request_form(countries, types, source, published=True)
    data.update(
        {
            "items-INITIAL_FORMS": "1",
            "items-0-id": item.pk,
            "items-0-request": draft.pk,
            "citations-INITIAL_FORMS": "1",
            "citations-0-id": citation.pk,
            "citations-0-request": draft.pk,
            "opened_state": opened_state(editor_client, change),
        }
    )
    response = editor_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    published = fresh(draft)
    assert published.published and published.published_at is not None


def test_the_admin_publish_action_stamps(editor_client, make_deployment):
    draft = make_deployment()
    changelist = reverse("admin:tracker_deployment_changelist")
    editor_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    assert fresh(draft).published_at is not None


def test_imports_that_publish_stamp_created_and_updated_records():
    ours = (Path(__file__).parent / "data" / "our_requests.csv").read_bytes()
    assert run_import("requests", ours, "ours.csv", skip_invalid=True).created == 4
    assert list(ArmsRequest.objects.values_list("published_at", flat=True)) == [None] * 4  # drafts
    assert run_import("requests", ours, "ours.csv", skip_invalid=True, publish=True).updated == 4
    published = ArmsRequest.objects.filter(published=True)
    assert published.count() == 4 and not published.filter(published_at=None).exists()
    ArmsRequest.objects.all().delete()
    assert run_import("requests", ours, "ours.csv", skip_invalid=True, publish=True).created == 4
    published = ArmsRequest.objects.filter(published=True)
    assert published.count() == 3 and not published.filter(published_at=None).exists()  # one cites nothing


def test_generated_records_are_published_with_it():
    generate(requests=20, deployments=5, seed=3)
    assert not ArmsRequest.objects.filter(published=True, published_at=None).exists()
    assert not Deployment.objects.filter(published=True, published_at=None).exists()
    assert ArmsRequest.objects.filter(published=True).count() == 20


def test_reverting_to_a_revision_older_than_the_field_keeps_the_stored_time(make_request):
    """Revisions written before published_at existed restore published without it (a raw save)."""
    request = make_request(published=True)
    with revision(comment="old"):
        request.save()
    first = fresh(request).published_at
    version = Version.objects.get_for_object(request).first()
    old = json.loads(version.serialized_data)
    del old[0]["fields"]["published_at"]
    version.serialized_data = json.dumps(old)
    version.save()
    version.revision.revert()
    assert fresh(request).published and fresh(request).published_at == first


def test_the_migration_leaves_the_full_text_index_in_place():
    """SQLite rebuilds tracker_armsrequest to add the constraint, dropping the triggers that keep the full-text
    table in step: they must be back. PostgreSQL adds the constraint in place, its GIN index untouched."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tracker_armsrequest'")
            expected = {f"tracker_armsrequest_fts_{event}" for event in ("insert", "delete", "update")}
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'tracker_armsrequest'")
            expected = {"request_search_idx"}
        assert expected <= {name for (name,) in cursor.fetchall()}
