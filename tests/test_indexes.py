"""The index pages /countries/ and /systems/ and their CSV; the matrix's labels; the profiles' downloads."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.explorer_data import build
from tracker.columns import COUNTRY_INDEX_COLUMNS, SYSTEM_INDEX_COLUMNS
from tracker.models import ArmsRequest, Citation, Country, Deployment, RequestItem, System

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    return build()


def rows_of(response):
    return [(t.subject.code if hasattr(t.subject, "code") else t.subject.slug) for t in response.context["page"]]


def counts(client, path="/countries/"):
    response = client.get(path)
    assert response.status_code == 200, response.context and response.context["errors"]
    return {t.subject.code: (t.asked, t.asked_of, t.deployed, t.hosted) for t in response.context["page"]}


def download(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_countries_lists_every_party_a_published_record_names_with_its_counts(client, data):
    # RS is named only by a draft and an uncited request; CN's deployment is a draft.
    assert counts(client) == {
        "BY": (1, 0, 0, 1),
        "CN": (0, 1, 0, 0),
        "CU": (1, 0, 0, 0),
        "IR": (0, 1, 0, 0),
        "RU": (0, 3, 1, 0),
        "US": (0, 0, 2, 0),
        "VE": (3, 0, 0, 0),
    }


def test_the_region_box_offers_regions_and_their_sub_regions(client, data):
    page = client.get("/countries/").content.decode()
    assert '<optgroup label="Americas">' in page and '<option value="Americas">All of Americas</option>' in page
    assert '<option value="South America">South America</option>' in page
    assert "selected" not in page.split('id="f-region"')[1].split("</select>")[0]


def test_countries_sort_by_each_column(client, data):
    assert rows_of(client.get("/countries/")) == ["BY", "CN", "CU", "IR", "RU", "US", "VE"]  # by name
    assert rows_of(client.get("/countries/?sort=-name")) == ["VE", "US", "RU", "IR", "CU", "CN", "BY"]
    assert rows_of(client.get("/countries/?sort=-asked"))[:3] == ["VE", "BY", "CU"]  # ties by name
    assert rows_of(client.get("/countries/?sort=asked"))[-1] == "VE"
    assert rows_of(client.get("/countries/?sort=-asked_of"))[0] == "RU"
    assert rows_of(client.get("/countries/?sort=-deployed"))[:2] == ["US", "RU"]
    assert rows_of(client.get("/countries/?sort=-hosted"))[0] == "BY"
    # Americas (Caribbean, Northern, South), Asia (Eastern, Southern), Europe (Eastern).
    assert rows_of(client.get("/countries/?sort=region")) == ["CU", "US", "VE", "CN", "IR", "BY", "RU"]
    page = client.get("/countries/?sort=-asked").content.decode()
    assert 'href="?sort=asked" class="sort" data-sort-state="descending"' in page
    assert 'href="?sort=-hosted" class="sort" data-sort-state="none"' in page  # counts: most first
    assert 'href="?sort=name" class="sort" data-sort-state="none"' in page


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("Americas", ["CU", "US", "VE"]),
        ("americas", ["CU", "US", "VE"]),
        ("South America", ["VE"]),
        ("Eastern Europe", ["BY", "RU"]),
        ("Oceania", []),
    ],
)
def test_countries_filter_by_region_or_sub_region(client, data, region, expected):
    response = client.get("/countries/", {"region": region})
    assert response.status_code == 200 and rows_of(response) == expected
    assert f'<option value="{response.context["filter"].form.cleaned_data["region"]}" selected>' in (
        response.content.decode()
    )
    csv_rows = download(client, f"/countries.csv?region={region}")
    assert [row[1] for row in csv_rows[1:]] == expected


@pytest.mark.parametrize(
    ("path", "parameter", "message"),
    [
        ("/countries/?region=Atlantis", "region", "Unknown region 'Atlantis': use a UN M49 region (Africa, Americas"),
        ("/countries/?sort=chaos", "sort", "Select a valid choice"),
        ("/countries.csv?region=%F0%9F%92%A5", "region", "Unknown region"),
        ("/systems/?type=lasers", "type", "Unknown equipment type code: lasers"),
        ("/systems/?origin=Atlantis", "origin", "Unknown country: 'Atlantis'."),
        ("/systems/?sort=-chaos", "sort", "Select a valid choice"),
        ("/systems/?page=2", "page", "There is no page '2': pages run from 1 to 1."),
        ("/systems/?page=x", "page", "There is no page 'x'"),
        ("/systems.csv?origin=Korea", "origin", "Did you mean North Korea (KP), South Korea (KR)?"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, data, path, parameter, message):
    response = client.get(path)
    assert response.status_code == 400
    label = {"region": "Region", "type": "Equipment type", "origin": "Country of origin"}.get(parameter, "")
    assert f"<strong>{label or parameter.title()}</strong>: " in response.content.decode()  # the form's label
    assert any(name == parameter and message in text for name, text in response.context["errors"])
    if "page" in response.context:
        assert not response.context["page"].object_list


def test_systems_lists_what_published_records_name_with_counts(client, data, source, types):
    su30 = System.objects.get(slug="su-30mk2")
    # A request naming a system in two items is one request; a draft asking for it is none.
    jets = data[0]["ve_ru_jets"]
    RequestItem.objects.create(request=jets, equipment_type=types["combat-aircraft"], system=su30, description="more")
    RequestItem.objects.create(request=data[0]["draft"], equipment_type=types["combat-aircraft"], system=su30)
    response = client.get("/systems/?sort=-requests")
    got = {t.subject.slug: (t.requests, t.deployments) for t in response.context["page"]}
    assert got == {"s-400": (1, 1), "shahed-136": (1, 0), "su-30mk2": (1, 0)}
    assert rows_of(client.get("/systems/")) == ["s-400", "shahed-136", "su-30mk2"]
    assert rows_of(client.get("/systems/?sort=-deployments")) == ["s-400", "shahed-136", "su-30mk2"]
    assert rows_of(client.get("/systems/?sort=type")) == ["s-400", "su-30mk2", "shahed-136"]  # air-defence, combat, UAV
    assert rows_of(client.get("/systems/?sort=origin")) == ["su-30mk2", "s-400", "shahed-136"]  # Russia, then none
    assert rows_of(client.get("/systems/?type=uav")) == ["shahed-136"]
    assert rows_of(client.get("/systems/?type=uav,air-defence")) == ["s-400", "shahed-136"]
    assert rows_of(client.get("/systems/?origin=russia")) == ["su-30mk2"]


def test_systems_are_paged_and_keep_their_filters(client, data, monkeypatch):
    from tracker.explore import indexes

    monkeypatch.setattr(indexes, "SYSTEMS_PER_PAGE", 2)
    first = client.get("/systems/?sort=-requests&type=uav,air-defence,combat-aircraft")
    assert len(first.context["page"]) == 2 and first.context["count"] == 3
    page = first.content.decode()
    assert (
        "Page 1 of 2" in page
        and 'href="?sort=-requests&amp;type=uav%2Cair-defence%2Ccombat-aircraft&amp;page=2"' in page
    )
    second = client.get("/systems/?sort=-requests&type=uav,air-defence,combat-aircraft&page=2")
    assert len(second.context["page"]) == 1
    assert {*rows_of(first), *rows_of(second)} == {"s-400", "shahed-136", "su-30mk2"}
    # The CSV has them all, in the page's order.
    rows = download(client, "/systems.csv?sort=-requests&type=uav,air-defence,combat-aircraft")
    assert [row[1] for row in rows[1:]] == [*rows_of(first), *rows_of(second)]


def test_the_csv_are_the_pages_rows_with_guarded_cells(client, data, countries, types, source):
    party = Country.objects.create(name="=HYPERLINK(1) Front", kind="non_state")
    request = ArmsRequest.objects.create(requester=party, supplier=countries["RU"], published=True)
    Citation.objects.create(source=source, request=request, credibility=3)
    System.objects.filter(slug="shahed-136").update(designation="@SUM(1)", manufacturer="-1+1")
    header, *rows = download(client, "/countries.csv?sort=-asked_of")
    assert header == COUNTRY_INDEX_COLUMNS
    assert [row[1] for row in rows] == rows_of(client.get("/countries/?sort=-asked_of"))
    front = next(row for row in rows if row[1] == str(party.pk))
    assert front[:5] == ["'=HYPERLINK(1) Front", str(party.pk), "", "", "Non-state party"]
    assert front[7:11] == ["1", "0", "0", "0"] and front[11] == f"http://testserver/countries/{party.pk}/"
    ve = next(row for row in rows if row[1] == "VE")
    assert ve == [
        "Venezuela",
        "VE",
        "VE",
        "VEN",
        "ISO 3166-1 state",
        "Americas",
        "South America",
        "3",
        "0",
        "0",
        "0",
    ] + ["http://testserver/countries/VE/"]
    header, *rows = download(client, "/systems.csv")
    assert header == SYSTEM_INDEX_COLUMNS
    assert ["'@SUM(1)", "shahed-136", "UAV / drone", "'-1+1", "", "", "1", "0"] in [row[:8] for row in rows]
    assert ["Su-30MK2", "su-30mk2", "Combat aircraft", "", "Russia", "RU", "1", "0"] in [row[:8] for row in rows]
    assert client.get("/countries.csv?region=Americas")["Content-Disposition"].startswith(
        'attachment; filename="countries_region-Americas_'
    )


def test_drafts_are_never_counted_or_listed(client, data, countries, types, source):
    party = Country.objects.create(name="Quiet Front", kind="non_state")
    hush = System.objects.create(designation="Hush-2", slug="hush-2", equipment_type=types["uav"])
    draft = ArmsRequest.objects.create(requester=party, supplier=countries["VE"], published=False)
    RequestItem.objects.create(request=draft, equipment_type=types["uav"], system=hush)
    Citation.objects.create(source=source, request=draft, credibility=2)
    deployment = Deployment.objects.create(country=countries["VE"], host_country=party, system=hush, published=False)
    Citation.objects.create(source=source, deployment=deployment, credibility=2)
    before = counts(client)
    assert "Quiet Front" not in client.get("/countries/").content.decode()
    assert "Hush-2" not in client.get("/systems/").content.decode()
    assert "Quiet Front" not in b"".join(client.get("/countries.csv").streaming_content).decode()
    assert "Hush-2" not in b"".join(client.get("/systems.csv").streaming_content).decode()
    assert before["VE"] == (3, 0, 0, 0)
    ArmsRequest.objects.filter(pk=draft.pk).update(published=True, published_at=timezone.now())
    assert counts(client)[str(party.pk)] == (1, 0, 0, 0) and counts(client)["VE"] == (3, 1, 0, 0)
    assert "Hush-2" in client.get("/systems/").content.decode()


def queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


def grow(make_request, make_deployment, n=20):
    for i in range(n):
        make_request(requester="CU", supplier="CN", published=True, summary=f"more {i}")
        make_deployment(country="RU", host_country=Country.objects.get(iso2="IR"), published=True)
    System.objects.bulk_create(
        System(designation=f"Unused {i}", slug=f"unused-{i}", equipment_type_id=1) for i in range(30)
    )


# One GROUP BY per count column, whatever the number of rows: never a query per row.
INDEX_QUERIES = {
    "/countries/": 6,  # the regions for the form, four counts, the countries counted
    "/countries/?region=Americas&sort=-asked": 6,
    "/countries.csv": 5,  # no region asked: none read
    "/systems/": 5,  # the countries for the form, the types for the form, two counts, the systems
    "/systems/?type=uav&origin=Russia&sort=-requests": 6,  # and the types asked for
    "/systems.csv?type=uav": 4,  # types asked for, two counts, the systems
}


@pytest.mark.parametrize("path", INDEX_QUERIES)
def test_query_counts_are_pinned_and_do_not_grow_with_rows(client, data, make_request, make_deployment, path):
    before = queries(client, path)
    grow(make_request, make_deployment)
    assert before == queries(client, path) == INDEX_QUERIES[path]


def test_the_matrix_labels_rows_and_columns_alike(client, data):
    for path in ("/matrix/", "/"):
        page = client.get(path).content.decode()
        label = '<span class="country-label"><span class="name">{}</span> <span class="code">({})</span></span>'
        assert label.format("Venezuela", "VE") in page  # a row
        assert label.format("Russia", "RU") in page  # a column
        assert 'title="Russia (RU)"' in page and 'title="Venezuela (VE)"' in page
    rows = download(client, "/matrix.csv")
    assert "Russia (RU)" in rows[0] and "Venezuela (VE)" in [row[0] for row in rows]


def test_profiles_download_what_they_list(client, data):
    page = client.get("/countries/RU/").content.decode()
    assert 'href="/requests.csv?supplier=RU" download' in page
    assert 'href="/deployments.csv?country=RU" download' in page
    assert 'href="/requests.csv?requester=RU"' not in page  # nothing to download: no request by Russia
    assert 'href="/deployments.csv?host=BY" download' in client.get("/countries/BY/").content.decode()
    page = client.get("/systems/s-400/").content.decode()
    assert 'href="/requests.csv?system=s-400" download' in page and 'href="/deployments.csv?system=s-400"' in page
    # The downloads hold what the profile counts.
    profile = client.get("/countries/RU/").context
    assert len({row[0] for row in download(client, "/requests.csv?supplier=RU")[1:]}) == profile["was_asked_count"]
    assert len(download(client, "/deployments.csv?country=RU")[1:]) == profile["deployed_count"]


def test_the_nav_links_the_index_pages(client, data):
    page = client.get("/countries/").content.decode()
    assert '<a href="/countries/" aria-current="page">Countries</a>' in page
    assert '<a href="/systems/">Systems</a>' in page
