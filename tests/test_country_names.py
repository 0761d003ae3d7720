"""A country parameter takes a name as well as a code: VE, ve, VEN, Venezuela and venezuela are one country."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.explorer_data import build
from tracker.explore.country_filter import public_country_names, read_value
from tracker.models import ArmsRequest, Citation, Country, RequestItem
from tracker.models.country_names import CountryNames

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    return build()


def listed(client, query, path="/requests/"):
    response = client.get(path + query)
    assert response.status_code == 200, (query, response.context and response.context.get("errors"))
    return sorted(r.pk for r in response.context["page"].object_list)


def error(client, query, path="/requests/"):
    response = client.get(path + query)
    assert response.status_code == 400, query
    return response.context["errors"]


@pytest.mark.parametrize("value", ["VE", "ve", "VEN", "ven", "Venezuela", "venezuela", "VENEZUELA", " Venezuela "])
def test_a_code_an_alpha_3_code_and_a_name_mean_the_same(client, data, value):
    requests, _ = data
    expected = sorted(requests[k].pk for k in ("ve_ru_jets", "ve_ir_drones", "ve_cn_coop"))
    assert listed(client, f"?requester={value}") == expected
    assert listed(client, f"?country={value}") == expected


def test_names_with_commas_and_spaces_stay_whole_and_lists_still_split(client, data):
    requests, _ = data
    to_russia = sorted(requests[k].pk for k in ("ve_ru_jets", "cu_ru_sam", "by_ru_undated"))
    to_russia_or_china = sorted([*to_russia, requests["ve_cn_coop"].pk])
    for query in ("?supplier=RU,CN", "?supplier=RU CN", "?supplier=RU;CN", "?supplier=Russia, China"):
        assert listed(client, query) == to_russia_or_china, query
    assert listed(client, "?supplier=Russian Federation&supplier=cn") == to_russia_or_china
    assert listed(client, "?requester=Cuba, Belarus") == sorted(requests[k].pk for k in ("cu_ru_sam", "by_ru_undated"))
    # ISO's names hold commas; SIPRI's and ours hold spaces.
    names = public_country_names()
    assert [c.iso2 for c in read_value("Korea, Republic of", names)[0]] == ["KR"]
    assert [c.iso2 for c in read_value("Korea, Republic of, VE", names)[0]] == ["KR", "VE"]
    assert [c.iso2 for c in read_value("United States", names)[0]] == ["US"]
    assert [c.iso2 for c in read_value("Bonaire, Saint Eustatius and Saba; ve", names)[0]] == ["BQ", "VE"]
    assert [c.iso2 for c in read_value("united states of america,GB", names)[0]] == ["US", "GB"]


def test_accents_case_and_punctuation_are_folded(data):
    names = public_country_names()
    for text in ("Côte d'Ivoire", "cote d’ivoire", "COTE DIVOIRE", "Ivory Coast", "CIV"):
        assert [c.iso2 for c in read_value(text, names)[0]] == ["CI"], text


def test_the_deployment_filters_take_names(client, data):
    _, deployments = data
    assert listed(client, "?host=Belarus", "/deployments/") == [deployments["ru_s400_by"].pk]
    assert listed(client, "?country=united states", "/deployments/") == sorted(
        deployments[k].pk for k in ("us_ships", "us_troops")
    )


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("?requester=Korea", "requester", "Unknown country: 'Korea'. Did you mean North Korea (KP), South Korea (KR)?"),
        (
            "?supplier=Korea, Rep.",
            "supplier",
            "Unknown country: 'Korea, Rep.'. Did you mean North Korea (KP), South Korea (KR)?",
        ),
        ("?country=Venezuala", "country", "Unknown country: 'Venezuala'. Did you mean Venezuela (VE)?"),
        ("?requester=Atlantis", "requester", "Unknown country: 'Atlantis'."),
        ("?supplier=Russia, Atlantis", "supplier", "Unknown country: 'Atlantis'."),
        ("?requester=XX", "requester", "Unknown country code: XX."),
        ("?requester=RU XX", "requester", "Unknown country: 'RU XX'."),
    ],
)
def test_an_unknown_or_ambiguous_name_is_a_400_with_the_candidates(client, data, query, parameter, message):
    for path in ("/requests/", "/matrix/", "/requests/summary/"):
        assert error(client, query, path) == [(parameter, message)], path
    response = client.get("/requests.csv" + query)
    label = {"requester": "Requester", "supplier": "Asked country", "country": "Either side"}[parameter]
    assert response.status_code == 400 and f"<strong>{label}</strong>: " in response.content.decode()
    assert message.replace("'", "&#x27;") in response.content.decode()


def test_a_name_two_countries_share_is_ambiguous(data):
    Country.objects.create(name="Côte-d'Ivoire", kind="non_state")  # folds to the state's name
    names = CountryNames(Country.objects.all())
    assert read_value("Cote d'Ivoire", names) == (
        [],
        [
            "'Cote d'Ivoire' names several countries: Côte d'Ivoire (CI), Côte-d'Ivoire "
            f"({Country.objects.get(name__startswith='Côte-').pk}). Give its code."
        ],
    )
    assert [c.iso2 for c in read_value("CI", names)[0]] == ["CI"]


def test_every_name_the_reference_data_knows_names_its_own_row(db):
    """Our names, ISO names and SIPRI's party names: each finds its own row, so the form's suggestions all work."""
    countries = list(Country.objects.all())
    assert len(countries) > 300
    names = CountryNames(countries)
    wrong = [
        (text, [c.name for c in names.lookup(text)])
        for country in countries
        for text in (country.name, country.official_name, country.iso3, country.code, country.code.lower())
        if text and names.lookup(text) != [country]
    ]
    assert wrong == []


@pytest.fixture
def party(data, countries, types, source):
    """SIPRI's Hezbollah (Lebanon)*, named by one published request."""
    hezbollah = Country.objects.get(name="Hezbollah (Lebanon)")
    request = ArmsRequest.objects.create(requester=hezbollah, supplier=countries["IR"], published=True)
    RequestItem.objects.create(request=request, equipment_type=types["missile"], description="rockets")
    Citation.objects.create(source=source, request=request, credibility=3)
    return hezbollah, request


