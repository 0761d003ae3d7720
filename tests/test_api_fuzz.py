"""No API address gives a server error: 500 random /api/ URLs (real and hostile keys, parameters and formats),
then every documented parameter of every address with every nasty value."""

import json
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_fuzz_urls import PUBLIC, VALUES, fetch, path_values, template, url, world  # noqa: F401
from tracker.api.problems import PROBLEM
from tracker.models import ArmsRequest, Deployment, Source, System

pytestmark = pytest.mark.django_db

API = [pattern for pattern in PUBLIC if template(pattern[0]).startswith("/api/")]
KEYS = ["requester", "supplier", "country", "host", "type", "system", "status", "date_from", "date_to", "active_on"]
KEYS += ["reliability", "delivered_in", "delivered_from", "delivered_to", "q", "sort", "page", "after", "before"]
KEYS += ["format", "junk"]
API_VALUES = VALUES | st.sampled_from(["jsonl", "json", "api", "VE", "ve,ru", "uav", "su-30mk2", "2025", "-date"])
ACCEPT = st.sampled_from(["application/json", "application/jsonl", "text/html", "*/*", "application/xml"])
METHODS = st.sampled_from(["get", "get", "get", "head", "options", "post", "delete"])


def test_the_fuzz_covers_every_api_address():
    names = {name for _, name in API}
    assert {"api-request-list", "api-request-lines", "api-request-detail", "api-country-detail"} <= names
    assert {"api-system-detail", "api-source-detail", "api-schema", "api-docs", "api-deployment-lines"} <= names


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_api_urls_never_give_a_server_error(world, data):  # noqa: F811
    cache.clear()  # the throttle would answer 429 before the view is reached
    pattern = data.draw(st.sampled_from(API))
    path = url(pattern[0], data.draw(path_values(pattern, world)))
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(KEYS) | st.text(max_size=10), API_VALUES), max_size=5))
    method, accept = data.draw(METHODS), data.draw(ACCEPT)
    client = Client(raise_request_exception=False, headers={"Accept": accept})
    query = urlencode(pairs)
    if method == "get":
        status = fetch(client, path, query)
    else:
        response = getattr(client, method)(path + (f"?{query}" if query else ""))
        status = response.status_code
    assert status < 500, (method, path, pairs, accept)
    if path.startswith("/api/") and status >= 400 and method != "head":
        assert status in (400, 404, 405, 406, 414, 429), (method, path, pairs, status)


# Values that broke or could break a layer: % formats (django-filter formatted its messages again), {}
# formats, LIKE's escape, quotes, long, unicode and control text, numbers no column or date can hold.
NASTY = ["%", "%s", "%(x)s", "{0}", "\\", "'", "x" * 1500, "💥é\u202e", "\x01\x1f\x7f", " ", ",", "VE,%,RU"]
NASTY += ["9223372036854775808", "-9223372036854775809", "-1", "0", "1e400", "2025-02-30", "99999-01"]
PAGES = {"/api/requests/": "/requests/", "/api/deployments/": "/deployments/"}
COMPARED = {"%", "%(x)s", "9223372036854775808", "-1", "0", "2025-02-30"}  # with the page, for time


def documented(client):
    """{address: [its query parameters]} for every API address the OpenAPI document lists, with each
    list's .jsonl address (the same parameters); an address with none is tried with ?format=."""
    schema = client.get("/api/schema/?format=json").json()
    found = {}
    for path, operations in schema["paths"].items():
        names = [p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"]
        found[path] = names or ["format"]
        if path.count("/") == 3 and names:
            found[path.rstrip("/") + ".jsonl"] = names
    return found


def real(path):
    """The address with its key filled in: a published record, country, system or source that exists."""
    ids = {
        "requests": ArmsRequest.objects.published().first().pk,
        "deployments": Deployment.objects.published().first().pk,
        "sources": Source.objects.cited_publicly().first().pk,
    }
    path = path.replace("{code}", "VE").replace("{slug}", System.objects.in_public_use().first().slug)
    path = path.replace("{number}", "1")  # every published record has a version 1
    return path.replace("{id}", str(ids.get(path.split("/")[2], 1)))


def answer(client, path, query):
    cache.clear()  # the throttle
    response = client.get(f"{path}?{query}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_every_documented_parameter_with_every_nasty_value(demo):
    """No 500; a refusal is a problem document naming the parameter, exactly where the page refuses too."""
    client = Client(raise_request_exception=False)
    addresses = documented(client)
    assert {"/api/requests.jsonl", "/api/deployments.jsonl", "/api/requests/{id}/"} <= set(addresses)
    assert {"country", "type", "system", "date_from", "delivered_in", "reliability"} <= set(addresses["/api/requests/"])
    errors, tried = [], 0
    for path, names in addresses.items():
        for name in names:
            for value in NASTY:
                query = urlencode({name: value})
                response, body = answer(client, real(path), query)
                tried += 1
                if response.status_code >= 500:
                    errors.append((response.status_code, path, query[:60]))
                elif response.status_code >= 400:
                    named = [p["name"] for p in json.loads(body).get("invalid-params", [])]
                    if response["Content-Type"] != PROBLEM or name not in named:
                        errors.append(("unnamed", response.status_code, path, query[:60], named))
                if path in PAGES and name != "format" and value in COMPARED:
                    page = client.get(f"{PAGES[path]}?{query}")
                    if (page.status_code == 400) != (response.status_code == 400):
                        errors.append(("page differs", page.status_code, response.status_code, path, query[:60]))
    assert tried > 700 and errors == [], errors[:20]


def test_a_percent_in_a_filter_is_a_problem_naming_it(demo):
    client = Client(raise_request_exception=False)
    for path in ("/api/requests/", "/api/requests.jsonl", "/api/deployments/", "/api/deployments.jsonl"):
        for name in ("country", "type", "system"):
            response, body = answer(client, path, f"{name}=%25")
            assert response.status_code == 400 and response["Content-Type"] == PROBLEM, path
            assert json.loads(body)["invalid-params"][0]["name"] == name
    response, body = answer(client, "/api/requests/", "date_from=%25s&delivered_in=%25")
    assert {p["name"] for p in json.loads(body)["invalid-params"]} == {"date_from", "delivered_in"}


def test_an_unknown_format_is_a_problem_naming_it(demo):
    client = Client(raise_request_exception=False)
    for path in ("/api/requests/", "/api/countries/", real("/api/requests/{id}/")):
        response, body = answer(client, path, "format=xml")
        assert response.status_code == 400 and response["Content-Type"] == PROBLEM, path
        assert [p["name"] for p in json.loads(body)["invalid-params"]] == ["format"]
