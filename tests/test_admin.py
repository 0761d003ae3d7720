import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Revision, Version

from tests.conftest import opened_state, revisions
from tracker.models import (
    ArmsRequest,
    Citation,
    Country,
    Deployment,
    EquipmentType,
    Person,
    RequestItem,
    Source,
    System,
)

pytestmark = pytest.mark.django_db

MODELS = [Country, EquipmentType, System, Person, Source, Citation, ArmsRequest, RequestItem, Deployment]

# Queries per page, whatever the number of rows shown (checked below with more rows).
# The big changelists (citation, armsrequest, requestitem, deployment) count once, up to a
# cap, instead of twice in full; requests and deployments read the first and last dates for
# their year filter (two queries) where date_hierarchy read the distinct years, and every
# country for the country filters where RelatedOnlyFieldListFilter read the distinct ones.
CHANGELIST_QUERIES = {
    "country": 7,
    "equipmenttype": 5,
    "system": 7,
    "person": 6,
    "source": 8,
    "citation": 4,
    "armsrequest": 9,
    "requestitem": 5,
    "deployment": 9,
}


def url(model, action, *args):
    return reverse(f"admin:tracker_{model._meta.model_name}_{action}", args=args)


def sample(model):
    """A demo row of each model for its change page."""
    return {
        Country: lambda: Country.objects.get(iso2="VE"),
        System: lambda: System.objects.get(slug="su-30mk2"),
        Person: lambda: Person.objects.get(name="Nicolas Maduro"),
    }.get(model, lambda: model.objects.first())()


def more_rows(countries, types, n=6):
    """Rows of every kind, so a per-row query would show up as a higher count."""
    sources = [Source.objects.create(outlet=f"Outlet {i}", title=f"Report {i}", reliability="C") for i in range(n)]
    for i in range(n):
        system = System.objects.create(
            designation=f"Test-{i}", slug=f"test-{i}", equipment_type=types["uav"], origin_country=countries["IR"]
        )
        person = Person.objects.create(name=f"Official {i}", title="Minister", country=countries["CU"])
        request = ArmsRequest.objects.create(
            requester=countries["CU"],
            supplier=countries["RU"],
            requested_by=person,
            date=datetime.date(2024, 1, 1),
            date_precision="year",
            summary=f"Request {i}",
        )
        RequestItem.objects.create(request=request, equipment_type=types["uav"], system=system, description="drones")
        Citation.objects.create(source=sources[i], request=request, credibility=3)
        deployment = Deployment.objects.create(
            country=countries["RU"],
            host_country=countries["BY"],
            equipment_type=types["air-defence"],
            system=system,
            description=f"Deployment {i}",
        )
        Citation.objects.create(source=sources[i], deployment=deployment, credibility=3)


def count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_query_count_is_pinned_and_constant(admin_client, demo, countries, types, model):
    path = url(model, "changelist")
    before = count_queries(admin_client, path)
    more_rows(countries, types)
    after = count_queries(admin_client, path)
    assert model.objects.count() > 1
    assert before == after, f"{model.__name__} changelist: {before} queries, then {after} with more rows"
    assert after == CHANGELIST_QUERIES[model._meta.model_name]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_add_change_and_history_pages_answer(admin_client, demo, model):
    obj = sample(model)
    for path in (url(model, "add"), url(model, "change", obj.pk), url(model, "history", obj.pk)):
        assert admin_client.get(path).status_code == 200, path


def test_changelist_search_and_filters(admin_client, demo):
    response = admin_client.get(url(ArmsRequest, "changelist"), {"q": "Su-30MK2"})
    assert response.context["cl"].result_count == 1
    response = admin_client.get(url(ArmsRequest, "changelist"), {"item_type": 0})
    assert response.status_code == 200
    uav = EquipmentType.objects.get(slug="uav")
    response = admin_client.get(url(ArmsRequest, "changelist"), {"item_type": uav.pk})
    with_uav = ArmsRequest.objects.filter(items__equipment_type=uav).distinct()
    assert response.context["cl"].result_count == with_uav.count() > 0
    response = admin_client.get(url(ArmsRequest, "changelist"), {"date_year": "2025"})
    assert {r.date.year for r in response.context["cl"].result_list} == {2025}
    response = admin_client.get(url(Deployment, "changelist"), {"start_date_year": "2020s"})
    assert all(2020 <= d.start_date.year < 2030 for d in response.context["cl"].result_list)
    assert admin_client.get(url(ArmsRequest, "changelist"), {"date_year": "soon"}).status_code == 302  # to ?e=1
    response = admin_client.get(url(Deployment, "changelist"), {"q": "Gerald"})
    assert response.context["cl"].result_count == 1
    response = admin_client.get(url(Country, "changelist"), {"q": "VEN"})
    assert "VE" in [c.iso2 for c in response.context["cl"].result_list]


TOO_BIG = "9" * 25  # beyond any integer column; SQLite cannot even bind it


