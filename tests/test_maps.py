"""The deployment map and the who-asked-whom network: their JSON (shape, filters, 400s, drafts, query counts), their
pages and panels, and the precision of a deployment's coordinates (kept as data, imported and exported)."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.explorer_data import build
from tracker.explore import maps, network
from tracker.intake.engine import run_import
from tracker.models import ArmsRequest, Citation, Country, Deployment, LocationPrecision

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    requests, deployments = build()
    Deployment.objects.filter(pk=deployments["us_ships"].pk).update(
        latitude=Decimal("15"), longitude=Decimal("-75"), location_precision=LocationPrecision.REGION
    )
    # A draft with coordinates and a host: on no map, in no count.
    Deployment.objects.filter(pk=deployments["draft"].pk).update(
        latitude=Decimal("48.85"), longitude=Decimal("2.35"), host_country=Country.objects.get(iso2="RS")
    )
    return requests, deployments


def get_json(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, (path, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


def counted(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


# ------------------------------------------------------------------ map.json


def test_the_map_json_places_each_published_deployment_once(client, data):
    _, d = data
    answer = get_json(client, "/deployments/map.json")
    assert answer == {
        "count": 3,
        "points": [[d["us_ships"].pk, 15.0, -75.0, "region", "US: warships", "Caribbean"]],
        "points_total": 1,
        "countries": [["112", "BY", "Belarus", 1]],  # the S-400 battalion: placed by its host country only
        "unplaced": 1,  # the troops: neither coordinates nor host
        "record_url": "/deployments/0/",
    }


@pytest.mark.parametrize(
    ("query", "count", "points", "countries", "unplaced"),
    [
        ("country=US", 2, 1, [], 1),
        ("country=ru", 1, 0, [["112", "BY", "Belarus", 1]], 0),
        ("host=BY", 1, 0, [["112", "BY", "Belarus", 1]], 0),
        ("status=ended", 1, 0, [["112", "BY", "Belarus", 1]], 0),
        ("type=ship", 1, 1, [], 0),
        ("q=warships", 1, 1, [], 0),
        ("active_on=2025-09", 2, 1, [], 1),
        ("country=CN", 0, 0, [], 0),  # China's only deployment is a draft
        ("sort=country&after=nonsense&page=1", 3, 1, [["112", "BY", "Belarus", 1]], 1),  # the list's paging: ignored
    ],
)
def test_the_map_json_takes_the_list_filters(client, data, query, count, points, countries, unplaced):
    answer = get_json(client, f"/deployments/map.json?{query}")
    assert (answer["count"], len(answer["points"]), answer["countries"], answer["unplaced"]) == (
        count,
        points,
        countries,
        unplaced,
    )


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("country=XX", "country"),
        ("host=RS", None),  # a state is always known: no error, nothing matches
        ("status=sunk", "status"),
        ("active_on=2025-13", "active_on"),
        ("type=laser", "type"),
        ("system=nope-1", "system"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_a_bad_filter_is_a_400_that_names_it(client, data, query, parameter):
    if parameter is None:
        assert get_json(client, f"/deployments/map.json?{query}")["count"] == 0
        return
    answer = get_json(client, f"/deployments/map.json?{query}", status=400)
    assert [e["parameter"] for e in answer["errors"]] == [parameter]
    assert answer["errors"][0]["message"]


def test_a_party_known_only_to_drafts_is_refused_like_a_made_up_one(client, data, countries, source):
    party = Country.objects.create(name="Secret Brigade", notes="armed group")
    Deployment.objects.create(country=countries["RU"], host_country=party, description="hush", published=False)
    for query in (f"host={party.pk}", "host=999999"):
        answer = get_json(client, f"/deployments/map.json?{query}", status=400)
        assert answer["errors"][0]["parameter"] == "host"
    assert "Secret Brigade" not in client.get("/deployments/map.json").content.decode()


def test_published_but_uncited_is_still_a_draft(client, data):
    _, d = data
    Citation.objects.filter(deployment=d["us_ships"]).delete()
    assert get_json(client, "/deployments/map.json")["points"] == []


def test_a_host_without_a_shape_key_is_counted_as_unplaced(client, data, countries, source):
    party = Country.objects.create(name="Some Front", notes="armed group")
    deployment = Deployment.objects.create(country=countries["RU"], host_country=party, description="x", published=True)
    Citation.objects.create(source=source, deployment=deployment, credibility=2)
    answer = get_json(client, "/deployments/map.json")
    assert answer["unplaced"] == 2 and answer["count"] == 4


def test_the_points_are_capped_newest_record_first(client, data, make_deployment, monkeypatch):
    monkeypatch.setattr(maps, "MAX_POINTS", 2)
    made = [make_deployment(published=True, latitude=10 + i, longitude=20, description=f"d{i}") for i in range(3)]
    answer = get_json(client, "/deployments/map.json")
    assert [p[0] for p in answer["points"]] == [made[2].pk, made[1].pk]
    assert answer["points_total"] == 4 and answer["count"] == 6


def test_a_label_is_short_and_says_who(client, data, make_deployment):
    made = make_deployment(published=True, latitude=1, longitude=2, description="long " * 40)
    made_unit = make_deployment(published=True, latitude=1, longitude=3, unit="Task Force 1", description="x")
    points = {p[0]: p for p in get_json(client, "/deployments/map.json")["points"]}
    assert points[made.pk][4].startswith("US: long long") and points[made.pk][4].endswith("…")
    assert len(points[made.pk][4]) == len("US: ") + maps.LABEL_CHARS
    assert points[made_unit.pk][4] == "US: Task Force 1" and points[made_unit.pk][3] == ""


def test_a_point_names_its_place_in_words(client, data, countries, make_deployment):
    """The map writes place names (the location, else the region, else the host country): it has no tiles."""
    made = {  # each in the region "Caribbean" (the fixture's)
        "location": make_deployment(published=True, latitude=1, longitude=2, location="Tartus"),
        "region": make_deployment(published=True, latitude=1, longitude=3),
        "host": make_deployment(published=True, latitude=1, longitude=4, host_country=countries["BY"]),
        "none": make_deployment(published=True, latitude=1, longitude=5),
        "long": make_deployment(published=True, latitude=1, longitude=6, location="far " * 50),
    }
    Deployment.objects.filter(pk__in=[made["host"].pk, made["none"].pk]).update(region="")
    points = {p[0]: p for p in get_json(client, "/deployments/map.json")["points"]}
    places = {key: points[deployment.pk][5] for key, deployment in made.items()}
    assert places["location"] == "Tartus" and places["region"] == "Caribbean" and places["none"] == ""
    assert places["host"] == "Belarus"
    assert len(places["long"]) == maps.LABEL_CHARS and places["long"].endswith("…")


MAP_QUERIES = {
    "/deployments/map.json": 3,  # the points, the counts by host country, those countries
    "/deployments/map.json?country=US&host=BY,CU&type=ship": 5,  # plus one per filter naming rows (countries: one)
}


@pytest.mark.parametrize("path", MAP_QUERIES)
def test_the_map_json_query_count_is_pinned_and_does_not_grow(client, data, make_deployment, path):
    make_deployment(published=True, host_country=Country.objects.get(iso2="BY"))
    before = counted(client, path)
    for i in range(30):
        host = Country.objects.get(iso2=["BY", "CU", "VE"][i % 3])
        make_deployment(published=True, host_country=host, **({"latitude": i, "longitude": i} if i % 2 else {}))
    assert before == counted(client, path) == MAP_QUERIES[path]


def test_a_capped_map_costs_one_count_more(client, data, make_deployment, monkeypatch):
    monkeypatch.setattr(maps, "MAX_POINTS", 1)
    make_deployment(published=True, latitude=1, longitude=1)
    assert counted(client, "/deployments/map.json") == MAP_QUERIES["/deployments/map.json"] + 1


def test_the_map_json_is_compressed_for_a_client_that_accepts_it(client, data, make_deployment):
    for i in range(10):
        make_deployment(published=True, latitude=i, longitude=i)
    response = client.get("/deployments/map.json", headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"


# ------------------------------------------------------------ network.json


@pytest.fixture
def strongest(data, make_request):
    """A second request from Venezuela to Iran: the strongest link."""
    make_request(requester="VE", supplier="IR", published=True)


def test_the_network_json_gives_the_strongest_links_and_their_ends(client, strongest):
    answer = get_json(client, "/matrix/network.json")
    # Published and cited only: VE→RU, VE→IR (2), VE→CN, CU→RU, BY→RU; not the draft RS→CN nor the uncited RS→RU.
    assert (answer["total"], answer["pairs"], answer["requests_shown"]) == (6, 5, 6)
    assert answer["links"][0] == ["VE", "IR", 2, "/requests/?requester=VE&supplier=IR"]
    assert sorted(link[:3] for link in answer["links"][1:]) == [
        ["BY", "RU", 1],
        ["CU", "RU", 1],
        ["VE", "CN", 1],
        ["VE", "RU", 1],
    ]
    nodes = {n["code"]: n for n in answer["nodes"]}
    assert "RS" not in nodes
    assert nodes["VE"] == {
        "code": "VE",
        "name": "Venezuela",
        "region": "Americas",
        "asked": 4,
        "was_asked": 0,
        "url": "/requests/?country=VE",
    }
    assert (nodes["RU"]["asked"], nodes["RU"]["was_asked"]) == (0, 3)
    # Round the circle by region: the Americas, then Europe, then Asia.
    assert [n["code"] for n in answer["nodes"]] == ["CU", "VE", "BY", "RU", "CN", "IR"]


def test_the_network_shows_as_many_links_as_asked_and_counts_nodes_over_everything(client, strongest):
    answer = get_json(client, "/matrix/network.json?links=1")
    assert [link[:3] for link in answer["links"]] == [["VE", "IR", 2]]
    assert (answer["pairs"], answer["requests_shown"]) == (5, 2)
    assert {n["code"]: n["asked"] for n in answer["nodes"]} == {"VE": 4, "IR": 0}


def test_the_network_takes_the_matrix_filters_and_its_links_keep_them(client, data):
    answer = get_json(client, "/matrix/network.json?status=delivered&status=refused&sort=status&links=5&after=x")
    assert [link[:3] for link in answer["links"]] == [["CU", "RU", 1], ["VE", "IR", 1]]
    assert answer["links"][0][3] == "/requests/?status=delivered&status=refused&requester=CU&supplier=RU"
    assert {n["url"] for n in answer["nodes"]} >= {"/requests/?status=delivered&status=refused&country=RU"}


def test_a_link_replaces_the_sides_it_names(client, strongest):
    answer = get_json(client, "/matrix/network.json?requester=VE&country=VE")
    assert answer["links"][0][3] == "/requests/?country=VE&requester=VE&supplier=IR"
    assert {n["code"]: n["url"] for n in answer["nodes"]}["CN"] == "/requests/?requester=VE&country=CN"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("links=0", "links"),
        ("links=501", "links"),
        ("links=ten", "links"),
        ("links=-3", "links"),
        ("links=1.5", "links"),
        ("requester=XX", "requester"),
        ("date_from=2025-13", "date_from"),
        ("reliability=Z", "reliability"),
    ],
)
def test_a_bad_network_parameter_is_a_400_that_names_it(client, data, query, parameter):
    answer = get_json(client, f"/matrix/network.json?{query}", status=400)
    assert [e["parameter"] for e in answer["errors"]] == [parameter]


def test_an_empty_network(client, data):
    assert get_json(client, "/matrix/network.json?supplier=US") == {
        "total": 0,
        "pairs": 0,
        "requests_shown": 0,
        "links": [],
        "nodes": [],
    }


@pytest.mark.parametrize(("path", "expected"), [("/matrix/network.json", 3), ("/matrix/network.json?supplier=RU", 3)])
def test_the_network_json_query_count_is_pinned_and_does_not_grow(client, data, make_request, path, expected):
    before = counted(client, path)
    for i in range(20):
        make_request(requester=["CU", "CN", "IR", "BY"][i % 4], supplier="RU", published=True)
    assert before == counted(client, path) == expected


# -------------------------------------------------------------------- pages


def test_the_map_page_reads_no_deployment_and_names_its_data(client, data):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/deployments/map/?country=US&sort=country")
    assert response.status_code == 200
    assert not [q for q in ctx.captured_queries if '"tracker_deployment"."latitude"' in q["sql"]]
    page = response.content.decode()
    assert 'data-sources="/deployments/map.json?country=US&amp;sort=country"' in page
    assert "vendor/leaflet-1.9.4/leaflet.js" in page and "vendor/world-atlas-2.0.2/countries-50m.json" in page
    assert "Wide region or sea" in page  # the legend


def test_a_bad_filter_on_the_map_page_is_a_400_with_no_map(client, data):
    response = client.get("/deployments/map/?country=XX")
    assert response.status_code == 400
    assert response.context["errors"] == [("country", "Unknown country code: XX.")]
    assert "data-deployment-map" not in response.content.decode()


def test_the_list_page_has_a_map_panel_with_its_filters(client, data):
    page = client.get("/deployments/?type=ship&page=1").content.decode()
    assert "data-deployment-map" in page
    assert 'data-sources="/deployments/map.json?type=ship"' in page  # no paging
    assert 'href="/deployments/map/?type=ship"' in page
    assert "data-deployment-map" not in client.get("/deployments/?status=sunk").content.decode()


def test_a_country_page_maps_what_it_deployed_and_hosted(client, data):
    page = client.get("/countries/BY/").content.decode()
    assert 'data-sources="/deployments/map.json?country=BY /deployments/map.json?host=BY"' in page
    assert 'data-focus-numeric="112"' in page
    assert "data-deployment-map" not in client.get("/countries/VE/").content.decode()  # none: no empty map


def test_the_matrix_has_a_network_panel_with_its_filters(client, data):
    page = client.get("/matrix/?status=delivered&sort=status").content.decode()
    assert 'data-source="/matrix/network.json?status=delivered"' in page
    # Without JavaScript its form opens the network page with the same filters.
    assert '<input type="hidden" name="status" value="delivered">' in page
    assert "data-network" not in client.get("/matrix/?requester=XX").content.decode()


def test_the_network_page(client, data):
    response = client.get("/matrix/network/?links=25&requester=VE")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<option value="25" selected>25</option>' in page
    assert 'data-source="/matrix/network.json?requester=VE"' in page
    bad = client.get("/matrix/network/?links=many")
    assert bad.status_code == 400 and bad.context["errors"][0][0] == "links"


@pytest.mark.parametrize(("path", "expected"), [("/deployments/map/", 2), ("/matrix/network/", 2)])
def test_the_pages_query_count_is_pinned(client, data, path, expected):
    assert counted(client, path) == expected  # the filter form's countries and types


# ------------------------------------------------------- location precision


def test_a_precision_needs_coordinates(countries):
    deployment = Deployment(country=countries["US"], description="x", location_precision=LocationPrecision.SITE)
    with pytest.raises(ValidationError, match="give the coordinates too"):
        deployment.full_clean()
    deployment.latitude, deployment.longitude = Decimal("1"), Decimal("2")
    deployment.full_clean()
    deployment.location_precision = "somewhere"
    with pytest.raises(ValidationError):
        deployment.full_clean()


def export(client):
    response = client.get("/deployments.csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_precision_is_exported_and_imported_back(client, data):
    _, d = data
    rows = export(client)
    assert {row["description"]: row["location_precision"] for row in rows} == {
        "warships": "region",
        "S-400 battalion": "",
        "thousands of troops": "",
    }
    for row in rows:
        if row["description"] == "warships":
            row["location_precision"] = "Near a named place (within about 25 km)"  # its label will do
        if row["description"] == "S-400 battalion":
            row["location_precision"] = "site"  # with no coordinates: refused
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    outcome = run_import("deployments", text.getvalue().encode(), "edited.csv", dry_run=False, skip_invalid=True)
    assert [(p.column, p.reason) for p in outcome.problems] == [
        ("location_precision", "a precision qualifies coordinates, and there are none")
    ]
    assert Deployment.objects.get(pk=d["us_ships"].pk).location_precision == LocationPrecision.NEAR


def test_the_detail_page_says_the_precision(client, data):
    _, d = data
    assert "(wide region or sea)" in client.get(f"/deployments/{d['us_ships'].pk}/").content.decode()
    Deployment.objects.filter(pk=d["us_ships"].pk).update(location_precision="")
    assert "(precision not stated)" in client.get(f"/deployments/{d['us_ships'].pk}/").content.decode()


def test_the_demo_places_the_build_up_only_in_the_caribbean(client, demo):
    answer = get_json(client, "/deployments/map.json")
    assert answer["count"] == len(answer["points"]) == 4
    assert {(p[1], p[2], p[3]) for p in answer["points"]} == {(15.0, -75.0, "region")}
    assert ArmsRequest.objects.published().count() == get_json(client, "/matrix/network.json")["total"] == 4


def test_the_limits_are_consistent():
    assert network.DEFAULT_LINKS in network.LINK_CHOICES and max(network.LINK_CHOICES) <= network.MAX_LINKS
