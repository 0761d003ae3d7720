"""No GET gives a server error: every URL pattern the resolver knows, admin and public, as an editor, a viewer
and an anonymous visitor, with real, random, NUL and over-long values in its captured parts and its query.

The patterns come from the URL resolver, so a page added later is fuzzed without touching this file. POST
is out of scope here (form safety is tested with the forms).
"""

import re
from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.explorer_data import build
from tracker.intake.engine import run_import
from tracker.models import Country

pytestmark = pytest.mark.django_db

# Patterns left out, each with its reason. Keep this short: everything else is fuzzed.
EXCLUDED: dict[str, str] = {}


def parts_of(pattern):
    """A pattern as a list of literal strings and slots (name, converter) for its captured parts."""
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        pieces = re.split(r"<(?:(\w+):)?(\w+)>", text)
        out = []
        for i in range(0, len(pieces), 3):
            out.append(pieces[i])
            if i + 2 < len(pieces):
                out.append((pieces[i + 2], pieces[i + 1] or "str"))
        return out
    # A regex: literal text between its groups; each group, named or not, is a slot.
    text, out, i, literal = text.strip("^$"), [], 0, ""
    while i < len(text):
        if text[i] == "(":
            depth, j = 1, i + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
            name = re.match(r"\(\?P<(\w+)>", text[i:j])
            out += [literal, (name.group(1) if name else "group", "str")]
            literal, i = "", j
        else:
            literal += text[i + 1] if text[i] == "\\" else text[i]
            i += 2 if text[i] == "\\" else 1
    return [*out, literal.rstrip("$")]


def all_patterns(patterns=None, prefix=()):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from all_patterns(p.url_patterns, prefix + (p.pattern,))
        else:
            yield [part for pattern in (*prefix, p.pattern) for part in parts_of(pattern)], p.name or ""


def template(parts):
    return "/" + "".join(p if isinstance(p, str) else f"<{p[0]}>" for p in parts)


PATTERNS = [
    (parts, name)
    for parts, name in all_patterns()
    if not any(word in template(parts) or word in name for word in EXCLUDED)
]
PUBLIC = [(parts, name) for parts, name in PATTERNS if not template(parts).startswith("/admin/")]

# Captured values: real ones are filled in per pattern (real_value); these are hostile.
NASTY = ["abc", "-1", "9" * 30, "x" * 3000, "%00A", "a%00b", "💥", "..%2F..", "%"]


def real_value(name, slot, ids):
    """A value that names something that exists, so pages are reached past their lookups."""
    if slot[0] in ("object_id", "pk"):
        model = re.match(r"(?:tracker|auth)_(\w+?)_(?:change|delete|preview|rejects|history|)$", name)
        return ids.get(model.group(1) if model else "", "1")
    return {"app_label": "tracker", "code": "VE", "slug": "su-30mk2", "content_type_id": "1"}.get(slot[0], "1")


def url(parts, values):
    it = iter(values)
    return "/" + "".join(p if isinstance(p, str) else next(it) for p in parts)


def slots(parts):
    return [p for p in parts if not isinstance(p, str)]


# Query keys: the public filters, the admin's own, and the lookups the admin's list filters build.
PUBLIC_KEYS = ["requester", "supplier", "country", "host", "type", "system", "status", "date_from", "date_to"]
PUBLIC_KEYS += ["active_on", "reliability", "q", "sort", "page", "after", "before", "links"]
PUBLIC_KEYS += ["source", "region", "origin", "delivered_in", "delivered_from", "delivered_to"]
ADMIN_KEYS = ["q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters", "term", "app_label"]
ADMIN_KEYS += ["model_name", "field_name", "next", "published__exact", "status__exact", "id__exact", "pk__in"]


def lookup_keys():
    keys = set()
    for model_admin in admin.site._registry.values():
        for item in model_admin.list_filter:
            field = item if isinstance(item, str) else item[0] if isinstance(item, tuple) else None
            if field:
                keys |= {f"{field}__exact", f"{field}__id__exact", f"{field}__isnull", field}
        if model_admin.date_hierarchy:
            keys |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    return sorted(keys)


