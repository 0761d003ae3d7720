"""No API address gives a server error: 500 random /api/ URLs (real and hostile keys, parameters and formats)."""

from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_fuzz_urls import PUBLIC, VALUES, fetch, path_values, template, url, world  # noqa: F401

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
