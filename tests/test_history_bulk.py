"""The importer's history writer (models/history.record_each): reversion's bytes, queries per batch, not per record."""

from django.core import serializers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from tracker.models import ArmsRequest, Citation, RequestItem
from tracker.models.history import OneShotJSON, record_each


def test_versions_are_serialized_byte_for_byte_as_django_does(make_request):
    make_request(summary='Quotes " and ünïcode — and a date')
    rows = [*ArmsRequest.objects.all(), *RequestItem.objects.all(), *Citation.objects.all()]
    for row in rows:
        assert OneShotJSON().serialize((row,)) == serializers.serialize("json", (row,))
    assert OneShotJSON().serialize(rows) == serializers.serialize("json", rows)


def queries_to_record(records):
    fresh = list(ArmsRequest.objects.filter(pk__in=[r.pk for r in records]))  # nothing cached, as after bulk_create
    with CaptureQueriesContext(connection) as captured:
        record_each(fresh, comment="Import #1")
    return len(captured)


def test_recording_costs_the_same_queries_for_3_or_30_records(make_request):
    few = [make_request(requester="VE", supplier=s) for s in ("RU", "CN", "IR")]
    many = [make_request(requester="CU", supplier=s) for s in ("RU", "CN", "IR", "BY", "US") * 6]
    queries_to_record(few)  # content types are looked up once per process
    assert queries_to_record(few) == queries_to_record(many)
    version = Version.objects.get_for_object(many[0]).first()
    assert version.object_repr == str(many[0]) and "Cuba" in version.object_repr
    assert version.revision.comment == "Import #1"


def test_an_imports_versions_hold_the_rows_as_stored(countries, types):
    """The importer hands history the rows it has just written (not read back): they must serialize as stored."""
    from pathlib import Path

    from django.apps import apps
    from reversion.revisions import _get_options

    from tracker.intake.engine import run_import

    data = (Path(__file__).parent / "data" / "sipri_classic_2024_sample.csv").read_bytes()
    outcome = run_import("requests", data, "classic.csv", skip_invalid=True)
    assert outcome.created >= 10
    versions = Version.objects.filter(revision__comment__contains="classic.csv").select_related("content_type")
    checked = 0
    for version in versions:
        model = apps.get_model(version.content_type.app_label, version.content_type.model)
        stored = model._base_manager.get(pk=version.object_id)
        fields = _get_options(model).fields  # a request's search text is not versioned
        assert version.serialized_data == serializers.serialize("json", (stored,), fields=fields), model
        checked += 1
    assert checked > outcome.created * 2  # records, their items, deliveries and citations
