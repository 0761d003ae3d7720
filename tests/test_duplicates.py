"""A request or source that may repeat one already kept is held before saving, with the ones it may repeat
listed and linked; "Save anyway" saves. One rule per model (possible_duplicates), the reader's too."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.test_admin import request_form
from tests.test_trust import form_data
from tracker.curation.duplicates import RequestAdminForm
from tracker.models import ArmsRequest, Citation, RequestItem, Source, System

ADD = reverse("admin:tracker_armsrequest_add")
HELD = "Not saved yet: this request may repeat"


def change_url(obj):
    return reverse(f"admin:tracker_{obj._meta.model_name}_change", args=[obj.pk])


def listed(response):
    """The change pages the warning box links to, each opening in a new tab."""
    box = re.search(r'<div class="duplicates".*?</div>', response.content.decode(), re.S)
    if box is None:
        return []
    links = re.findall(r'<a href="([^"]+)" target="_blank" rel="noopener">', box.group())
    assert 'name="save_anyway"' in box.group()
    return links


@pytest.fixture
def existing(make_request):
    """Venezuela asked Russia, October 2025, citing the Test Wire report."""
    return make_request(summary="Venezuela asks Russia for drones", published=True)


@pytest.fixture
def other_source(db):
    return Source.objects.create(outlet="Other Wire", title="Another report", reliability="C")


def venezuela_asks(countries, types, source, supplier="RU", **extra):
    data = request_form(countries, types, source, published=False, **extra)
    data.update(requester=countries["VE"].pk, supplier=countries[supplier].pk, summary="Caracas asks again")
    return data


def test_same_pair_at_an_overlapping_date_is_held_listed_kept_and_saved_anyway(
    editor_client, existing, countries, types, other_source
):
    data = venezuela_asks(countries, types, other_source, date="2025-10-17", date_precision="day")
    response = editor_client.post(ADD, data)
    assert response.status_code == 200
    assert HELD in response.content.decode()
    assert listed(response) == [change_url(existing)]
    page = response.content.decode()
    assert "Venezuela → Russia" in page and "Oct 2025 · published" in page and "cites Test Wire: A report" in page
    # What the curator typed is all still there, inline rows too.
    form = response.context["adminform"].form
    assert form["summary"].value() == "Caracas asks again"
    items = response.context["inline_admin_formsets"][0].formset
    assert items.forms[0]["description"].value() == "attack drones"
    assert ArmsRequest.objects.count() == 1

    response = editor_client.post(ADD, {**data, "save_anyway": "on"})
    assert response.status_code == 302
    assert ArmsRequest.objects.filter(summary="Caracas asks again").count() == 1


def test_a_shared_system_or_source_is_held_whatever_the_pair(editor_client, existing, countries, types, other_source):
    su30 = System.objects.create(designation="Su-30MK2", slug="su-30mk2", equipment_type=types["combat-aircraft"])
    existing.items.update(system=su30)
    # Another supplier, another year, but the same system asked for by the same requester.
    data = venezuela_asks(countries, types, other_source, supplier="CN", date="2019", date_precision="year")
    response = editor_client.post(ADD, {**data, "items-0-system": su30.pk})
    assert listed(response) == [change_url(existing)]
    # Another pair and year, citing the same report.
    data = request_form(countries, types, existing.citations.get().source, published=False, date="2019")
    data.update(date_precision="year", summary="Belarus asks China", supplier=countries["CN"].pk)
    response = editor_client.post(ADD, data)
    assert listed(response) == [change_url(existing)]
    # The same report, but its citation row deleted before saving: nothing shared any more.
    response = editor_client.post(ADD, {**data, "citations-0-DELETE": "on"})
    assert response.status_code == 302


def test_another_pair_or_date_without_shared_system_or_source_saves(
    editor_client, existing, countries, types, other_source
):
    not_same = [
        venezuela_asks(countries, types, other_source, date="2024-10-17", date_precision="month"),
        venezuela_asks(countries, types, other_source, "CN", date="2025-10-17", date_precision="month", citations=0),
    ]  # the second cites nothing: it would share the first's source
    for data in not_same:
        assert editor_client.post(ADD, data).status_code == 302
    assert ArmsRequest.objects.count() == 3


def test_an_edit_is_held_only_for_records_it_newly_resembles(editor_client, make_request, other_source, countries):
    first = make_request(summary="first", cite=False)
    second = make_request(summary="second, a year later", cite=False)
    ArmsRequest.objects.filter(pk=second.pk).update(date=datetime.date(2026, 3, 1))
    Citation.objects.create(request=second, source=other_source, credibility=3)
    # Not flagged against itself: an edit of a record alone in its pair and date saves.
    data = form_data(editor_client.get(change_url(second)))
    assert editor_client.post(change_url(second), {**data, "summary": "second, edited"}).status_code == 302

    # Moving it to the first one's month is held; the box links the first one.
    data = form_data(editor_client.get(change_url(second)))
    response = editor_client.post(change_url(second), {**data, "date": "2025-10-01"})
    assert listed(response) == [change_url(first)]
    second.refresh_from_db()
    assert second.date == datetime.date(2026, 3, 1)
    response = editor_client.post(change_url(second), {**data, "date": "2025-10-01", "save_anyway": "on"})
    assert response.status_code == 302
    # Saved anyway once: a later edit of something else is not held again.
    data = form_data(editor_client.get(change_url(second)))
    assert editor_client.post(change_url(second), {**data, "summary": "typo fixed"}).status_code == 302
    assert ArmsRequest.objects.get(pk=second.pk).summary == "typo fixed"


def test_the_check_reads_a_fixed_number_of_queries(
    editor_client, make_request, countries, types, other_source, monkeypatch
):
    checked = []  # queries of each check: the duplicates, their items, their citations
    check = RequestAdminForm.check_duplicates

    def counted(form):
        with CaptureQueriesContext(connection) as seen:
            check(form)
        checked.append(len(seen))

    monkeypatch.setattr(RequestAdminForm, "check_duplicates", counted)

    def queries(data):
        with CaptureQueriesContext(connection) as seen:
            response = editor_client.post(ADD, data)
        assert response.status_code == 200 and HELD in response.content.decode()
        return len(seen)

    make_request(summary="one")
    data = venezuela_asks(countries, types, other_source, date="2025-10-17", date_precision="day")
    queries(data)  # warms the content types' cache
    one = queries(data)
    assert checked == [3, 3]
    for n in range(12):  # more than are shown, each with more items and citations
        request = make_request(summary=f"more {n}")
        RequestItem.objects.create(request=request, equipment_type=types["uav"], description="more drones")
        Citation.objects.create(request=request, source=other_source, credibility=3)
    many = queries(data)
    assert many == one and checked == [3, 3, 3]
    response = editor_client.post(ADD, data)
    assert len(listed(response)) == 10 and "these and more" in response.content.decode()
    # An edit reads the saved state first (the request, its systems, its sources): three more.
    moved = make_request(summary="moved", cite=False)
    ArmsRequest.objects.filter(pk=moved.pk).update(date=datetime.date(2020, 1, 1))
    edit = form_data(editor_client.get(change_url(moved)))
    response = editor_client.post(change_url(moved), {**edit, "date": "2025-10-17"})
    assert len(listed(response)) == 10 and checked[-1] == 6


SAME_PAGE = [
    "https://www.example.org/news/a?utm_source=x&utm_medium=y",
    "http://example.org/news/a",
    "https://example.org/news/a/",
    "https://example.org/news/a#top",
    "https://example.org/news/a?fbclid=abc&gclid=def&mc_cid=1",
]
OTHER_PAGE = [
    "https://example.org/news/ab",
    "https://example.org/news/a?page=2",
    "https://news.example.org/news/a",
    "https://example.org/News/a",
]


@pytest.mark.django_db
def test_a_source_at_the_same_page_or_with_the_same_outlet_and_title_may_be_the_same():
    kept = Source.objects.create(outlet="The Post", title="Maduro  asks", url="https://example.org/news/a?utm_x=1")
    Source.objects.create(outlet="Q", title="Paged", url="https://example.org/news/a?b=2&a=1")
    for url in SAME_PAGE:
        assert Source.objects.possible_duplicates(url, "Else", "Other") == [kept], url
    for url in OTHER_PAGE:
        assert Source.objects.possible_duplicates(url, "Else", "Other") == [], url
    assert [s.title for s in Source.objects.possible_duplicates("http://www.example.org/news/a?a=1&b=2")] == ["Paged"]
    assert Source.objects.possible_duplicates("", " the post ", "MADURO asks") == [kept]
    assert Source.objects.possible_duplicates("", "The Post", "Maduro asks more") == []
    assert Source.objects.possible_duplicates(SAME_PAGE[0], "The Post", "Maduro asks", exclude_pk=kept.pk) == []


def test_the_source_form_is_held_then_saved_anyway(editor_client):
    kept = Source.objects.create(outlet="The Post", title="Maduro asks", url="https://example.org/a")
    data = {"outlet": "the post", "title": "Maduro asks", "kind": "news", "reliability": "B", "url": ""}
    response = editor_client.post(reverse("admin:tracker_source_add"), data)
    assert "Not saved yet: this source may repeat 1 existing one" in response.content.decode()
    assert listed(response) == [change_url(kept)]
    assert Source.objects.count() == 1
    response = editor_client.post(reverse("admin:tracker_source_add"), {**data, "save_anyway": "on"})
    assert response.status_code == 302 and Source.objects.count() == 2
    # Editing the kept one's notes is not held by the copy saved anyway.
    data = form_data(editor_client.get(change_url(kept)))
    assert editor_client.post(change_url(kept), {**data, "notes": "checked"}).status_code == 302
