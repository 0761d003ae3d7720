"""?system= reads what people type (issue 23): a designation, its start, or manufacturer words; errors and
search results name what a person sees (the box's label, the system's page first)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.explorer_data import build
from tracker.explore import system_filter
from tracker.models import RequestItem, System

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db, make_request, types):
    """The explorer's data, its Su-30MK2 and S-400 given their makers; a published Su-35 request and a Sukhoi
    system only a draft names (the public never counts it)."""
    built = build()
    System.objects.filter(slug="su-30mk2").update(manufacturer="Sukhoi")
    System.objects.filter(slug="s-400").update(manufacturer="Almaz-Antey")
    for designation, published in (("Su-35", True), ("Su-57", False)):
        system = System.objects.create(
            designation=designation,
            slug=designation.lower(),
            manufacturer="Sukhoi",
            equipment_type=types["combat-aircraft"],
        )
        request = make_request("CN", "RU", published=published, external_id=f"test:{system.slug}")
        RequestItem.objects.create(
            request=request, system=system, equipment_type=types["combat-aircraft"], description="fighters"
        )
    return built


def listed(client, path, query):
    response = client.get(path, {"system": query} if isinstance(query, str) else query)
    assert response.status_code == 200, response.context and response.context.get("errors")
    return response


def request_keys(response):
    return {r.external_id.removeprefix("test:") for r in response.context["page"]}


READINGS = {
    "Sukhoi": {"ve_ru_jets", "su-35"},  # every public Sukhoi; the draft's Su-57 is no one's business
    "sukhoi": {"ve_ru_jets", "su-35"},
    "Su-30": {"ve_ru_jets"},  # the start of a designation: its family, not every Sukhoi
    "Su": {"ve_ru_jets", "su-35"},
    "SU 30 MK2": {"ve_ru_jets"},
    "su30mk2": {"ve_ru_jets"},
    "Su-30MK2": {"ve_ru_jets"},
    "su-30mk2": {"ve_ru_jets"},  # the slugs links were made with still work
    "su-30mk2 s-400": {"ve_ru_jets", "cu_ru_sam"},
    "Almaz-Antey S-400": {"cu_ru_sam"},
    "Sukhoi Su-35": {"su-35"},
    "Su-35, Almaz-Antey": {"su-35", "cu_ru_sam"},
}


def test_the_system_filter_reads_designations_and_manufacturers(client, data):
    found = {typed: request_keys(listed(client, "/requests/", typed)) for typed in READINGS}
    assert found == READINGS


def test_words_naming_several_systems_say_so_and_every_list_reads_them_alike(client, data):
    page = listed(client, "/requests/", "Sukhoi").content.decode()
    assert "Sukhoi: 2 systems (Su-30MK2, Su-35)." in page  # beside the box
    assert "System: Sukhoi (Sukhoi: 2 systems)" in page  # in the folded panel's summary
    csv = b"".join(listed(client, "/requests.csv", "Sukhoi").streaming_content).decode()
    assert "Su-30MK2" in csv and "Su-35" in csv and "S-400" not in csv
    api = client.get("/api/requests/", {"system": "Sukhoi"}).json()["results"]
    assert {r["id"] for r in api} == {r.pk for r in listed(client, "/requests/", "Sukhoi").context["page"]}
    deployments = listed(client, "/deployments/", "Almaz-Antey").context["page"]
    assert [d.description for d in deployments] == ["S-400 battalion"]


def test_the_list_resolves_words_to_ids_first_then_reads_the_items_index(client, data):
    with CaptureQueriesContext(connection) as by_slug:
        listed(client, "/requests/", "su-30mk2")
    with CaptureQueriesContext(connection) as by_maker:
        listed(client, "/requests/", "Sukhoi")
    assert len(by_maker) == len(by_slug)  # words cost no query more than a slug
    first, second = System.objects.filter(designation__in=["Su-30MK2", "Su-35"]).order_by("designation")
    sqls = [q["sql"] for q in by_maker]
    assert any(f'"system_id" IN ({first.pk}, {second.pk})' in sql for sql in sqls), sqls
    assert not any("LIKE" in sql for sql in sqls)  # no text matched in SQL: the words were read in Python


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Sukhoy", "Unknown system or manufacturer: 'Sukhoy'. Did you mean Sukhoi?"),
        ("Su-57", "Unknown system or manufacturer: 'Su-57'. Did you mean Su-35?"),  # the draft's is unknown
        ("Su-35, Death Star", "Unknown system or manufacturer: 'Death Star'."),
    ],
)
def test_unknown_words_are_an_error_under_the_boxs_label(client, data, typed, message):
    response = client.get("/requests/", {"system": typed})
    assert response.status_code == 400 and response.context["errors"] == [("system", message)]
    page = response.content.decode()
    assert f"<strong>System</strong>: {message}".replace("'", "&#x27;") in page
    assert "<code>system</code>" not in page and not response.context["page"].object_list
    problem = client.get("/api/requests/", {"system": typed}).json()
    assert problem["invalid-params"] == [{"name": "system", "label": "System", "reason": message}]
    assert problem["detail"] == f"System (system): {message}"


def test_text_naming_too_many_systems_asks_for_more(client, data, monkeypatch):
    monkeypatch.setattr(system_filter, "MOST_SYSTEMS", 1)
    response = client.get("/requests/", {"system": "Sukhoi"})
    assert response.status_code == 400
    assert response.context["errors"] == [("system", "'Sukhoi' names 2 systems: type more of a designation.")]


def test_suggestions_match_manufacturers_and_designations(client, data):
    def suggested(q):
        return [(s["designation"], s["manufacturer"]) for s in client.get("/systems/suggest/", {"q": q}).json()]

    assert suggested("sukh") == [("Su-30MK2", "Sukhoi"), ("Su-35", "Sukhoi")]
    assert suggested("almaz") == [("S-400", "Almaz-Antey")]
    assert suggested("Su-35") == [("Su-35", "Sukhoi")]
    assert suggested("su-5") == []  # the draft's Su-57


def test_list_rows_link_the_system_to_its_page(client, data):
    requests = client.get("/requests/").content.decode()
    assert '<a class="system" href="/systems/su-30mk2/">Su-30MK2</a>: ' in requests
    deployments = client.get("/deployments/").content.decode()
    assert '<a class="tag system" href="/systems/s-400/">S-400</a>' in deployments


LABELS = [
    ("date_from", "spring", "From"),
    ("date_to", "2025-13", "To"),
    ("requester", "Atlantis", "Requester"),
    ("supplier", "XX", "Asked country"),
    ("country", "XX", "Either side"),
    ("reliability", "Z", "Sources graded"),
    ("delivered_from", "98", "Delivered from"),
]


def test_filter_errors_name_the_label_on_screen(client, data):
    for parameter, value, label in LABELS:
        page = client.get("/requests/", {parameter: value}).content.decode()
        errors = page[page.index('<div class="errors"') : page.index("</ul>", page.index('<div class="errors"'))]
        assert f"<strong>{label}</strong>: " in errors and "<code>" not in errors, parameter
        problem = client.get("/api/requests/", {parameter: value}).json()["invalid-params"]
        assert [(p["name"], p["label"]) for p in problem] == [(parameter, label)]


def test_the_date_boxes_show_the_forms_they_accept(client, data):
    page = client.get("/requests/").content.decode()
    assert page.count('placeholder="2020, 2020-05, 2020-05-17"') == 2 and "YYYY-MM-DD" not in page
    assert listed(client, "/requests/", {"date_from": "2025"}).status_code == 200
    message = client.get("/requests/", {"date_from": "spring"}).context["errors"][0][1]
    assert message == "'spring' is not a date: a year, a month or a day, as 2020, 2020-05 or 2020-05-17."


@pytest.mark.parametrize(
    ("q", "kind", "name"),
    [
        ("Su-30MK2", "systems", "Su-30MK2"),
        ("Venezuela", "countries", "Venezuela"),
        ("VEN", "countries", "Venezuela"),
        ("jets", "requests", None),  # names no system or country: the records first, as before
    ],
)
def test_site_search_puts_the_page_a_query_names_first(client, data, q, kind, name):
    response = client.get("/search/", {"q": q})
    groups, page = response.context["groups"], response.content.decode()
    assert groups[0].kind == kind and page.split('<section class="results" id="')[1].startswith(kind)
    if name:
        top = groups[0].rows[0]
        assert getattr(top, "designation", None) == name or getattr(top, "name", None) == name
        assert page.index(f'href="{top.get_absolute_url()}"') < page.index("</section>")  # the first link
