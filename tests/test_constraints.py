"""Every invariant is refused by the database itself, whatever path wrote the row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tracker.models import (
    ArmsRequest,
    Citation,
    Country,
    Person,
    RequestItem,
    Source,
    System,
)

pytestmark = pytest.mark.django_db


def refused(constraint_name, write):
    """The write fails in the database, and the error names the constraint where the database says it."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        write()
    message = str(excinfo.value)
    # SQLite names CHECK constraints; PostgreSQL names every constraint.
    if "UNIQUE" not in message:
        assert constraint_name in message, message


def test_a_country_does_not_ask_itself(make_request):
    request = make_request()
    refused(
        "request_requester_is_not_supplier",
        lambda: ArmsRequest.objects.filter(pk=request.pk).update(supplier=request.requester),
    )


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("status", "maybe", "request_status_valid"),
        ("channel", "pigeon", "request_channel_valid"),
        ("date_precision", "", "request_date_has_precision"),
        ("date_precision", "week", "request_date_has_precision"),
    ],
)
def test_request_vocabularies(make_request, field, value, constraint):
    request = make_request()
    refused(constraint, lambda: ArmsRequest.objects.filter(pk=request.pk).update(**{field: value}))


def test_request_precision_without_date(make_request):
    request = make_request()
    refused("request_date_has_precision", lambda: ArmsRequest.objects.filter(pk=request.pk).update(date=None))


@pytest.mark.parametrize(
    ("asked", "delivered", "constraint"),
    [
        (-1, None, "item_quantity_requested_not_negative"),
        (None, -3, "item_quantity_delivered_not_negative"),
        (5, 6, "item_delivered_not_above_requested"),
    ],
)
def test_item_quantities(make_request, types, asked, delivered, constraint):
    request = make_request()
    refused(
        constraint,
        lambda: RequestItem.objects.create(
            request=request,
            equipment_type=types["uav"],
            description="x",
            quantity_requested=asked,
            quantity_delivered=delivered,
        ),
    )


def test_item_quantities_that_are_fine(make_request, types):
    request = make_request()
    for asked, delivered in [(5, 5), (5, None), (None, 7), (0, 0)]:
        RequestItem.objects.create(
            request=request,
            equipment_type=types["uav"],
            description="x",
            quantity_requested=asked,
            quantity_delivered=delivered,
        )


def test_item_help_kind(make_request, types):
    request = make_request()
    refused(
        "item_help_kind_valid",
        lambda: RequestItem.objects.create(request=request, equipment_type=types["uav"], help_kind="bribe"),
    )


def test_deployment_end_not_before_start(make_deployment):
    refused(
        "deployment_end_not_before_start",
        lambda: make_deployment(
            start_date=datetime.date(2025, 9, 1),
            start_precision="day",
            end_date=datetime.date(2025, 8, 31),
            end_precision="day",
        ),
    )


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"quantity": -1}, "deployment_quantity_not_negative"),
        ({"personnel": -10}, "deployment_personnel_not_negative"),
        ({"latitude": 12}, "deployment_coordinates_valid"),
        ({"latitude": 95, "longitude": 10}, "deployment_coordinates_valid"),
        ({"latitude": 10, "longitude": -181}, "deployment_coordinates_valid"),
        ({"status": "imagined"}, "deployment_status_valid"),
        ({"start_date": datetime.date(2025, 1, 1)}, "deployment_start_date_has_precision"),
        ({"end_precision": "year"}, "deployment_end_date_has_precision"),
    ],
)
def test_deployment_invariants(make_deployment, fields, constraint):
    refused(constraint, lambda: make_deployment(**fields))


def test_citation_cites_exactly_one_record(make_request, make_deployment, source):
    request, deployment = make_request(), make_deployment()
    refused("citation_cites_exactly_one_record", lambda: Citation.objects.create(source=source))
    refused(
        "citation_cites_exactly_one_record",
        lambda: Citation.objects.create(source=source, request=request, deployment=deployment),
    )


@pytest.mark.parametrize("credibility", [0, 7])
def test_citation_credibility(make_request, source, credibility):
    request = make_request()
    refused(
        "citation_credibility_1_to_6",
        lambda: Citation.objects.create(source=source, request=request, credibility=credibility),
    )


def test_source_grades_and_dates(source):
    refused("source_reliability_valid", lambda: Source.objects.filter(pk=source.pk).update(reliability="G"))
    refused("source_kind_valid", lambda: Source.objects.filter(pk=source.pk).update(kind="rumour"))
    refused(
        "source_published_on_has_precision",
        lambda: Source.objects.filter(pk=source.pk).update(published_on=datetime.date(2025, 1, 1)),
    )


def test_source_url_unique_but_blank_allowed(db):
    Source.objects.create(outlet="A", title="one", url="https://example.org/a")
    Source.objects.create(outlet="A", title="two")
    Source.objects.create(outlet="A", title="three")
    refused("source_url_unique", lambda: Source.objects.create(outlet="B", title="x", url="https://example.org/a"))


def test_country_invariants(db):
    refused("country_name_unique_ci", lambda: Country.objects.create(name="VENEZUELA"))
    refused("country_iso_codes_together", lambda: Country.objects.create(name="Halfland", iso2="QQ", kind="state"))
    refused("country_kind_valid", lambda: Country.objects.create(name="Galaxy", kind="galaxy"))
    # Only a state has ISO codes, and a state has them.
    refused("country_kind_matches_iso_codes", lambda: Country.objects.create(name="Noland", kind="state"))
    refused(
        "country_kind_matches_iso_codes",
        lambda: Country.objects.create(name="Codeland", iso2="QQ", iso3="QQQ", kind="organisation"),
    )
    refused("country_kind_matches_iso_codes", lambda: Country.objects.filter(iso2="VE").update(kind="non_state"))
    assert Country.objects.create(name="Wagner Group", notes="Non-state party: no ISO code.").kind == "non_state"


def test_system_designation_unique_case_insensitive(types):
    System.objects.create(designation="Su-30MK2", slug="su-30mk2", equipment_type=types["combat-aircraft"])
    refused(
        "system_designation_unique_ci",
        lambda: System.objects.create(designation="SU-30mk2", slug="other", equipment_type=types["combat-aircraft"]),
    )


def test_person_unique_per_country(countries):
    Person.objects.create(name="Nicolas Maduro", country=countries["VE"])
    refused(
        "person_unique_name_per_country",
        lambda: Person.objects.create(name="Nicolas Maduro", country=countries["VE"]),
    )


def test_model_validation_reports_constraints_by_field_message(make_request, countries):
    request = make_request()
    request.supplier = countries["VE"]
    with pytest.raises(ValidationError) as excinfo:
        request.full_clean()
    assert "A country does not ask itself" in str(excinfo.value)
