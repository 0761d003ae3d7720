"""The curator's side of the article reader (issue 22): intake, the reading job, the review page, accepting.

Who may: anonymous users go to the login, viewers see readings and get 403 on every POST, editors read
and decide. Accepting writes drafts (with citations) and nothing published; rejecting writes nothing;
a proposal is written once however often it is accepted; bad input names its field and writes nothing.
"""

import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import finish_jobs
from tracker.models import ArmsRequest, Citation, Deployment, Reading, ReadingState, RequestItem, Source

SEED = (Path(__file__).parent.parent / "tracker" / "data" / "seed_article.txt").read_text()
ADD = "/admin/tracker/reading/add/"


def read(client, **fields):
    """Start a reading with the intake form, run its job; the reading."""
    data = {"text": SEED, "outlet": "Newsmax", "title": "Venezuela seeks help", "published": "2025", **fields}
    response = client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    finish_jobs()
    return Reading.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-2]))


def review_data(client, reading, **changes):
    """The review page's form as a browser would send it, with changes (name: value, None drops it)."""
    form = client.get(reading.get_absolute_url()).context["review"]
    data = {"source-reliability": "B", "source-credibility": "2"}
    for bound in [form.source_form, *(p.form for p in form.proposals)]:
        data |= {
            f"{bound.prefix}-{n}": v for n, v in initial_values(bound).items() if f"{bound.prefix}-{n}" not in data
        }
    for p in form.proposals:
        for item, _found in p.items:
            data |= {f"{item.prefix}-{n}": v for n, v in initial_values(item).items()}
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def initial_values(form):
    values = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        values[name] = "on" if value is True else str(value)
    return values


def made_by(reading):
    return ArmsRequest.objects.filter(internal_notes__contains=f"(reading #{reading.pk})")


def accept_all_requests(reading):
    return {f"request-{n}-decision": "accepted" for n in range(len(reading.proposal["requests"]))}


@pytest.fixture
def reading(editor_client, demo):
    return read(editor_client)