@pytest.mark.parametrize("value", ["Hezbollah (Lebanon)", "hezbollah (lebanon)", "Hezbollah (Lebanon)*", "{pk}"])
def test_a_party_is_named_by_sipris_name_or_its_number(client, party, value):
    hezbollah, request = party
    assert listed(client, f"?requester={value.format(pk=hezbollah.pk)}") == [request.pk]


def test_a_party_is_suggested_by_part_of_its_name(client, party):
    hezbollah, _ = party
    assert error(client, "?requester=hezbollah") == [
        ("requester", f"Unknown country: 'hezbollah'. Did you mean Hezbollah (Lebanon) ({hezbollah.pk})?")
    ]


def test_a_party_only_drafts_name_is_neither_found_nor_suggested(client, party):
    hezbollah, request = party
    ArmsRequest.objects.filter(pk=request.pk).update(published=False)
    for value in ("Hezbollah (Lebanon)", "hezbollah", str(hezbollah.pk)):
        (name, message), *_ = error(client, f"?requester={value}")
        assert name == "requester" and "Hezbollah" not in message.replace(value, ""), message
    assert "Hezbollah" not in client.get("/requests/").content.decode()


def test_the_form_suggests_names_and_gives_back_what_was_asked(client, data):
    page = client.get("/requests/?requester=Korea, Republic of&requester=ve").content.decode()
    assert '<option value="Venezuela">VE</option>' in page
    value = re.search(r'id="f-requester" name="requester" list="country-names" value="([^"]*)"', page).group(1)
    assert value == "Korea, Republic of, ve"
    again = client.get("/requests/", {"requester": value})  # submitting the form as it came back
    assert {c.iso2 for c in again.context["filter"].form.cleaned_data["requester"]} == {"KR", "VE"}


def count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


def test_country_parameters_cost_one_query_whatever_their_number(client, data):
    """The form's country list and every country parameter share one read of the countries."""
    bare = count_queries(client, "/requests/summary/")
    assert count_queries(client, "/requests/summary/?requester=VE") == bare + 1
    assert count_queries(client, "/requests/summary/?requester=Venezuela&supplier=RU,China&country=ven") == bare + 1
    listed_bare = count_queries(client, "/requests/")
    assert count_queries(client, "/requests/?requester=Venezuela&supplier=Russia, China&country=ve") == listed_bare
    by_code = count_queries(client, "/deployments/?country=US,RU&host=BY")
    assert count_queries(client, "/deployments/?country=United States, Russia&host=belarus") == by_code


def test_a_long_bad_list_is_explained_briefly_and_quickly(data):
    import time

    names = public_country_names()
    start = time.perf_counter()
    found, problems = read_value(",".join(["VE", *(f"Nowhere{i}" for i in range(99))]), names)
    assert time.perf_counter() - start < 2
    assert found == [] and len(problems) == 6
    assert problems[0] == "Unknown country: 'Nowhere0'." and problems[-1].startswith("94 more parts of 'VE,Nowhere0,")
    # Nothing in it names a country: the whole value is what is unknown.
    assert read_value("Nowhere0, Nowhere1", names)[1] == ["Unknown country: 'Nowhere0, Nowhere1'."]
    assert read_value("VE," * 101, names)[1] == [f"'{('VE,' * 101)[:40]}…' lists more than 100 countries."]
