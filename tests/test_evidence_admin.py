"""The curator's side of evidence (tracker/curation/captures.py): a source's captures on its admin page, their
text and WARC file, "Capture again", the source list's filters and the read-only capture list.

Editors and viewers read captures; only editors ask for one, and the views check it, not the buttons.
Captures are real ones, fetched from a local server (tests/evidence_server.py) by the capture job.
"""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import evidence_server
from tests.conftest import finish_jobs, opened_state
from tracker.evidence import connection, storage
from tracker.models import Capture, CaptureState, Job, JobState, LinkCheck, LinkOutcome, Source

pytestmark = pytest.mark.django_db

TOO_BIG = "9" * 25  # beyond any integer column


@pytest.fixture(scope="module")
def server():
    server = evidence_server.start()
    yield server
    server.shutdown()


@pytest.fixture
def base(server, settings):
    settings.EVIDENCE_CAPTURE = True
    settings.EVIDENCE_ALLOWED_HOSTS = [f"127.0.0.1:{server.server_port}"]
    return f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def sockets(monkeypatch):
    """Every connection the evidence fetcher opens (host, port), still opened."""
    opened, real = [], connection.create_connection

    def recorded(address, *args, **kwargs):
        opened.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(connection, "create_connection", recorded)
    return opened


@pytest.fixture
def kept(base):
    """A source with two captures, run: the article (captured), then a 404 (failed)."""
    source = Source.objects.create(outlet="Test Times", title="Radars", url=f"{base}/article")
    finish_jobs()
    Source.objects.filter(pk=source.pk).update(url=f"{base}/status/404")
    source.refresh_from_db()
    source.save()  # a new URL: a second capture
    finish_jobs()
    captured, failed = source.captures.order_by("pk")
    assert (captured.state, failed.state) == (CaptureState.CAPTURED, CaptureState.FAILED)
    return source, captured, failed


def change_url(source):
    return reverse("admin:tracker_source_change", args=[source.pk])


def again_url(pk):
    return f"/admin/tracker/source/{pk}/capture/"


def text_url(pk):
    return f"/admin/tracker/capture/{pk}/text/"


def warc_url(pk):
    return f"/admin/tracker/capture/{pk}/warc/"


# ------------------------------------------------------------------ the source's page


def test_the_source_page_lists_its_captures_newest_first_with_their_links(editor_client, kept):
    source, captured, failed = kept
    response = editor_client.get(change_url(source))
    assert [c.pk for c in response.context["captures"]] == [failed.pk, captured.pk]
    page = response.content.decode()
    assert page.index(f">#{failed.pk}<") < page.index(f">#{captured.pk}<")
    assert f'<code title="{captured.sha256}">{captured.sha256[:12]}…</code>' in page
    assert "the server answered 404, not the page" in page
    assert f'href="{text_url(captured.pk)}"' in page and f'href="{warc_url(captured.pk)}"' in page
    assert f'href="{text_url(failed.pk)}"' not in page  # nothing was kept
    assert f'href="/admin/tracker/job/{captured.job_id}/change/"' in page
    assert 'value="Capture again"' in page
    # The 404 is the first "missing" check: not gone until a second one a day later.
    assert "not found (404 or 410)" in page and "no longer online" not in page


def test_the_page_says_when_the_original_is_gone(editor_client, source):
    source.url = "https://example.org/gone"
    source.save()
    LinkCheck.objects.create(
        source=source, url=source.url, checked_at=timezone.now(), status=410, outcome=LinkOutcome.MISSING, gone=True
    )
    page = editor_client.get(change_url(source)).content.decode()
    assert "The original is no longer online" in page and "No capture yet." in page


def test_a_viewer_reads_the_captures_but_sees_no_capture_again_button(viewer_client, kept):
    source, captured, _ = kept
    page = viewer_client.get(change_url(source)).content.decode()
    assert captured.sha256[:12] in page and "Capture again" not in page


# ------------------------------------------------------------------ capture again


def test_an_editor_captures_again_and_comes_back_to_the_source(editor_client, editor, kept):
    source, *_ = kept
    assert editor_client.get(again_url(source.pk)).status_code == 405
    response = editor_client.post(again_url(source.pk), follow=True)
    assert response.redirect_chain[-1][0] == change_url(source)
    new = source.captures.latest_first().first()
    assert (new.state, new.requested_by, new.url) == (CaptureState.QUEUED, editor, source.url)
    assert new.job.kind == "evidence-capture" and new.job.state == JobState.QUEUED
    assert "Capture queued" in response.content.decode()


