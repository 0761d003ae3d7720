"""Link checks, the gone rule, check_sources, verify_captures and the periodic sweep, against a real local server."""

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests import evidence_server
from tests.conftest import finish_jobs
from tracker.evidence import storage
from tracker.evidence.fetch import Fetch
from tracker.evidence.links import record_check
from tracker.intake.engine import run_import
from tracker.jobs import runner
from tracker.models import Capture, CaptureState, Job, LinkCheck, Source
from tracker.models.evidence import sources_saved

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def server():
    server = evidence_server.start()
    yield server
    server.shutdown()


@pytest.fixture
def base(server):
    return f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(autouse=True)
def local_only(settings, server, monkeypatch):
    settings.EVIDENCE_ALLOWED_HOSTS = [f"127.0.0.1:{server.server_port}"]
    settings.EVIDENCE_READ_TIMEOUT = 1
    evidence_server.loopback_only(monkeypatch)


def answer(status=None, refused="", transient=False):
    return Fetch(url="x", status=status, refused=refused, transient=transient)


def visits(source, *answers, start=None):
    """Record one visit per answer, a day and an hour apart; the gone flag after each."""
    at = start or timezone.now() - 10 * DAY
    flags = []
    for each in answers:
        flags.append(record_check(source, source.url, each, at=at).gone)
        at += DAY + datetime.timedelta(hours=1)
    return flags


@pytest.fixture
def page(db):
    return Source.objects.create(outlet="O", title="T", url="https://news.example/a")


def test_gone_only_after_two_not_founds_a_day_apart(page):
    assert visits(page, answer(404), answer(410)) == [False, True]


def test_two_not_founds_within_a_day_are_not_gone(page):
    now = timezone.now()
    record_check(page, page.url, answer(404), at=now - datetime.timedelta(hours=23))
    assert record_check(page, page.url, answer(404), at=now).gone is False


@pytest.mark.parametrize("status", [403, 429, 500, 502, 503])
def test_answers_that_do_not_count_never_make_it_gone(page, status):
    assert visits(page, *[answer(status)] * 4) == [False] * 4
    assert visits(page, answer(None, "no connection within 10 s", transient=True)) == [False]


def test_unsure_answers_keep_gone_and_a_page_found_ends_it(page):
    flags = visits(page, answer(404), answer(404), answer(503), answer(None, "timeout", True), answer(200), answer(404))
    assert flags == [False, True, True, True, False, False]


def test_a_page_found_between_two_not_founds_restarts_the_count(page):
    assert visits(page, answer(404), answer(200), answer(404), answer(404)) == [False, False, False, True]


def test_checks_of_an_earlier_url_do_not_count(page):
    visits(page, answer(404))
    page.url = "https://news.example/moved"
    page.save()
    assert record_check(page, page.url, answer(404)).gone is False


def test_check_sources_visits_the_real_server_and_says_what_it_found(base, capsys):
    ok = Source.objects.create(outlet="O", title="ok", url=f"{base}/page")
    missing = Source.objects.create(outlet="O", title="missing", url=f"{base}/status/404")
    busy = Source.objects.create(outlet="O", title="busy", url=f"{base}/status/429")
    LinkCheck.objects.create(
        source=missing, url=missing.url, checked_at=timezone.now() - 2 * DAY, status=404, outcome="missing"
    )
    call_command("check_sources", due_hours=0)
    out = capsys.readouterr().out
    assert f"source {missing.pk}: GONE: {missing.url}" in out and f"source {busy.pk}: unsure" in out
    assert "Checked 3 source(s): 1 online, 1 missing, 1 unsure." in out
    latest = {s.pk: s.gone for s in Source.objects.with_evidence()}
    assert latest == {ok.pk: False, missing.pk: True, busy.pk: False}
    call_command("check_sources")  # all checked within 20 hours: nothing is due
    assert "Checked 0 source(s)" in capsys.readouterr().out


def test_check_sources_queues_captures_never_made(settings, base):
    settings.EVIDENCE_CAPTURE = False
    source = Source.objects.create(outlet="O", title="before captures", url=f"{base}/article")
    settings.EVIDENCE_CAPTURE = True
    call_command("check_sources", source=[source.pk])
    assert source.captures.get().state == CaptureState.QUEUED
    call_command("check_sources", source=[source.pk], due_hours=0)
    assert source.captures.count() == 1


def test_check_sources_refuses_unknown_ids(page):
    with pytest.raises(CommandError, match="No source with a URL has the id"):
        call_command("check_sources", source=[page.pk, 999999])


def test_verify_captures_names_a_changed_and_a_missing_file(settings, base, capsys):
    settings.EVIDENCE_CAPTURE = True
    sources = [Source.objects.create(outlet="O", title=f"t{n}", url=f"{base}/page?n={n}") for n in range(3)]
    finish_jobs()
    call_command("verify_captures")
    assert "All 3 stored capture file(s) are intact." in capsys.readouterr().out
    changed, gone, _ = (s.captures.get() for s in sources)
    path = storage.evidence_storage().path(changed.warc)
    with open(path, "r+b") as file:
        file.seek(100)
        file.write(b"!")
    storage.evidence_storage().delete(gone.warc)
    with pytest.raises(CommandError, match="2 of 3 stored capture file"):
        call_command("verify_captures")
    err = capsys.readouterr().err
    assert f"capture {changed.pk}: {changed.warc}: changed" in err
    assert f"capture {gone.pk}: {gone.warc}: missing" in err


def test_the_sweep_is_queued_once_per_interval_and_not_at_all_when_off(settings):
    settings.EVIDENCE_CHECK_EVERY_HOURS = 24
    assert [job.kind for job in runner.start_periodic()] == ["evidence-check-sources"]
    assert runner.start_periodic() == []
    Job.objects.update(created_at=timezone.now() - 25 * datetime.timedelta(hours=1))
    assert len(runner.start_periodic()) == 1
    Job.objects.all().delete()
    settings.EVIDENCE_CHECK_EVERY_HOURS = 0
    assert runner.start_periodic() == []


def test_the_sweep_job_checks_and_reports(base):
    Source.objects.create(outlet="O", title="ok", url=f"{base}/page")
    runner.start("evidence-check-sources", "sweep")
    (job,) = finish_jobs()
    assert job.state == "done" and job.summary.startswith("Checked 1 sources (1 online")
    assert (job.done, job.total, job.unit) == (1, 1, "sources")


def test_an_import_announces_the_sources_it_creates(countries, types):
    announced = []

    def heard(sender, sources, **kwargs):
        announced.extend(s.title for s in sources)

    sources_saved.connect(heard)
    try:
        run_import(
            "requests",
            (Path(__file__).parent / "data" / "our_requests.csv").read_bytes(),
            "ours.csv",
            publish=False,
            skip_invalid=True,
        )
    finally:
        sources_saved.disconnect(heard)
    assert announced and set(announced) <= set(Source.objects.values_list("title", flat=True))


def test_sources_announced_in_bulk_get_captures(settings):
    settings.EVIDENCE_CAPTURE = True
    made = Source.objects.bulk_create(
        [Source(outlet="O", title=f"b{n}", url=f"https://x.example/{n}") for n in range(2)]
    )
    made.append(Source.objects.create(outlet="O", title="no url"))
    sources_saved.send(Source, sources=made)
    assert Capture.objects.filter(source__in=made).count() == 2
