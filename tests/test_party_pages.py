"""SIPRI's parties on the public pages: named by their id, read as what they are, unknown until published.

Former and unrecognised states, non-state parties, organisations and the unknown parties have no ISO
code: their URL and filter value is their id, as for a curator's non-state party. Like those, they are
known to the public only once a published, cited record names them (ISO states always are).
"""

import pytest
from django.apps import apps
from django.utils import timezone

from tracker import reference
from tracker.explore.country_filter import public_country_names
from tracker.models import ArmsRequest, Citation, Country, RequestItem, Source

pytestmark = pytest.mark.django_db


def party(name):
    return Country.objects.get(name=name)


@pytest.fixture
def published(types, source):
    """Hezbollah (Lebanon) asked SIPRI's unknown supplier(s): a published, cited request."""
    request = ArmsRequest.objects.create(
        requester=party("Hezbollah (Lebanon)"), supplier=party("Unknown supplier(s)"), published=True
    )
    RequestItem.objects.create(request=request, equipment_type=types["uav"], description="armed UAV")
    Citation.objects.create(source=source, request=request, credibility=2)
    return request


def test_the_parties_of_a_published_request_read_as_what_they_are(client, published):
    unknown, hezbollah = published.supplier, published.requester
    assert unknown.code == str(unknown.pk) and unknown.get_absolute_url() == f"/countries/{unknown.pk}/"
    page = client.get(unknown.get_absolute_url()).content.decode()
    assert "Unknown supplier(s)" in page and "Unknown party" in page and "not a guessed country" in page
    page = client.get(hezbollah.get_absolute_url()).content.decode()
    assert "Hezbollah (Lebanon)" in page and "Non-state party" in page
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Hezbollah (Lebanon)</a> asked <a" in page and "Unknown supplier(s)</a>" in page
    listing = client.get(f"/requests/?supplier={unknown.pk}")
    assert listing.status_code == 200 and published.get_absolute_url() in listing.content.decode()


def test_a_party_no_published_record_names_is_unknown_to_the_public(client, published, make_request):
    nato, kosovo = party("NATO"), party("Kosovo")
    draft = make_request(published=False)
    draft.supplier = nato
    draft.save()
    assert set(Country.objects.public().filter(iso2__isnull=True)) == {published.requester, published.supplier}
    for country in (nato, kosovo):
        assert client.get(country.get_absolute_url()).status_code == 404
        assert client.get(f"/requests/?supplier={country.pk}").status_code == 400


def test_kosovo_is_no_iso_state(client, make_request):
    kosovo = party("Kosovo")
    assert (kosovo.kind, kosovo.iso2, kosovo.code) == ("unrecognised_state", None, str(kosovo.pk))
    assert client.get("/countries/XK/").status_code == 404
    request = make_request(published=True)
    request.requester = kosovo
    request.save()
    page = client.get(kosovo.get_absolute_url()).content.decode()
    assert "Unrecognised or partly recognised state" in page and "Southern Europe, Europe" in page
    assert "XK is a user-assigned code" in page


def test_the_admin_autocomplete_offers_the_state_before_the_parties_named_after_it(editor_client):
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "Cuba", "app_label": "tracker", "model_name": "armsrequest", "field_name": "requester"},
    )
    names = [result["text"] for result in response.json()["results"]]
    assert names[:2] == ["Cuba", "Anti-Castro rebels (Cuba)"]


@pytest.mark.django_db(transaction=True)
def test_the_public_country_names_are_read_again_when_the_data_change(client):
    """public_country_names() is kept between requests while the data version stands: a party becomes known
    with the first published record naming it and unknown again once none does, from the next request on."""
    reference.load_all(apps)  # a transactional test may start from empty tables
    source = Source.objects.create(outlet="Test Wire", title="A report", reliability="B")
    hezbollah, unknown = party("Hezbollah (Lebanon)"), party("Unknown supplier(s)")
    kept = public_country_names()
    assert public_country_names() is kept and hezbollah not in kept.countries  # nothing written: kept
    request = ArmsRequest.objects.create(requester=hezbollah, supplier=unknown, published=False)
    Citation.objects.create(source=source, request=request, credibility=2)
    assert public_country_names() is not kept and hezbollah not in public_country_names().countries  # a draft
    ArmsRequest.objects.filter(pk=request.pk).update(published=True, published_at=timezone.now())
    assert hezbollah in public_country_names().countries
    assert 'value="Hezbollah (Lebanon)"' in client.get("/requests/").content.decode()
    assert client.get(f"/requests/?requester={hezbollah.pk}").status_code == 200
    ArmsRequest.objects.filter(pk=request.pk).update(published=False)
    assert hezbollah not in public_country_names().countries
    assert 'value="Hezbollah (Lebanon)"' not in client.get("/requests/").content.decode()
    assert client.get(f"/requests/?requester={hezbollah.pk}").status_code == 400


def test_inside_a_transaction_nothing_is_kept(published):
    """A transaction may see its own uncommitted writes (this test runs in one): they are never shared."""
    assert public_country_names() is not public_country_names()
