"""The JSON API: its resources and their shapes, the same rows as the pages, cursors, errors, JSON Lines, CORS."""

import json

import pytest
from django.core.cache import cache
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from tests.explorer_data import build
from tracker.models import ArmsRequest, Citation, Claim, Country, Delivery, Deployment, RequestItem, Source, System

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttle_memory():
    cache.clear()  # the throttle counts in the cache; each test starts afresh


@pytest.fixture
def data(db):
    return build()


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


def conforms(schema, component, instance):
    """Validates instance against #/components/schemas/<component> of the OpenAPI document."""
    document = {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
    OAS31Validator(document).validate(instance)


def lines(response):
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    assert body == "" or body.endswith("\n")
    return [json.loads(line) for line in body.splitlines()]


def ids(response):
    return [r["id"] for r in response.json()["results"]]


def page_ids(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return [r.pk for r in response.context["page"]]


# ----------------------------------------------------------------- schema


def test_the_openapi_document_validates(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    document = json.loads(response.content)
    validate_spec(document)
    paths = set(document["paths"])
    assert {"/api/requests/", "/api/requests/{id}/", "/api/deployments/", "/api/countries/{code}/"} <= paths
    assert {"/api/systems/{slug}/", "/api/sources/{id}/", "/api/systems/", "/api/countries/"} <= paths
    names = {p["name"] for p in document["paths"]["/api/requests/"]["get"]["parameters"]}
    assert {"requester", "supplier", "country", "type", "system", "status", "date_from", "q", "sort"} <= names
    assert {"after", "before", "format", "delivered_in", "reliability"} <= names


def test_demo_responses_match_the_document(client, demo, schema):
    """Every kind of resource, as answered on the demo data, is what the OpenAPI document says."""
    request = ArmsRequest.objects.published().filter(requested_by__isnull=False).first()
    deployment = Deployment.objects.published().first()
    source = Source.objects.cited_publicly().first()
    system = System.objects.in_public_use().first()
    for path, component in [
        ("/api/requests/", "RequestPage"),
        (f"/api/requests/{request.pk}/", "Request"),
        ("/api/deployments/", "DeploymentPage"),
        (f"/api/deployments/{deployment.pk}/", "Deployment"),
        ("/api/countries/", "CountryPage"),
        ("/api/countries/VE/", "CountryDetail"),
        ("/api/systems/", "SystemPage"),
        (f"/api/systems/{system.slug}/", "SystemDetail"),
        (f"/api/sources/{source.pk}/", "Source"),
        ("/api/requests/?requester=XX", "Problem"),
        ("/api/requests/999999/", "Problem"),
    ]:
        response = client.get(path)
        conforms(schema, component, response.json())
    for record in lines(client.get("/api/requests.jsonl")):
        conforms(schema, "Request", record)
    for record in lines(client.get("/api/deployments.jsonl")):
        conforms(schema, "Deployment", record)


# ----------------------------------------------------------------- shapes


def test_a_request_carries_everything_the_page_shows(client, demo):
    """The issue's check: ?requester=Venezuela's records with their quotes (by code here; names are another's)."""
    body = client.get("/api/requests/?requester=VE").json()
    assert len(body["results"]) == ArmsRequest.objects.published().filter(requester__iso2="VE").count() == 4
    assert body["next"] is None and body["previous"] is None
    for record in body["results"]:
        assert record["requester"]["code"] == "VE"
        assert record["citations"] and all(c["quote"] for c in record["citations"])
        assert record["html_url"] == f"http://testserver/requests/{record['id']}/"
        assert record["url"] == f"http://testserver/api/requests/{record['id']}/"
    signed = next(r for r in body["results"] if r["requested_by"])
    assert set(signed["requested_by"]) == {"name", "title", "country"}


def test_items_deliveries_estimates_and_sources(client, make_request, types, source):
    request = make_request(published=True, date_estimated=True)
    item = request.items.get()
    RequestItem.objects.filter(pk=item.pk).update(
        quantity_requested=40, quantity_requested_estimated=True, quantity_delivered=20, hedged=True
    )
    Delivery.objects.create(item=item, year=1999, quantity=None, estimated=True)
    Delivery.objects.create(item=item, year=1998, quantity=20)
    Source.objects.filter(pk=source.pk).update(
        url="https://example.org/a", published_on="2025-10-01", published_precision="month"
    )
    record = client.get(f"/api/requests/{request.pk}/").json()
    assert record["date"] == "2025-10" and record["date_precision"] == "month" and record["date_estimated"] is True
    [got] = record["items"]
    assert got["equipment_type"] == {"slug": "uav", "name": types["uav"].name}
    assert got["system"] is None and got["hedged"] is True
    assert (got["quantity_requested"], got["quantity_requested_estimated"]) == (40, True)
    assert (got["quantity_delivered"], got["quantity_delivered_estimated"]) == (20, False)
    assert got["deliveries"] == [
        {"year": 1998, "quantity": 20, "estimated": False},
        {"year": 1999, "quantity": None, "estimated": True},
    ]
    [citation] = record["citations"]
    assert citation["quote"] == "They asked." and citation["credibility"] == 2
    # The nested source reads exactly as the source's own resource.
    assert citation["source"] == client.get(citation["source"]["url"]).json()
    assert citation["source"]["web_url"] == "https://example.org/a" and citation["source"]["published"] == "2025-10"


def test_a_deployment(client, make_deployment, countries):
    deployment = make_deployment(published=True, host_country=countries["VE"], latitude="10.50000", longitude="-66.9")
    record = client.get(f"/api/deployments/{deployment.pk}/").json()
    assert record["country"]["code"] == "US" and record["host_country"]["code"] == "VE"
    assert record["latitude"] == 10.5 and record["longitude"] == -66.9
    assert record["start"] is None and record["end"] is None and record["system"] is None
    assert record["citations"][0]["quote"] == "They sailed."


def test_countries_systems_and_parties(client, data):
    party = Country.objects.create(name="Some Front", notes="An armed group.")
    assert client.get(f"/api/countries/{party.pk}/").status_code == 404  # no published record names it
    make = data[0]["ve_ru_jets"]
    ArmsRequest.objects.filter(pk=make.pk).update(requester=party)
    body = client.get(f"/api/countries/{party.pk}/").json()
    assert body["code"] == str(party.pk) and body["iso2"] is None and body["notes"] == "An armed group."
    assert body["counts"]["requests_made"] == 1
    assert client.get("/api/countries/ve/").json()["code"] == "VE"
    assert client.get("/api/countries/VEN/").status_code == 404
    system = client.get("/api/systems/su-30mk2/").json()
    assert system["origin_country"]["code"] == "RU" and system["counts"]["requests"] >= 1
    assert system["requests_url"] == "http://testserver/api/requests/?system=su-30mk2"
    codes = []
    url = "/api/countries/"
    while url:
        body = client.get(url).json()
        codes += [c["code"] for c in body["results"]]
        url = body["next"]
    assert len(codes) == len(set(codes)) == Country.objects.public().count()
    assert [c["code"] for c in lines(client.get("/api/countries.jsonl"))] == codes


# -------------------------------------------------------------- drafts


def test_drafts_are_missing_everywhere(client, make_request, make_deployment, types):
    draft = make_request(published=False, summary="secret draft")
    system = System.objects.create(designation="Hush-2", slug="hush-2", equipment_type=types["uav"])
    RequestItem.objects.filter(request=draft).update(system=system)
    deployment = make_deployment(published=False)
    uncited = make_request(published=True, cite=False)
    secret_source = Source.objects.create(outlet="Secret", title="Only drafts cite me")
    secret = Citation.objects.create(source=secret_source, request=draft)
    Claim.objects.create(request=draft, citation=secret, field="status", status="refused", words="Secret refusal")
    for path in (f"/api/requests/{draft.pk}/", f"/api/deployments/{deployment.pk}/", f"/api/requests/{uncited.pk}/"):
        missing = client.get(path)
        assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    assert client.get("/api/requests/99999999/").json()["detail"] == "No published request has the id 99999999."
    assert client.get(f"/api/requests/{draft.pk}/").json()["detail"] == f"No published request has the id {draft.pk}."
    assert client.get(f"/api/sources/{secret_source.pk}/").status_code == 404
    assert client.get("/api/systems/hush-2/").status_code == 404
    assert client.get("/api/requests/?system=hush-2").status_code == 400  # as a slug nobody made
    lists = ("/api/requests/", "/api/requests.jsonl", "/api/deployments/", "/api/systems/", "/api/systems.jsonl")
    # A draft's claims too (issue 25): never in the claims' list or CSV, nor found by ?disputed=1.
    for path in (*lists, "/api/claims/", "/claims.csv", "/api/requests/?disputed=1", "/requests/?disputed=1"):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"secret draft" not in body and b"Hush-2" not in body and b"Secret" not in body, path


# -------------------------------------------------------- parity with pages

REQUEST_QUERIES = [
    "",
    "country=VE",
    "requester=ve,ru",
    "supplier=RU&supplier=CN",
    "type=uav",
    "system=su-30mk2",
    "status=requested&status=agreed",
    "date_from=2025&date_to=2025-10",
    "date_from=2024-01-15",
    "reliability=B",
    "q=summary",
    "sort=requester",
    "sort=-status",
    "sort=date",
    "sort=supplier&country=RU",
]
DEPLOYMENT_QUERIES = ["", "country=US", "host=VE", "active_on=2025", "status=active", "sort=country", "sort=start"]


@pytest.mark.parametrize("query", REQUEST_QUERIES)
def test_requests_are_the_pages_rows(client, data, query):
    api = ids(client.get(f"/api/requests/?{query}"))
    assert api == page_ids(client, f"/requests/?{query}")
    assert [r["id"] for r in lines(client.get(f"/api/requests.jsonl?{query}"))] == api
    assert [r["id"] for r in lines(client.get(f"/api/requests/?{query}&format=jsonl"))] == api


@pytest.mark.parametrize("query", DEPLOYMENT_QUERIES)
def test_deployments_are_the_pages_rows(client, data, query):
    api = ids(client.get(f"/api/deployments/?{query}"))
    assert api == page_ids(client, f"/deployments/?{query}")
    assert [r["id"] for r in lines(client.get(f"/api/deployments.jsonl?{query}"))] == api


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("requester=XX", "requester"),
        ("date_from=2025-13", "date_from"),
        ("status=lost", "status"),
        ("sort=size", "sort"),
        ("delivered_in=98", "delivered_in"),
        ("reliability=Z", "reliability"),
        ("after=nonsense", "after"),
        ("page=2", "page"),
        ("after=a&before=b", "before"),
    ],
)
def test_a_bad_value_is_a_problem_naming_it(client, data, query, parameter):
    response = client.get(f"/api/requests/?{query}")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Bad Request" and problem["type"] == "about:blank"
    assert [p["name"] for p in problem["invalid-params"]] == [parameter]
    assert parameter in problem["detail"]
    assert client.get(f"/requests/?{query}").status_code == 400  # the page refuses it too
    paging = parameter in ("after", "page", "before")  # a download is every row: it takes no cursor
    assert client.get(f"/api/requests.jsonl?{query}").status_code == (200 if paging else 400)


def test_cursors_walk_every_row_both_ways_as_the_page_does(client, make_request):
    for n in range(120):
        make_request(published=True, summary=f"request {n}")
    expected = list(ArmsRequest.objects.published().order_by("-date", "-id").values_list("pk", flat=True))
    walked, pages, url = [], [], "/api/requests/?sort=-date"
    while url:
        body = client.get(url).json()
        pages.append(body)
        walked += [r["id"] for r in body["results"]]
        url = body["next"]
    assert walked == expected and len(pages) == 3
    assert "sort=-date" in pages[1]["next"] and "after=" in pages[1]["next"]
    back = client.get(pages[2]["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in pages[1]["results"]]
    # The page's own cursor works on the API and the other way round: one pagination.
    html = client.get("/requests/?sort=-date").context["page"]
    second = ids(client.get(f"/api/requests/?sort=-date&after={html.next_cursor}"))
    assert second == [r["id"] for r in pages[1]["results"]]


@pytest.mark.parametrize("records", [1, 60])
def test_list_query_counts_do_not_grow_with_rows(client, make_request, django_assert_max_num_queries, records):
    for n in range(records):
        make_request(published=True, supplier="CN" if n % 2 else "RU")
    # version, country codes, type slugs, page (two segments at most: dated, then undated), the records' JSON
    with django_assert_max_num_queries(6):
        assert client.get("/api/requests/?supplier=RU,CN&type=uav").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/api/deployments/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/api/systems/").status_code == 200
    # version, country codes, then the snapshot's begin and end, its first records and the rest: twice
    # the first time at a data version, its ETag being the lines' hash (tracker/api/freshness.py)
    with django_assert_max_num_queries(10):
        assert len(lines(client.get("/api/requests.jsonl?supplier=RU,CN"))) == records
    with django_assert_max_num_queries(6):
        assert len(lines(client.get("/api/requests.jsonl?supplier=RU,CN"))) == records


# ------------------------------------------------------------ HTTP details


def test_errors_are_problems_everywhere_under_api(client, data):
    for path, status in [("/api/nowhere/", 404), ("/api/requests/x/", 404), ("/api/requests/?q=a%00b", 400)]:
        response = client.get(path)
        assert response.status_code == status and response["Content-Type"] == "application/problem+json", path
        assert response.json()["status"] == status
    refused = client.post("/api/requests/", {"summary": "x"})
    assert refused.status_code == 405 and refused.json()["title"] == "Method Not Allowed"
    assert "GET" in refused["Allow"] and "POST" not in refused["Allow"]
    assert client.get("/requests/nowhere/")["Content-Type"].startswith("text/html")  # the site keeps its pages


def test_cors_lets_any_origin_read_the_api_only(client, data):
    response = client.get("/api/requests/", headers={"Origin": "https://newsroom.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/requests/", headers={"Origin": "https://newsroom.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 200 and preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Origin" not in client.get("/requests/", headers={"Origin": "https://x.example"})
    missing = client.get("/api/requests/999999/", headers={"Origin": "https://newsroom.example"})
    assert missing["Access-Control-Allow-Origin"] == "*"  # a browser client can read the problem too


def test_json_lines_by_accept_header_and_head(client, data, django_assert_max_num_queries):
    response = client.get("/api/deployments/", headers={"Accept": "application/jsonl"})
    assert len(lines(response)) == Deployment.objects.published().count()
    assert response["Content-Disposition"].startswith('inline; filename="deployments_')
    client.head("/api/requests.jsonl")  # the first at this data version reads the lines for their ETag
    with django_assert_max_num_queries(1):
        head = client.head("/api/requests.jsonl")
    assert head.status_code == 200 and head.content == b"" and head["Content-Type"].startswith("application/jsonl")


def test_the_throttle_answers_429_as_a_problem(client, data):
    from tracker.api.throttling import ClientThrottle

    ClientThrottle.THROTTLE_RATES = {"client": "3/minute"}
    try:
        statuses = [client.get("/api/").status_code for _ in range(4)]
        refused = client.get("/api/requests/")
    finally:
        del ClientThrottle.THROTTLE_RATES  # the class's own, from settings, again
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429 and refused.json()["status"] == 429 and int(refused["Retry-After"]) > 0