def test_a_viewer_may_not_capture_again_whatever_the_page_shows(viewer_client, kept):
    source, *_ = kept
    before = (Capture.objects.count(), Job.objects.count())
    assert viewer_client.post(again_url(source.pk)).status_code == 403
    assert viewer_client.post(again_url(TOO_BIG)).status_code == 403  # refused before any lookup
    assert (Capture.objects.count(), Job.objects.count()) == before


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_captured(client, kept):
    source, captured, _ = kept
    before = Capture.objects.count()
    for response in (
        client.post(again_url(source.pk)),
        client.get(text_url(captured.pk)),
        client.get(warc_url(captured.pk)),
    ):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Capture.objects.count() == before


def test_a_source_without_url_is_not_captured(editor_client, source):
    response = editor_client.post(again_url(source.pk), follow=True)
    assert "no URL to capture" in response.content.decode() and not source.captures.exists()


# ------------------------------------------------------------------ text and WARC


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_the_warc_download_is_the_stored_file(request, kept, role):
    client = request.getfixturevalue(f"{role}_client")
    _, captured, _ = kept
    response = client.get(warc_url(captured.pk))
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content)
    with storage.open_kept(captured.warc) as file:
        assert body == file.read()
    assert response["Content-Type"] == "application/warc" and "Content-Encoding" not in response
    assert response["Content-Disposition"] == f'attachment; filename="capture-{captured.pk}.warc.gz"'
    assert response["Content-Length"] == str(captured.warc_size)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_the_text_page_shows_the_text_and_the_metadata(request, kept, role):
    client = request.getfixturevalue(f"{role}_client")
    _, captured, _ = kept
    page = client.get(text_url(captured.pk)).content.decode()
    assert "fourteen missile units" in page and "Jane Reporter" in page and "2025-10-31" in page
    assert "Maduro asks Moscow for radars" in page


def test_staff_without_view_capture_get_403(client, kept):
    _, captured, _ = kept
    client.force_login(User.objects.create_user("staff", password="pw-for-tests-only", is_staff=True))
    assert client.get(text_url(captured.pk)).status_code == 403
    assert client.get(warc_url(captured.pk)).status_code == 403


def test_bad_ids_are_404s_never_500s(editor_client, kept, source):
    _, captured, failed = kept
    for path in (text_url(0), warc_url(0), text_url(TOO_BIG), warc_url(TOO_BIG), warc_url(failed.pk)):
        assert editor_client.get(path).status_code == 404, path
    for pk in (0, TOO_BIG):
        assert editor_client.post(again_url(pk)).status_code == 404
    # Not a number: the admin's own catch-all, which ends on the list saying there is no such capture.
    assert editor_client.get("/admin/tracker/capture/abc/text/", follow=True).status_code == 200
    storage.evidence_storage().delete(captured.warc)  # lost from the storage: said, not a 500
    assert editor_client.get(warc_url(captured.pk)).status_code == 404


# ------------------------------------------------------------------ the capture list


def test_the_capture_list_is_read_only_filtered_and_searched(editor_client, kept):
    _, captured, failed = kept
    response = editor_client.get("/admin/tracker/capture/", {"state__exact": "failed"})
    assert list(response.context["cl"].result_list) == [failed]
    response = editor_client.get("/admin/tracker/capture/", {"q": "/article"})
    assert list(response.context["cl"].result_list) == [captured]
    page = editor_client.get(f"/admin/tracker/capture/{captured.pk}/change/").content.decode()
    assert f'href="/admin/tracker/job/{captured.job_id}/change/"' in page and 'name="_save"' not in page
    assert editor_client.get("/admin/tracker/capture/add/").status_code == 403
    assert editor_client.post(f"/admin/tracker/capture/{captured.pk}/change/", {"state": "failed"}).status_code == 403
    assert editor_client.post(f"/admin/tracker/capture/{captured.pk}/delete/", {"post": "yes"}).status_code == 403
    captured.refresh_from_db()
    assert captured.state == CaptureState.CAPTURED


def test_a_viewer_reads_a_capture_and_the_list_reads_a_fixed_number_of_queries(viewer_client, kept):
    source, captured, _ = kept
    page = viewer_client.get(f"/admin/tracker/capture/{captured.pk}/change/").content.decode()
    assert captured.sha256 in page and f'href="{warc_url(captured.pk)}"' in page
    before = count_queries(viewer_client, "/admin/tracker/capture/")
    for i in range(10):
        more = Source.objects.create(outlet="More", title=f"More {i}", url=f"https://example.org/more/{i}")
        capture_row(more, CaptureState.CAPTURED)
    assert count_queries(viewer_client, "/admin/tracker/capture/") == before


# ------------------------------------------------------------------ the source list's filters


def capture_row(source, state, **fields):
    whole = {
        "fetched_at": timezone.now(),
        "size": 1,
        "warc_size": 1,
        "sha256": "a" * 64,
        "warc_sha256": "b" * 64,
        "warc": "x",
    }
    fields = {**(whole if state == CaptureState.CAPTURED else {}), **fields}
    error = "" if state in (CaptureState.QUEUED, CaptureState.CAPTURED) else "why"
    return Capture.objects.create(source=source, url=source.url, state=state, error=error, **fields)


