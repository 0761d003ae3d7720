"""A version page shows "sources differ" as its revision kept the claims (issue 25): not today's claims table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.models import Citation, Claim, RequestItem, Source, revision

pytestmark = pytest.mark.django_db


def save(request, **changes):
    """A curator's save of the request: it, its items, citations and their claims, in one revision."""
    with revision(comment="test"):
        for name, value in changes.items():
            setattr(request, name, value)
        request.save()


@pytest.fixture
def disputed(make_request):
    """v1 undisputed; v2 source B says "about 60" for 66 asked; v3 B also says agreed; v4 the "about 60" is
    deleted; then a draft adds a claim that no version may show."""
    request = make_request(published=True, cite=False, summary="Venezuela asks Russia for fighters")
    item = request.items.get()
    RequestItem.objects.filter(pk=item.pk).update(quantity_requested=66, description="Su-30 fighters")
    first = Source.objects.create(outlet="Outlet A", title="Sixty-six fighters", reliability="B")
    second = Source.objects.create(outlet="Outlet B", title="About sixty", reliability="C")
    Citation.objects.create(source=first, request=request, credibility=2, quote="66 aircraft were asked for.")
    said = Citation.objects.create(source=second, request=request, credibility=3, quote="some 60 jets")
    save(request)
    quantity = Claim.objects.create(
        request=request, citation=said, field="quantity_requested", item=item, low=60, high=60, words="about 60"
    )
    save(request)
    Claim.objects.create(request=request, citation=said, field="status", status="agreed", words="a deal was agreed")
    save(request)
    quantity.delete()
    save(request)
    return request, said


def page(client, request, number):
    response = client.get(f"/requests/{request.pk}/v/{number}/")
    assert response.status_code == 200
    return response.content.decode().split('class="lede"')[1]  # the record below the banner


def test_a_version_shows_the_claims_it_had_and_no_later_ones(client, disputed):
    request, said = disputed
    assert "sources differ" not in page(client, request, 1)  # the claim was added after version 1
    second = page(client, request, 2)
    assert second.count("sources differ") == 1 and "a deal was agreed" not in second
    differ = second[second.index("sources differ") :]  # shaped and graded as on the record page
    assert differ.index(">preferred<") < differ.index(">B2<") < differ.index("about 60") < differ.index(">C3<")
    assert page(client, request, 3).count("sources differ") == 2
    fourth = page(client, request, 4)
    assert fourth.count("sources differ") == 1 and "about 60" not in fourth and "a deal was agreed" in fourth
    assert "about 60" in page(client, request, 2)  # deleted since, still there at version 2
    live = client.get(f"/requests/{request.pk}/").content.decode()
    assert live.count("sources differ") == 1 and "a deal was agreed" in live
    Claim.objects.create(request=request, citation=said, field="date", date="2024-01-01", date_precision="year")
    Claim.objects.filter(field="status").update(words="DRAFT-ONLY words")
    save(request, published=False)  # a draft's state has no number: no page shows its claims
    assert (
        "DRAFT-ONLY" not in page(client, request, 4) and client.get(f"/requests/{request.pk}/v/5/").status_code == 404
    )


def test_claims_cost_a_version_page_no_query(client, disputed):
    request, _ = disputed
    client.get(f"/requests/{request.pk}/v/1/")  # content types cached
    counts = []
    for number in (1, 2, 3):  # no claim, one, two
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/requests/{request.pk}/v/{number}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts == [counts[0]] * 3, counts
