"""The article reader proposes a differing claim (issue 25): an article giving 60 Su-30MK2 where an existing
request records 66 is offered as that request's source with a claim, and accepting writes no new request."""

import pytest

from tests.test_reader_review import read, review_data
from tracker.models import ArmsRequest, Claim, RequestItem, System

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Venezuela asked Russia for 60 Su-30MK2 fighter jets in October 2025, according to documents seen by the Post."
)


@pytest.fixture
def recorded(make_request, types):
    """A published request for 66 Su-30MK2 from Venezuela to Russia in October 2025."""
    system, _ = System.objects.get_or_create(
        slug="su-30mk2", defaults={"designation": "Su-30MK2", "equipment_type": types["combat-aircraft"]}
    )
    request = make_request(published=True)  # October 2025, to the month
    RequestItem.objects.filter(request=request).update(
        system=system, quantity_requested=66, equipment_type=types["combat-aircraft"]
    )
    return request


def test_the_reader_offers_a_claim_on_a_differing_request(editor_client, recorded):
    reading = read(editor_client, text=ARTICLE, title="Sixty jets")
    page = editor_client.get(reading.get_absolute_url())
    [proposal] = page.context["review"].proposals
    assert recorded in proposal.duplicates
    [offer] = proposal.claim_offers
    assert offer.record == recorded
    assert [(d.field, d.recorded, d.said) for d in offer.differences] == [("quantity_requested", "66", "60")]
    assert "the article says 60" in page.content.decode()

    requests = ArmsRequest.objects.count()
    data = review_data(editor_client, reading, **{"request-0-decision": "accepted", "request-0-claim-on": recorded.pk})
    response = editor_client.post(reading.get_absolute_url(), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert ArmsRequest.objects.count() == requests  # no new request
    claim = Claim.objects.get()
    assert (claim.request, claim.field, claim.item, claim.low, claim.high) == (
        recorded,
        "quantity_requested",
        recorded.items.get(),
        60,
        60,
    )
    assert claim.citation.source.title == "Sixty jets" and "60 Su-30MK2" in claim.citation.quote
    assert recorded.items.get().quantity_requested == 66  # the record keeps its preferred value
    page = editor_client.get(f"/requests/{recorded.pk}/").content.decode()
    assert "sources differ" in page and "Sixty jets" in page


def test_an_offer_not_taken_makes_a_new_request_as_before(editor_client, recorded):
    reading = read(editor_client, text=ARTICLE, title="Sixty jets")
    requests = ArmsRequest.objects.count()
    data = review_data(editor_client, reading, **{"request-0-decision": "accepted"})
    assert editor_client.post(reading.get_absolute_url(), data).status_code == 302
    assert ArmsRequest.objects.count() == requests + 1 and not Claim.objects.exists()
