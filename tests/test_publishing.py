"""No record is published without a source: model validation, the admin, the public queryset."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models.functions import Now

from tests.conftest import revisions
from tracker.models import ArmsRequest, Deployment

pytestmark = pytest.mark.django_db


def test_model_validation_refuses_publishing_without_citation(make_request, make_deployment):
    for record in (make_request(cite=False), make_deployment(cite=False)):
        record.published = True
        with pytest.raises(ValidationError) as excinfo:
            record.full_clean()
        assert "published" in excinfo.value.message_dict


def test_model_validation_allows_publishing_with_citation(make_request):
    request = make_request()
    request.published = True
    request.full_clean()


def test_publish_refuses_uncited_and_records_history(make_request):
    cited, uncited = make_request(), make_request(supplier="CN", cite=False)
    published, refused = ArmsRequest.objects.filter(pk__in=[cited.pk, uncited.pk]).publish()
    assert (published, refused) == (1, [uncited])
    cited.refresh_from_db()
    uncited.refresh_from_db()
    assert cited.published and not uncited.published
    assert revisions(cited)[0].comment == "Published"


def test_public_queryset_hides_drafts_and_uncited_rows_written_behind_validation(make_request, make_deployment):
    shown = make_request(published=True)
    make_request(supplier="CN", published=False)
    sneaked = make_request(supplier="IR", cite=False)
    ArmsRequest.objects.filter(pk=sneaked.pk).update(published=True, published_at=Now())  # bypasses validation
    assert list(ArmsRequest.objects.published()) == [shown]

    deployment = make_deployment(published=True)
    make_deployment(published=True, cite=False)
    assert list(Deployment.objects.published()) == [deployment]
