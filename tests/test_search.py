"""Full-text search: the search document stays current whatever writes, and ?q= uses the index."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import opened_state
from tests.explorer_data import build
from tests.test_admin import request_form
from tracker.explore.filters import RequestFilter
from tracker.intake.engine import run_import
from tracker.models import ArmsRequest, Citation, EquipmentType, Person, RequestItem, System
from tracker.models.search import FTS_TABLE, search_document, words

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def document(request):
    return ArmsRequest.objects.values_list("search_text", flat=True).get(pk=request.pk)


def found(query):
    return set(ArmsRequest.objects.matching(query).values_list("external_id", flat=True))


# ------------------------------------------------------------ the document


def test_words_split_on_anything_but_letters_and_digits_and_fold_case_and_latin_accents():
    assert words("Su-30MK2") == ["su", "30mk2"]
    assert words("ve_cn_coop") == ["ve", "cn", "coop"]
    assert words("Juan Pérez, ｆｕｌｌ-width") == ["juan", "perez", "full", "width"]
    assert words("ПЁТР") == ["пётр"]  # only Latin letters lose accents; every letter its case
    assert words("İSTANBUL Ǆ") == ["istanbul", "dz"]
    assert words("-- '&|!:*()' --") == []


def test_search_document_is_the_words_of_every_part_once():
    text = search_document(
        "Venezuela asks Russia", "", ("Nicolás Maduro", None), ["jets", "Su-30MK2", "Combat aircraft", None]
    )
    assert text == "venezuela asks russia nicolas maduro jets su 30mk2 combat aircraft"
    assert search_document("x", "", (None, None), ["drones", None, "UAV", "drones", None, "UAV"]) == "x drones uav"


def test_document_follows_every_orm_write(make_request, types):
    request = make_request(summary="Caracas asks Moscow", notes="public remark", internal_notes="secretword")
    assert document(request) == "caracas asks moscow public remark drones uav drone"
    item = request.items.get()
    item.description = "loitering munitions"
    item.save()
    assert "loitering munitions" in document(request)
    system = System.objects.create(designation="Orion", slug="orion", equipment_type=types["uav"])
    item.system = system
    item.save()
    assert "orion" in document(request)
    system.designation = "Inokhodets-1"
    system.save()
    assert "inokhodets 1" in document(request) and "orion" not in document(request)
    uav = EquipmentType.objects.get(slug="uav")
    uav.name = "Unmanned aircraft"
    uav.save()
    assert "unmanned aircraft" in document(request)

    person = Person.objects.create(name="Delcy Rodríguez")
    request.addressed_to = person
    request.save()
    assert "delcy rodriguez" in document(request)
    assert request.search_text == document(request)  # the instance is kept current too
    person.name = "Delcy Eloína Rodríguez"
    person.save()
    assert "delcy eloina rodriguez" in document(request)

    second = RequestItem.objects.create(request=request, equipment_type=types["ship"], description="patrol boats")
    assert "patrol boats" in document(request)
    second.delete()
    assert "patrol" not in document(request)
    assert "secretword" not in document(request)
    assert not found("secretword")
    check_sqlite_index()


def check_sqlite_index():
    """FTS5 raises if its index disagrees with tracker_armsrequest (the triggers missed a write)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")


def test_admin_form_with_inline_items_updates_the_document(editor_client, countries, types, source):
    data = request_form(countries, types, source, published=True, internal_notes="curatorsonly")
    response = editor_client.post(reverse("admin:tracker_armsrequest_add"), data)
    assert response.status_code == 302
    request = ArmsRequest.objects.get()
    assert "attack drones" in document(request) and "curatorsonly" not in document(request)

    item = request.items.get()
    citation = request.citations.get()
    data |= {
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "1",
        "items-0-id": item.pk,
        "items-0-request": request.pk,
        "items-0-description": "kamikaze drones",
        "items-1-equipment_type": types["ship"].pk,
        "items-1-description": "fast boats",
        "items-1-help_kind": "supply",
        "citations-INITIAL_FORMS": "1",
        "citations-0-id": citation.pk,
        "citations-0-request": request.pk,
    }
    change = reverse("admin:tracker_armsrequest_change", args=[request.pk])
    response = editor_client.post(change, data | {"opened_state": opened_state(editor_client, change)})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "kamikaze drones" in document(request) and "fast boats" in document(request)
    assert "attack" not in document(request)


