"""One change, one revision, one revert; no lost update. Through the admin, as two curators would."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.conftest import revisions, user_in
from tracker.models import ArmsRequest, Citation, RequestItem


def form_data(response):
    """What a browser would POST back from an admin change page: the form and every inline, as shown."""
    data = {}

    def put(form):
        for field in form:
            if field.field.disabled:
                continue
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(v) for v in value]
            elif isinstance(value, datetime.date):
                data[field.html_name] = value.isoformat()
            elif value is not None:
                data[field.html_name] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        put(formset.management_form)
        for form in formset.forms:
            put(form)
    return data


def change_url(obj):
    return reverse(f"admin:tracker_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def request_record(make_request, editor):
    request = make_request(published=True, summary="Venezuela asks Russia for drones", status="requested")
    return request


@pytest.fixture
def second_editor(db):
    client = Client()
    client.force_login(user_in("editors", "ed2"))
    return client


def test_a_stale_form_is_refused_naming_what_changed_and_keeping_what_was_typed(
    editor_client, second_editor, request_record
):
    a = form_data(editor_client.get(change_url(request_record)))
    b = form_data(second_editor.get(change_url(request_record)))  # both open the same request
    a |= {"status": "agreed", "notes": "Confirmed by a second source."}
    assert editor_client.post(change_url(request_record), a).status_code == 302
    b |= {"summary": "Venezuela asks Russia for attack drones"}
    refused = second_editor.post(change_url(request_record), b)
    assert refused.status_code == 200
    message = " ".join(refused.context["adminform"].form.non_field_errors())
    assert "edna changed" in message and "status (requested → agreed)" in message and "public notes" in message
    assert refused.context["adminform"].form["summary"].value() == "Venezuela asks Russia for attack drones"
    request_record.refresh_from_db()
    assert (request_record.status, request_record.summary) == ("agreed", "Venezuela asks Russia for drones")
    # Saving again, having read the message, is a deliberate choice, and goes through.
    again = form_data(refused)
    assert second_editor.post(change_url(request_record), again).status_code == 302
    request_record.refresh_from_db()
    assert request_record.summary == "Venezuela asks Russia for attack drones"


def test_a_stale_form_is_refused_when_only_an_inline_changed(editor_client, second_editor, request_record):
    a = form_data(editor_client.get(change_url(request_record)))
    b = form_data(second_editor.get(change_url(request_record)))
    item = request_record.items.get()
    a["items-0-quantity_requested"] = "40"
    assert editor_client.post(change_url(request_record), a).status_code == 302
    b["summary"] = "something else"
    refused = second_editor.post(change_url(request_record), b)
    message = " ".join(refused.context["adminform"].form.non_field_errors())
    assert f"request item #{item.pk}: quantity asked (empty → 40)" in message
    assert RequestItem.objects.get(pk=item.pk).quantity_requested == 40


def test_one_save_is_one_revision_with_user_reason_and_inline_changes(editor_client, request_record):
    data = form_data(editor_client.get(change_url(request_record)))
    data |= {"items-0-quantity_requested": "12", "citations-0-credibility": "1", "change_reason": "SIPRI confirms"}
    before = len(revisions(request_record))
    assert editor_client.post(change_url(request_record), data).status_code == 302
    latest = revisions(request_record)[0]
    assert len(revisions(request_record)) == before + 1
    assert latest.user.username == "edna"
    assert "quantity asked" in latest.get_comment().lower() and "credibility" in latest.get_comment().lower()
    assert latest.get_comment().endswith("Reason: SIPRI confirms")
    page = editor_client.get(reverse("admin:tracker_armsrequest_history", args=[request_record.pk])).content.decode()
    assert "SIPRI confirms" in page and "edna" in page


def test_revert_restores_items_and_citations_as_the_public_saw_them(client, editor_client, request_record, types):
    public = reverse("request-detail", args=[request_record.pk])
    data = form_data(editor_client.get(change_url(request_record)))
    data["opened_state"] = data["opened_state"]
    assert editor_client.post(change_url(request_record), data | {"change_reason": "baseline"}).status_code == 302
    seen_before = client.get(public).content.decode()
    baseline = revisions(request_record)[0]

    # Edit an item, a citation's grade, and add an item, in one save.
    data = form_data(editor_client.get(change_url(request_record)))
    data |= {
        "items-0-quantity_requested": "99",
        "citations-0-credibility": "5",
        "items-TOTAL_FORMS": "2",
        "items-1-equipment_type": str(types["ship"].pk),
        "items-1-description": "fast attack boats",
        "items-1-help_kind": "supply",
    }
    assert editor_client.post(change_url(request_record), data).status_code == 302
    assert "fast attack boats" in client.get(public).content.decode()

    # Revert to the baseline through the history page, as a curator would.
    version = baseline.version_set.get(object_id=str(request_record.pk), content_type__model="armsrequest")
    revert = reverse("admin:tracker_armsrequest_revision", args=[request_record.pk, version.pk])
    form = editor_client.get(revert)
    assert editor_client.post(revert, form_data(form) | {"change_reason": "vandalism"}).status_code == 302

    # The same page, but for its "Last changed" and version (and so its citation): a revert is a change.
    changed = re.compile(r"<div><dt>(Last changed|Version)</dt>.*?</div>|<section class=\"cite\".*?</section>", re.S)
    assert changed.sub("", client.get(public).content.decode()) == changed.sub("", seen_before)
    assert list(request_record.items.values_list("quantity_requested", flat=True)) == [None]
    assert Citation.objects.get(request=request_record).credibility == 2
    latest = revisions(request_record)[0]
    assert latest.get_comment().startswith("Reverted to previous version") and "Reason: vandalism" in latest.comment
    assert latest.user.username == "edna"


def test_publishing_many_makes_one_revision_each(editor_client, make_request):
    drafts = [make_request(supplier=s) for s in ("RU", "CN", "IR")]
    changelist = reverse("admin:tracker_armsrequest_changelist")
    editor_client.post(changelist, {"action": "publish", "_selected_action": [d.pk for d in drafts]})
    for draft in drafts:
        latest = revisions(draft)[0]
        assert latest.comment == "Published" and latest.user == User.objects.get(username="edna")
        assert {v.object_id for v in latest.version_set.filter(content_type__model="armsrequest")} == {str(draft.pk)}
    assert ArmsRequest.objects.published().count() == 3


@pytest.mark.parametrize(
    "typed, precision, stored",
    [
        ("2022", "", (datetime.date(2022, 1, 1), "year")),
        ("2022-10", "", (datetime.date(2022, 10, 1), "month")),
        ("2022-10-18", "", (datetime.date(2022, 10, 18), "day")),
        ("2022-10-18", "month", (datetime.date(2022, 10, 1), "month")),
    ],
)
def test_a_curator_types_a_date_at_the_precision_the_source_gives(
    editor_client, request_record, typed, precision, stored
):
    data = form_data(editor_client.get(change_url(request_record)))
    assert data["date"] == "2025-10"  # shown as ISO, at its precision
    data |= {"date": typed, "date_precision": precision}
    assert editor_client.post(change_url(request_record), data).status_code == 302
    request_record.refresh_from_db()
    assert (request_record.date, request_record.date_precision) == stored


@pytest.mark.parametrize("typed, precision", [("2022", "day"), ("2022-10", "day"), ("22-10", ""), ("2022-13", "")])
def test_a_date_claiming_more_than_typed_or_malformed_says_what_is_accepted(
    editor_client, request_record, typed, precision
):
    data = form_data(editor_client.get(change_url(request_record))) | {"date": typed, "date_precision": precision}
    response = editor_client.post(change_url(request_record), data)
    assert response.status_code == 200
    error = " ".join(response.context["adminform"].form.errors["date"])
    assert "October 2025" in error or "choose precision" in error  # what is accepted, or the precision to choose


def test_a_new_citation_has_no_grade_until_the_curator_chooses_one(editor_client, countries, types, source):
    add = reverse("admin:tracker_armsrequest_add")
    page = editor_client.get(add)
    citation_form = next(i for i in page.context["inline_admin_formsets"] if i.formset.prefix == "citations")
    assert citation_form.formset.forms[0]["credibility"].value() in (None, "")
    source_page = editor_client.get(reverse("admin:tracker_source_add"))
    assert source_page.context["adminform"].form["reliability"].value() in (None, "")
    data = {
        "requester": countries["BY"].pk,
        "supplier": countries["RU"].pk,
        "summary": "Belarus asks Russia for drones",
        "status": "requested",
        "channel": "letter",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-source": source.pk,
        "citations-0-quote": "Minsk asked.",
    }
    response = editor_client.post(add, data)
    assert response.status_code == 200 and not ArmsRequest.objects.exists()
    formset = next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "citations").formset
    assert "credibility" in formset.forms[0].errors