@pytest.mark.parametrize(
    "query",
    [
        f"source={TOO_BIG}",
        f"request={TOO_BIG}",
        f"source__id__exact={TOO_BIG}",
        f"id__in=1,{TOO_BIG}",
        f"id__gt=-{TOO_BIG}",
    ],
)
def test_changelist_refuses_integers_no_column_holds(admin_client, demo, query):
    response = admin_client.get(url(Citation, "changelist") + "?" + query)
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_add_page_drops_a_key_no_row_can_have(admin_client, demo):
    source = Source.objects.first()
    response = admin_client.get(url(Citation, "add") + f"?source={TOO_BIG}")
    assert response.status_code == 200 and "source" not in response.context["adminform"].form.initial
    response = admin_client.get(url(Citation, "add") + f"?source={source.pk}")
    assert response.context["adminform"].form.initial["source"] == str(source.pk)


@pytest.mark.parametrize("model", [ArmsRequest, Deployment, RequestItem, Citation], ids=lambda m: m._meta.model_name)
def test_big_changelists_count_up_to_a_cap_and_say_more_than(admin_client, demo, countries, types, monkeypatch, model):
    from tracker.curation import changelists as tracker_admin

    monkeypatch.setattr(tracker_admin, "ADMIN_COUNT_REACH", 2)
    more_rows(countries, types, n=4)
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client.get(url(model, "changelist"), {"p": 1})
    page = response.content.decode()
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].upper().startswith("SELECT COUNT(")]
    # One count, of at most a page + 2 + 1 rows, with no join or per-row subquery in it.
    reach = response.context["cl"].list_per_page + 2
    assert len(counts) == 1 and f"LIMIT {reach + 1}" in counts[0].upper()
    assert counts[0].upper().count("SELECT") == 2 and "JOIN" not in counts[0].upper()
    if model.objects.count() > reach:
        assert response.context["cl"].paginator.capped and f"more than {reach}" in page
    else:
        assert not response.context["cl"].paginator.capped
        assert f"{model.objects.count()} {model._meta.verbose_name_plural}" in page


def test_a_capped_changelist_shows_no_last_page(admin_client, demo, countries, types, monkeypatch):
    from tracker.curation import changelists
    from tracker.curation.requests import ArmsRequestAdmin

    monkeypatch.setattr(changelists, "ADMIN_COUNT_REACH", 2)
    monkeypatch.setattr(ArmsRequestAdmin, "list_per_page", 2)
    more_rows(countries, types, n=6)
    response = admin_client.get(url(ArmsRequest, "changelist"))
    cl = response.context["cl"]
    assert cl.paginator.capped and cl.result_count == 5  # 2 per page + 2 beyond + 1 to know there are more
    page = response.content.decode()
    assert "more than 4 arms requests" in page and "Select all arms requests matching (more than 4)" in page
    assert list(cl.paginator.get_elided_page_range(1)) == [1, 2, 3, cl.paginator.ELLIPSIS]
    # Further pages stay reachable: the count reaches past the page asked for.
    assert admin_client.get(url(ArmsRequest, "changelist"), {"p": 4}).context["cl"].paginator.count > 8


def test_autocomplete_finds_countries_by_code(admin_client, demo):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "ve", "app_label": "tracker", "model_name": "armsrequest", "field_name": "requester"},
    )
    assert response.status_code == 200
    assert "Venezuela" in {r["text"] for r in response.json()["results"]}


# -------------------------------------------------------------- add with inlines


def request_form(countries, types, source, *, published, citations=1, **extra):
    data = {
        "requester": countries["BY"].pk,
        "supplier": countries["RU"].pk,
        "summary": "Belarus asks Russia for drones",
        "status": "requested",
        "channel": "letter",
        "date": "2025-10-17",
        "date_precision": "month",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-equipment_type": types["uav"].pk,
        "items-0-description": "attack drones",
        "items-0-help_kind": "supply",
        "items-0-quantity_requested": "12",
        "citations-TOTAL_FORMS": str(citations),
        "citations-INITIAL_FORMS": "0",
        **{f"citations-{i}-source": source.pk for i in range(citations)},
        **{f"citations-{i}-credibility": "2" for i in range(citations)},
        **{f"citations-{i}-quote": "Minsk asked Moscow for drones." for i in range(citations)},
        **extra,
    }
    if published:
        data["published"] = "on"
    return data


def test_editor_adds_a_published_request_with_item_and_citation(editor_client, countries, types, source):
    response = editor_client.post(url(ArmsRequest, "add"), request_form(countries, types, source, published=True))
    assert response.status_code == 302, response.context["adminform"].form.errors
    request = ArmsRequest.objects.get(summary="Belarus asks Russia for drones")
    assert request.published and request.citations.count() == 1
    assert request.items.get().quantity_requested == 12
    # Only the month was known: the date keeps only the month.
    assert (request.date, request.date_display) == (datetime.date(2025, 10, 1), "Oct 2025")
    [revision] = revisions(request)
    assert revision.user.username == "edna"
    # One revision holds the request with its item and citation.
    held = {v.content_type.model for v in revision.version_set.all()}
    assert held == {"armsrequest", "requestitem", "citation"}


