"""Where sources disagree (issue 25): claims refused by the database and explained by the admin."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import opened_state, revisions
from tracker.models import Citation, Claim, RequestItem, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def cited(make_request):
    """A request with one item and its one citation."""
    request = make_request()
    return request, request.items.get(), request.citations.get()


def refused(name, **fields):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        Claim.objects.create(**fields)
    message = str(excinfo.value)
    assert name in message or "UNIQUE" in message, message  # SQLite names the columns of a unique index


def test_the_database_refuses_claims_that_do_not_hold_together(cited, make_request, types):
    request, item, citation = cited
    mine = {"request": request, "citation": citation}
    refused("claim_status_only_for_status", field="status", **mine)
    refused(
        "claim_status_only_for_status", field="date", status="agreed", date="2025-01-01", date_precision="day", **mine
    )
    refused("claim_date_has_precision", field="date", date=datetime.date(2025, 1, 1), **mine)
    refused("claim_quantity_only_for_items", field="quantity_requested", item=item, **mine)
    refused("claim_quantity_only_for_items", field="quantity_requested", low=5, high=5, **mine)
    refused("claim_quantity_only_for_items", field="status", status="agreed", item=item, **mine)
    refused("claim_low_not_above_high", field="quantity_requested", item=item, low=70, high=50, **mine)
    refused("claim_low_not_negative", field="quantity_delivered", item=item, low=-1, high=3, **mine)
    refused("claim_field_valid", field="summary", **mine)
    # The item of another request, a citation of another request: refused by the trigger, by name.
    other = make_request(requester="CU")
    refused("claim_item_of_cited_request", field="quantity_requested", item=other.items.get(), low=1, high=1, **mine)
    refused(
        "claim_item_of_cited_request", field="status", status="agreed", request=request, citation=other.citations.get()
    )
    Claim.objects.create(field="quantity_requested", item=item, low=60, high=60, words="about 60", **mine)
    refused("claim_one_per_item_field", field="quantity_requested", item=item, low=1, high=1, **mine)
    Claim.objects.create(field="status", status="agreed", **mine)
    refused("claim_one_per_field", field="status", status="refused", **mine)
    # Moving a claim to another request's item is refused too (the UPDATE trigger).
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(field="quantity_requested").update(item=other.items.get())
    # So is moving a claimed item or citation to another request: its claims would dispute another's figures.
    with pytest.raises(IntegrityError, match="claim_item_of_cited_request"), transaction.atomic():
        RequestItem.objects.filter(pk=item.pk).update(request=other)
    with pytest.raises(IntegrityError, match="claim_item_of_cited_request"), transaction.atomic():
        Citation.objects.filter(pk=citation.pk).update(request=other)
    Citation.objects.filter(pk=other.citations.get().pk).update(request=request)  # no claims: it may move


def test_the_admin_says_why_a_claimed_item_or_citation_stays(editor_client, cited, make_request):
    request, item, citation = cited
    other = make_request(requester="CU")
    Claim.objects.create(request=request, citation=citation, field="quantity_requested", item=item, low=5, high=5)
    change = reverse("admin:tracker_requestitem_change", args=[item.pk])
    data = {
        "request": other.pk,
        "equipment_type": item.equipment_type_id,
        "description": item.description,
        "help_kind": item.help_kind,
        "deliveries-TOTAL_FORMS": "0",
        "deliveries-INITIAL_FORMS": "0",
        "opened_state": opened_state(editor_client, change),
    }
    response = editor_client.post(change, data)
    assert response.status_code == 200 and "delete their claims first" in response.content.decode()
    change = reverse("admin:tracker_citation_change", args=[citation.pk])
    data = claims_form(citation, opened_state=opened_state(editor_client, change), request=other.pk)
    data |= {"claims-TOTAL_FORMS": "1", "claims-INITIAL_FORMS": "1", "claims-0-id": Claim.objects.get().pk}
    data |= {
        "claims-0-field": "quantity_requested",
        "claims-0-item": item.pk,
        "claims-0-low": "5",
        "claims-0-high": "5",
    }
    data["claims-0-citation"] = citation.pk
    response = editor_client.post(change, data)
    assert response.status_code == 200 and "delete them before moving it" in response.content.decode()
    assert (
        RequestItem.objects.get(pk=item.pk).request == request
        and Citation.objects.get(pk=citation.pk).request == request
    )


def claims_form(citation, *rows, **extra):
    """The citation's change form with claim rows (each a dict of the inline's fields)."""
    data = {
        "source": citation.source_id,
        "request": citation.request_id,
        "quote": citation.quote,
        "credibility": citation.credibility,
        "claims-TOTAL_FORMS": str(len(rows)),
        "claims-INITIAL_FORMS": "0",
        **extra,
    }
    for i, row in enumerate(rows):
        data.update({f"claims-{i}-{k}": v for k, v in row.items()})
    return data


def test_the_admin_edits_claims_on_the_citation_and_explains_refusals(editor_client, cited, make_request):
    request, item, citation = cited
    change = reverse("admin:tracker_citation_change", args=[citation.pk])
    other = make_request(requester="CU")
    other_item = RequestItem.objects.create(request=other, equipment_type=item.equipment_type, description="tanks")
    response = editor_client.get(change)
    assert "Where this source differs from the record" in response.content.decode()
    [claims] = response.context["inline_admin_formsets"]
    assert list(claims.formset.forms[0].fields["item"].queryset) == [item]  # the request's own items only

    bad = [
        ({"field": "quantity_requested", "item": item.pk, "low": "70", "high": "50"}, "cannot be above its high end"),
        ({"field": "status", "item": item.pk, "status": "agreed"}, "a status or date claim names neither"),
        ({"field": "date", "date": "mid-2023"}, "is not a date we can read"),
        ({"field": "quantity_requested", "item": other_item.pk, "low": "5"}, "Select a valid choice"),
    ]
    for row, message in bad:
        data = claims_form(citation, row, opened_state=opened_state(editor_client, change))
        response = editor_client.post(change, data)
        assert response.status_code == 200 and message in response.content.decode(), (row, message)
    twice = [{"field": "status", "status": "agreed"}, {"field": "status", "status": "refused"}]
    response = editor_client.post(
        change, claims_form(citation, *twice, opened_state=opened_state(editor_client, change))
    )
    assert "already has a claim on this field" in response.content.decode()
    assert not Claim.objects.exists()

    good = [
        {"field": "quantity_requested", "item": item.pk, "low": "60", "words": "about 60"},
        {"field": "date", "date": "Nov 2025"},
    ]
    response = editor_client.post(
        change, claims_form(citation, *good, opened_state=opened_state(editor_client, change))
    )
    assert response.status_code == 302
    quantity, date = Claim.objects.order_by("field")[1], Claim.objects.get(field="date")
    assert (quantity.request, quantity.low, quantity.high, quantity.value_display) == (request, 60, 60, "about 60")
    assert (date.date, date.date_precision, date.value_display) == (datetime.date(2025, 11, 1), "month", "Nov 2025")
    # Saved in a revision of the whole request, claims included.
    held = {v.content_type.model for v in revisions(request)[0].version_set.all()}
    assert {"armsrequest", "citation", "claim"} <= held


def test_a_deployment_citation_has_no_claims_and_viewers_cannot_write(editor_client, viewer, make_deployment, cited):
    request, item, citation = cited
    page = editor_client.get(reverse("admin:tracker_citation_change", args=[citation.pk])).content.decode()
    deployment = make_deployment()
    change = reverse("admin:tracker_citation_change", args=[deployment.citations.get().pk])
    assert (
        "Where this source differs" in page
        and "Where this source differs" not in editor_client.get(change).content.decode()
    )
    # A new citation of a deployment with a claim row: refused with a message, not a database error.
    add = {"source": deployment.citations.get().source_id, "deployment": deployment.pk, "credibility": "3"}
    add |= {
        "claims-TOTAL_FORMS": "1",
        "claims-INITIAL_FORMS": "0",
        "claims-0-field": "status",
        "claims-0-status": "agreed",
    }
    response = editor_client.post(reverse("admin:tracker_citation_add"), add)
    assert response.status_code == 200 and "cite a request" in response.content.decode()
    assert not Claim.objects.exists()
    change = reverse("admin:tracker_citation_change", args=[citation.pk])
    viewer_client = Client()
    viewer_client.force_login(viewer)
    row = {"field": "status", "status": "agreed"}
    assert viewer_client.post(change, claims_form(citation, row)).status_code == 403
    assert not Claim.objects.exists()


def test_claims_are_deleted_with_their_citation_and_protect_nothing(cited):
    request, item, citation = cited
    Claim.objects.create(request=request, citation=citation, field="status", status="agreed")
    second = Citation.objects.create(source=Source.objects.create(outlet="B", title="b"), request=request)
    Claim.objects.create(request=request, citation=second, field="quantity_requested", item=item, low=3, high=3)
    citation.delete()
    item.delete()
    assert not Claim.objects.exists()