KEYS = PUBLIC_KEYS + ADMIN_KEYS + lookup_keys() + ["junk"]
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "a\x00", "9" * 25, "-1", "1", "2025-13-40", "x" * 2500, "tracker", "citation", "source"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@pytest.fixture
def world(db, editor):
    """Something of every kind, so real ids reach past the lookups: the explorer's data, an import, a party."""
    build()
    run_import("requests", (DATA_FILE).read_bytes(), "sipri_current.csv", dry_run=True, skip_invalid=True)
    Country.objects.create(name="Some Front", notes="non-state party")
    ids = {}
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            ids[model._meta.model_name] = str(first.pk)
    return ids


DATA_FILE = __import__("pathlib").Path(__file__).parent / "data" / "sipri_current.csv"


def client_as(role, editor, viewer):
    client = Client(raise_request_exception=False)  # a server error is a status to count, not an exception
    if role != "anonymous":
        client.force_login(editor if role == "editor" else viewer)
    return client


def fetch(client, path, query=""):
    response = client.get(path + (f"?{query}" if query else ""))
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response.status_code


ROLES = ["editor", "viewer", "anonymous"]
QUERIES = [
    "",
    "q=%00",
    "q=" + "x" * 3000,
    "o=99&p=-1&e=1",
    "all=&_to_field=password",
    "_to_field=",
    "id__exact=" + "9" * 30,
]
QUERIES += ["q=" + "x" * 3500, "q=su-30mk2%20%E2%80%94%20%C3%A9", "q=%25_%5C", "source=1,abc", "source=" + "9" * 25]
QUERIES += [
    "requester=Korea&supplier=RU,CN&country=Venezuela,%20Atlantis&host=" + "VE," * 300,
    "region=%00&origin=" + "x," * 500 + "&sort=-asked&type=uav",
    "status__exact=%00",
    "reliability__exact=%00",
    "term=%00&app_label=tracker&model_name=citation&field_name=source",
]


@pytest.mark.parametrize("role", ROLES)
def test_every_pattern_with_real_and_hostile_parts(world, editor, viewer, role):
    """Every pattern (public only for the anonymous), each captured part real, then each hostile value."""
    client = client_as(role, editor, viewer)
    errors, tried = [], 0
    for parts, name in PUBLIC if role == "anonymous" else PATTERNS:
        real = [real_value(name, slot, world) for slot in slots(parts)]
        attempts = [(real, QUERIES)] + [([quote(v, safe="%") for _ in real], [""]) for v in NASTY if real]
        for values, queries in attempts:
            path = url(parts, values)
            for query in queries:
                status = fetch(client, path, query)
                tried += 1
                if status >= 500:
                    errors.append((status, path[:120], query))
    assert tried > 100 and errors == [], errors


def path_values(parts, ids):
    hostile = st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=30).map(lambda s: quote(s, safe="")))
    return st.tuples(*[st.one_of(st.just(real_value(parts[1], slot, ids)), hostile) for slot in slots(parts[0])])


@pytest.mark.parametrize("role", ROLES)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_urls_and_queries_never_give_a_server_error(world, editor, viewer, role, data):
    pattern = data.draw(st.sampled_from(PUBLIC if role == "anonymous" else PATTERNS))
    values = data.draw(path_values(pattern, world))
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(KEYS) | st.text(max_size=10), VALUES), max_size=5))
    path = url(pattern[0], values)
    status = fetch(client_as(role, editor, viewer), path, urlencode(pairs))
    assert status < 500, (path, pairs)


def test_the_fuzz_sees_every_admin_model_and_every_public_page():
    names = {name for _, name in PATTERNS}
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        assert {f"{label}_changelist", f"{label}_change"} <= names
    assert {"request-list", "country-detail", "system-detail", "request-csv", "matrix-csv", "search"} <= names
    assert {"request-feed", "deployment-feed"} <= names
    assert {"deployment-map", "deployment-map-json", "network", "network-json"} <= names
    assert {"country-index", "country-index-csv", "system-index", "system-index-csv"} <= names
    assert {"tracker_armsrequest_history", "tracker_armsrequest_revision", "tracker_armsrequest_recover"} <= names