def test_admin_refuses_to_publish_without_citation(editor_client, countries, types, source):
    data = request_form(countries, types, source, published=True, citations=0)
    response = editor_client.post(url(ArmsRequest, "add"), data)
    assert response.status_code == 200
    assert "Cite at least one source before publishing" in response.content.decode()
    assert not ArmsRequest.objects.exists()


def test_admin_refuses_to_publish_when_the_last_citation_is_deleted(editor_client, make_request):
    request = make_request(published=True)
    citation = request.citations.get()
    item = request.items.get()
    data = {
        "requester": request.requester_id,
        "supplier": request.supplier_id,
        "summary": request.summary,
        "status": request.status,
        "channel": request.channel,
        "date": "2025-10-01",
        "date_precision": "month",
        "published": "on",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-0-id": item.pk,
        "items-0-request": request.pk,
        "items-0-equipment_type": item.equipment_type_id,
        "items-0-description": item.description,
        "items-0-help_kind": item.help_kind,
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "1",
        "citations-0-id": citation.pk,
        "citations-0-request": request.pk,
        "citations-0-source": citation.source_id,
        "citations-0-credibility": "2",
        "citations-0-DELETE": "on",
    }
    data["opened_state"] = opened_state(editor_client, url(ArmsRequest, "change", request.pk))
    response = editor_client.post(url(ArmsRequest, "change", request.pk), data)
    assert response.status_code == 200
    assert "Cite at least one source before publishing" in response.content.decode()
    assert request.citations.count() == 1


def test_admin_shows_database_invariants_as_field_errors(editor_client, countries, types, source):
    data = request_form(countries, types, source, published=False, supplier=countries["BY"].pk)
    data["items-0-quantity_delivered"] = "13"
    response = editor_client.post(url(ArmsRequest, "add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "A country does not ask itself" in page
    assert "Quantity delivered cannot exceed quantity asked" in page
    assert not ArmsRequest.objects.exists()


def test_publish_action_reports_refusals(editor_client, make_request):
    cited, uncited = make_request(), make_request(supplier="CN", cite=False)
    response = editor_client.post(
        url(ArmsRequest, "changelist"),
        {"action": "publish", "_selected_action": [cited.pk, uncited.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Published 1 record(s)" in page and "no citation yet (1)" in page
    assert list(ArmsRequest.objects.filter(published=True)) == [cited]
    editor_client.post(url(ArmsRequest, "changelist"), {"action": "unpublish", "_selected_action": [cited.pk]})
    cited.refresh_from_db()
    assert not cited.published


# ------------------------------------------------------------------ roles


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_viewer_reads_but_cannot_change_anything(viewer_client, demo, model):
    obj = sample(model)
    assert viewer_client.get(url(model, "changelist")).status_code == 200
    assert viewer_client.get(url(model, "change", obj.pk)).status_code == 200
    assert viewer_client.get(url(model, "add")).status_code == 403
    assert viewer_client.post(url(model, "add"), {}).status_code == 403
    assert viewer_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    before = Revision.objects.count()
    response = viewer_client.post(url(model, "change", obj.pk), {})
    assert response.status_code == 403
    assert Revision.objects.count() == before


def test_viewer_sees_drafts_but_has_no_actions(viewer_client, make_request):
    draft = make_request()
    response = viewer_client.get(url(ArmsRequest, "changelist"))
    assert draft in response.context["cl"].result_list
    assert response.context["action_form"] is None  # publish/unpublish need the change permission
    viewer_client.post(url(ArmsRequest, "changelist"), {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert not draft.published


# ---------------------------------------------------------------- history


def test_history_records_who_changed_what_and_reverts(editor_client, demo):
    source = Source.objects.get(outlet="Newsmax")
    original = source.reliability
    data = {
        "outlet": source.outlet,
        "title": source.title,
        "author": source.author,
        "url": "",
        "published_on": "2025-01-01",
        "published_precision": "year",
        "kind": source.kind,
        "reliability": "D",
        "notes": source.notes,
    }
    data["opened_state"] = opened_state(editor_client, url(Source, "change", source.pk))
    response = editor_client.post(url(Source, "change", source.pk), data)
    assert response.status_code == 302
    latest, *_, first = revisions(source)
    assert latest.user.username == "edna"
    assert latest.get_comment() == "Changed Reliability."

    page = editor_client.get(url(Source, "history", source.pk)).content.decode()
    assert "edna" in page and "Changed Reliability." in page

    # Revert to the demo version through the history form.
    version = Version.objects.get_for_object(source).get(revision=first)
    revert_url = reverse("admin:tracker_source_revision", args=[source.pk, version.pk])
    form = editor_client.get(revert_url).context["adminform"].form
    assert form.initial["reliability"] == original
    response = editor_client.post(
        revert_url, {**data, "reliability": original, "opened_state": form.initial["opened_state"]}
    )
    assert response.status_code == 302
    assert revisions(source)[0].get_comment().startswith("Reverted to previous version")
    source.refresh_from_db()
    assert source.reliability == original