def test_import_writes_documents_for_created_and_updated_requests():
    raw = (DATA / "our_requests.csv").read_bytes()
    assert run_import("requests", raw, "our.csv", publish=True, skip_invalid=True).applied
    maduro = ArmsRequest.objects.get(summary="Maduro asked Moscow for repairs")
    assert document(maduro) == (
        "maduro asked moscow for repairs nicolas maduro "
        "repairs for radars radar sensor restoring su 30mk2 jets su 30mk2 combat aircraft"
    )
    assert list(ArmsRequest.objects.matching("restoring su-30")) == [maduro]

    revised = raw.replace(b"restoring Su-30MK2 jets", b"overhauling Su-30MK2 fighters")
    assert run_import("requests", revised, "our.csv", publish=True, skip_invalid=True).updated
    assert "overhauling su 30mk2 fighters" in document(maduro) and "restoring" not in document(maduro)
    assert not ArmsRequest.objects.matching("restoring").exists()


def test_rebuild_search_command_restores_documents_written_behind_the_orms_back(make_request):
    request = make_request(summary="Havana asks Beijing", external_id="x:1")
    ArmsRequest.objects.update(search_text="")
    assert found("havana") == set()
    out = io.StringIO()
    call_command("rebuild_search", stdout=out)
    assert "1 changed" in out.getvalue()
    assert found("havana") == {"x:1"} and "havana" in document(request)
    check_sqlite_index()


# ------------------------------------------------------------ the query


@pytest.fixture
def data(db):
    return build()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jet", {"ve_ru_jets"}),  # prefix
        ("SU-30", {"ve_ru_jets"}),
        ("su 30mk", {"ve_ru_jets"}),
        ("sha", {"ve_ir_drones"}),
        ("drones shahed", {"ve_ir_drones"}),  # every word
        ("drones jets", set()),
        ("Perez", {"cu_ru_sam"}),  # accents folded on both databases
        ("pérez juan", {"cu_ru_sam"}),
        ("combat aircraft", {"ve_ru_jets"}),  # the item's equipment type
        ("--", {"ve_ru_jets", "ve_ir_drones", "ve_cn_coop", "cu_ru_sam", "by_ru_undated", "draft", "uncited"}),
    ],
)
def test_every_word_matches_as_a_prefix(data, query, expected):
    assert found(query) == {f"test:{key}" for key in expected}


HOSTILE = [
    '"',
    "'",
    "''jets''",
    "&|!:*()",
    "jets & | ! drones",
    "jets:*",
    "!jets",
    "(jets",
    "jets)",
    "\\",
    "*",
    "^",
    "NEAR(jets drones)",
    "AND OR NOT",
    "jets OR",
    "col:jets",
    "{search_text}: jets",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ½ ﬁ Ⅻ ٣ 〇 ǅ ꙮ",
    "\u200b\u0301\u202e jets",
    "ᄀᄀ 한국어 中文 العربية",
    "x" * 200,
    "a " * 100,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_never_raises(client, data, query):
    for path in ("/requests/", "/requests.csv", "/matrix/"):
        response = client.get(path, {"q": query})
        assert response.status_code == 200, (path, query)
    list(ArmsRequest.objects.matching(query))


# ------------------------------------------------------------ the plan


FILLER = " ".join(f"word{k}" for k in range(40))


def test_search_uses_the_full_text_index(countries, source):
    """PostgreSQL: the GIN index, no sequential scan of requests; SQLite: the FTS5 table."""
    if connection.vendor == "postgresql":
        # Enough rows that a sequential scan would be a real choice for the planner.
        requests = ArmsRequest.objects.bulk_create(
            ArmsRequest(
                requester=countries["VE"],
                supplier=countries["RU"],
                date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 2000),
                date_precision="day",
                summary=f"Request {i}",
                # As long as a real document (30 to 60 words), so the table is as wide as a real one.
                search_text=f"request {i} {'zanzibar' if i % 5000 == 0 else 'ordinary'} drones radar {FILLER}",
                published=True,
                published_at=timezone.now(),
            )
            for i in range(20_000)
        )
        Citation.objects.bulk_create(Citation(source=source, request=r, credibility=2) for r in requests)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tracker_armsrequest, tracker_citation")
    with CaptureQueriesContext(connection) as read_first:  # ?q= reads its first matches at once (search.narrowed)
        qs = RequestFilter({"q": "zanzi"}, queryset=ArmsRequest.objects.published().for_list()).qs
    plan = qs.explain()
    if connection.vendor == "postgresql":
        assert any("search_vector" in q["sql"] for q in read_first.captured_queries)  # the GIN-indexed column
        assert "Seq Scan on tracker_armsrequest" not in plan, plan
        assert qs.count() == 4
    else:
        matched = [q["sql"] for q in read_first.captured_queries if "MATCH" in q["sql"]]
        assert matched and all(FTS_TABLE in sql for sql in matched), read_first.captured_queries