def check_row(source, gone, days_ago=0):
    outcome = LinkOutcome.MISSING if gone else LinkOutcome.ONLINE
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return LinkCheck.objects.create(source=source, url=source.url, checked_at=when, outcome=outcome, gone=gone)


@pytest.fixture
def sources(db):
    """One source per case; "recaptured" had a copy, then a failure (its latest)."""
    made = {
        name: Source.objects.create(outlet="Filter Times", title=name, url=f"https://example.org/{name}")
        for name in ("never", "failed", "refused", "queued", "captured", "recaptured")
    }
    made["no-url"] = Source.objects.create(outlet="Filter Times", title="no-url")
    capture_row(made["failed"], CaptureState.FAILED)
    capture_row(made["refused"], CaptureState.REFUSED)
    capture_row(made["queued"], CaptureState.QUEUED)
    capture_row(made["captured"], CaptureState.CAPTURED)
    capture_row(made["recaptured"], CaptureState.CAPTURED)
    capture_row(made["recaptured"], CaptureState.FAILED)
    check_row(made["captured"], gone=False)
    check_row(made["failed"], gone=True, days_ago=1)
    check_row(made["failed"], gone=False, days_ago=3)
    check_row(made["recaptured"], gone=True, days_ago=3)
    check_row(made["recaptured"], gone=False)  # back online
    return made


FILTERS = {
    "capture=never": {"never"},
    "capture=failed": {"failed", "refused", "recaptured"},
    "capture=queued": {"queued"},
    "capture=captured": {"captured"},
    "original=gone": {"failed"},
    "original=online": {"captured", "recaptured"},
    "original=unchecked": {"never", "refused", "queued"},
    "capture=failed&original=gone": {"failed"},
}


@pytest.mark.parametrize("query", FILTERS)
def test_the_source_filters_find_the_right_sources(editor_client, sources, query):
    response = editor_client.get(f"/admin/tracker/source/?outlet=Filter+Times&{query}")
    assert {s.title for s in response.context["cl"].result_list} == FILTERS[query]


def test_the_list_shows_the_latest_capture_and_a_gone_original(editor_client, sources):
    response = editor_client.get("/admin/tracker/source/?outlet=Filter+Times")
    rows = {s.title: (s.capture_state, s.original_gone) for s in response.context["cl"].result_list}
    assert rows["recaptured"] == (CaptureState.FAILED, False) and rows["failed"] == (CaptureState.FAILED, True)
    assert rows["never"] == (None, None)
    assert "· original gone" in response.content.decode()


def count_queries(client, path):
    with CaptureQueriesContext(db_connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_filtered_source_lists_have_pinned_query_counts(editor_client, sources, django_assert_max_num_queries):
    paths = ["/admin/tracker/source/"] + [f"/admin/tracker/source/?{query}" for query in FILTERS]
    before = [count_queries(editor_client, path) for path in paths]
    for i in range(20):
        more = Source.objects.create(outlet="More", title=f"More {i}", url=f"https://example.org/more/{i}")
        capture_row(more, [CaptureState.FAILED, CaptureState.CAPTURED][i % 2])
        check_row(more, gone=i % 3 == 0)
    assert [count_queries(editor_client, path) for path in paths] == before
    for path in paths:
        with django_assert_max_num_queries(10):  # as before the filters: 8, and the editor's two permission reads
            editor_client.get(path)


def test_the_source_page_reads_a_fixed_number_of_queries(editor_client, kept, django_assert_max_num_queries):
    source, *_ = kept
    before = count_queries(editor_client, change_url(source))
    for _ in range(5):
        capture_row(source, CaptureState.FAILED)
        check_row(source, gone=False)
    assert count_queries(editor_client, change_url(source)) == before


# ------------------------------------------------------------------ saving never fetches


def test_saving_a_source_in_the_admin_queues_a_capture_and_opens_no_connection(editor_client, base, sockets):
    form = {
        "outlet": "Test Times",
        "title": "Radars",
        "author": "",
        "url": f"{base}/article",
        "published_on": "2025-10-31",
        "published_precision": "day",
        "kind": "news",
        "reliability": "B",
        "notes": "",
    }
    response = editor_client.post(reverse("admin:tracker_source_add"), form)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    source = Source.objects.get(title="Radars")
    capture = source.captures.get()
    assert capture.state == CaptureState.QUEUED and capture.job.state == JobState.QUEUED
    form["url"] = f"{base}/page"
    form["opened_state"] = opened_state(editor_client, change_url(source))
    assert editor_client.post(change_url(source), form).status_code == 302
    assert source.captures.count() == 2
    assert sockets == []  # the fetch is the job's, never the request's
    finish_jobs()
    assert len(sockets) == 2 and set(source.captures.values_list("state", flat=True)) == {CaptureState.CAPTURED}