def test_anonymous_users_are_sent_to_the_login(client, db):
    for url in (ADD, "/admin/tracker/reading/", "/admin/tracker/reading/1/change/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_viewers_see_readings_but_start_and_decide_nothing(editor_client, viewer, demo):
    reading = read(editor_client)
    viewer_client = Client()  # editor_client is the one `client`: the viewer gets a browser of their own
    viewer_client.force_login(viewer)
    assert viewer_client.get(ADD).status_code == 403
    assert viewer_client.post(ADD, {"text": SEED}).status_code == 403
    page = viewer_client.get(reading.get_absolute_url())
    assert page.status_code == 200 and b"GPS jammers" in page.content
    assert b"Save decisions" not in page.content
    data = review_data(editor_client, reading, **accept_all_requests(reading))
    assert viewer_client.post(reading.get_absolute_url(), data).status_code == 403
    assert Reading.objects.count() == 1 and not made_by(reading).exists()


def test_an_editor_reads_the_seed_article(editor_client, reading):
    assert reading.state == ReadingState.READ
    assert reading.user.username == "edna" and reading.job.state == "done"
    assert reading.outlet == "Newsmax" and reading.published_precision == "year"
    assert len(reading.proposal["requests"]) == 4
    page = editor_client.get(reading.get_absolute_url())
    assert page.status_code == 200
    assert page.content.count(b'<mark class="hl') > 10
    assert (
        b'<mark class="hl hl-request hl-item" title="Request 4: Venezuela asks Iran; Request 4: GPS jammers">'
        b"GPS jammers</mark>" in page.content
    )


def test_accepting_writes_drafts_with_citations_and_publishes_nothing(editor_client, reading):
    before = ArmsRequest.objects.count(), RequestItem.objects.count(), Citation.objects.count()
    deployments = Deployment.objects.filter(published=True).count()
    data = review_data(editor_client, reading, **accept_all_requests(reading), **{"deployment-0-decision": "accepted"})
    response = editor_client.post(reading.get_absolute_url(), data)
    assert response.status_code == 302, response.context["errors"]
    made = made_by(reading)
    assert made.count() == 4 and ArmsRequest.objects.count() == before[0] + 4
    assert not made.filter(published=True).exists()
    assert Deployment.objects.filter(published=True).count() == deployments  # the demo's, none more
    assert RequestItem.objects.count() == before[1] + 10
    to_russia = made.get(supplier__iso2="RU")
    assert to_russia.items.filter(system__designation="Su-30MK2", help_kind="repair").exists()
    citation = to_russia.citations.get()
    assert citation.source.outlet == "Newsmax" and citation.source.reliability == "B" and citation.credibility == 2
    assert citation.quote.startswith("Venezuela wants urgent military support") and "Su-30MK2" in citation.quote
    assert citation.location == "paragraphs 1, 3"
    deployment = Deployment.objects.get(internal_notes__contains=f"(reading #{reading.pk})")
    assert not deployment.published and deployment.country.iso2 == "US" and deployment.citations.get().credibility == 2
    assert Citation.objects.count() == before[2] + 5
    reading.refresh_from_db()
    assert reading.source == citation.source and reading.state == ReadingState.ACCEPTED  # every proposal decided
    assert reading.decisions["request-0"]["record"] == to_russia.pk


def test_rejecting_writes_nothing(editor_client, reading):
    counts = ArmsRequest.objects.count(), Source.objects.count(), Citation.objects.count()
    data = review_data(
        editor_client, reading, **{"request-0-decision": "rejected", "deployment-0-decision": "rejected"}
    )
    assert editor_client.post(reading.get_absolute_url(), data).status_code == 302
    assert (ArmsRequest.objects.count(), Source.objects.count(), Citation.objects.count()) == counts
    reading.refresh_from_db()
    assert reading.decisions["request-0"]["decision"] == "rejected" and reading.source is None


def test_accepting_twice_writes_once(editor_client, reading):
    data = review_data(editor_client, reading, **{"request-1-decision": "accepted"})
    count = ArmsRequest.objects.count()
    assert editor_client.post(reading.get_absolute_url(), data).status_code == 302
    again = editor_client.post(reading.get_absolute_url(), data, follow=True)  # a second tab, sent later
    assert ArmsRequest.objects.count() == count + 1
    assert b"already decided by edna" in again.content


@pytest.mark.django_db(transaction=True)
def test_two_curators_accepting_at_once_write_once():
    from django.apps import apps

    from tests.conftest import user_in
    from tracker import reference
    from tracker.samples.demo import load_demo

    reference.load_all(apps)  # a transactional test may start from tables another one emptied
    load_demo()
    editor = user_in("editors", "edna")
    clients = [Client(), Client()]
    for client, user in zip(clients, (editor, user_in("editors", "otto")), strict=True):
        client.force_login(user)
    reading = read(clients[0])
    data = review_data(clients[0], reading, **{"request-2-decision": "accepted"})
    count, answers, barrier = ArmsRequest.objects.count(), [], threading.Barrier(2, timeout=30)

    def accept(client):
        try:
            barrier.wait()
            answers.append(client.post(reading.get_absolute_url(), data).status_code)
        except Exception as error:  # SQLite may refuse the second writer outright ("database is locked")
            answers.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert ArmsRequest.objects.count() == count + 1, answers
    if connection.vendor == "postgresql":  # the second waits for the row, then finds it decided
        assert answers == [302, 302]
    # SQLite's shared in-memory test database refuses the second writer's table ("database table is locked")


def test_bad_input_names_the_field_and_writes_nothing(editor_client, reading):
    counts = ArmsRequest.objects.count(), Source.objects.count(), RequestItem.objects.count()
    cases = {
        "asked country": {"request-0-supplier": ""},
        "date": {"request-0-date": "2025-13-40"},
        "system": {"request-0-item-3-system": "Nonexistent-99"},
    }
    for field, change in cases.items():
        data = review_data(editor_client, reading, **accept_all_requests(reading), **change)
        response = editor_client.post(reading.get_absolute_url(), data)
        assert response.status_code == 400
        errors = response.context["errors"]
        assert any(where.startswith("Request 1") and name == field for where, name, _message in errors), errors
        assert b"Nothing was written" in response.content
    same = review_data(editor_client, reading, **{"request-0-decision": "accepted", "request-0-supplier": None})
    same["request-0-supplier"] = same["request-0-requester"]
    response = editor_client.post(reading.get_absolute_url(), same)
    assert response.status_code == 400 and b"A country does not ask itself" in response.content
    ungraded = review_data(editor_client, reading, **{"request-0-decision": "accepted", "source-reliability": ""})
    response = editor_client.post(reading.get_absolute_url(), ungraded)
    assert (
        response.status_code == 400
        and ("Source", "reliability", "This field is required.") in response.context["errors"]
    )
    assert (ArmsRequest.objects.count(), Source.objects.count(), RequestItem.objects.count()) == counts
    assert Reading.objects.get().decisions == {}


def test_possible_duplicates_are_shown_before_accepting(editor_client, reading):
    data = review_data(editor_client, reading, **{"request-0-decision": "accepted"})
    editor_client.post(reading.get_absolute_url(), data)
    made = ArmsRequest.objects.get(pk=Reading.objects.get().decisions["request-0"]["record"])
    second = read(editor_client, title="The same story, again")
    page = editor_client.get(second.get_absolute_url())
    russia = next(p for p in page.context["review"].proposals if p.found["supplier"]["code"] == "RU")
    assert made in russia.duplicates
    assert reverse("admin:tracker_armsrequest_change", args=[made.pk]).encode() in page.content


def test_possible_duplicates_by_pair_date_system_and_source(make_request, countries, source, demo):
    import datetime

    from tracker.models import System

    su30 = System.objects.get(designation="Su-30MK2")
    october, year, other_year = make_request(), make_request(), make_request()  # cited by `source`
    ArmsRequest.objects.filter(pk=year.pk).update(date=datetime.date(2025, 1, 1), date_precision="year")
    ArmsRequest.objects.filter(pk=other_year.pk).update(date=datetime.date(2023, 5, 2), date_precision="day")
    ve, ru, cn = countries["VE"], countries["RU"], countries["CN"]
    found = set(ArmsRequest.objects.possible_duplicates(ve, ru, datetime.date(2025, 10, 17), "day"))
    assert {october, year} <= found and other_year not in found
    assert october not in ArmsRequest.objects.possible_duplicates(ve, ru, datetime.date(2025, 11, 1), "month")
    assert year in ArmsRequest.objects.possible_duplicates(ve, ru, datetime.date(2025, 11, 1), "month")
    assert other_year in ArmsRequest.objects.possible_duplicates(ve, ru)  # no date: any date may be it
    other_year.items.update(system=su30)
    assert other_year in ArmsRequest.objects.possible_duplicates(ve, cn, datetime.date(2025, 1, 1), "year", [su30])
    by_source = set(ArmsRequest.objects.possible_duplicates(ve, cn, datetime.date(2025, 1, 1), "year", [], source))
    assert by_source == {october, year, other_year, *ArmsRequest.objects.filter(requester=ve, supplier=cn)}


def test_the_body_is_escaped(editor_client, demo):
    reading = read(editor_client, text='Venezuela asked Russia for <script>alert("x")</script> radars & "drones".')
    page = editor_client.get(reading.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "radars &amp; &quot;drones&quot;" in page or "<mark" in page


def test_intake_takes_a_file_and_refuses_two_inputs(editor_client, demo):
    page = SimpleUploadedFile("seed.html", f"<html><body><article><p>{SEED}</p></article></body></html>".encode())
    response = editor_client.post(ADD, {"file": page, "outlet": "Newsmax", "title": "Saved page"})
    assert response.status_code == 302
    finish_jobs()
    assert Reading.objects.get().state == ReadingState.READ and Reading.objects.get().proposal["requests"]
    both = editor_client.post(ADD, {"text": SEED, "url": "https://example.org/a"})
    assert both.status_code == 400 and b"Give one of" in both.content
    exe = editor_client.post(ADD, {"file": SimpleUploadedFile("a.exe", b"MZ")})
    assert exe.status_code == 400 and b".html" in exe.content


def test_a_url_makes_or_reuses_its_source(editor_client, demo):
    response = editor_client.post(ADD, {"url": "https://news.example.org/venezuela"})
    assert response.status_code == 302
    reading = Reading.objects.get()
    assert reading.source.url == "https://news.example.org/venezuela" and reading.job.kind == "reader-read"
    editor_client.post(ADD, {"url": "https://news.example.org/venezuela"})
    # The same page with a tracking parameter (the admin's rule, Source.objects.possible_duplicates).
    editor_client.post(ADD, {"url": "http://www.news.example.org/venezuela/?utm_source=newsletter"})
    assert Source.objects.filter(url__contains="news.example.org").count() == 1
    assert {r.source_id for r in Reading.objects.all()} == {reading.source_id}


def test_a_url_is_fetched_read_and_captured(editor_client, demo, settings):
    from tests import evidence_server

    server = evidence_server.start()
    try:
        settings.EVIDENCE_CAPTURE = True
        settings.EVIDENCE_ALLOWED_HOSTS = [f"127.0.0.1:{server.server_port}"]
        url = f"http://127.0.0.1:{server.server_port}/article"
        assert editor_client.post(ADD, {"url": url}).status_code == 302
        jobs = finish_jobs()
    finally:
        server.shutdown()
    assert {job.kind: job.state for job in jobs} == {"evidence-capture": "done", "reader-read": "done"}
    reading = Reading.objects.get()
    assert reading.state == ReadingState.READ and reading.title.startswith("Maduro asks Moscow for radars")
    assert (reading.published.isoformat(), reading.published_precision) == ("2025-10-31", "day")
    assert reading.source.captures.get().state == "captured"
    first = reading.proposal["requests"][0]
    assert (first["requester"]["code"], first["supplier"]["code"]) == ("VE", "RU")
    assert reading.body[first["quote"]["start"] : first["quote"]["end"]] == first["quote"]["text"]
