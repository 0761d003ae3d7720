"""Captures as jobs (tracker/evidence/capture.py) against a real HTTP server on 127.0.0.1.

Saving a source queues a capture; running the job fetches, writes the WARC to the evidence storage
under its hash, extracts the text, and keeps the outcome on the row: captured, refused, failed.
"""

import hashlib
import io

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests import evidence_server
from tests.conftest import finish_jobs
from tracker.evidence import storage
from tracker.models import CaptureState, Job, JobState, LinkCheck, Source


@pytest.fixture(scope="module")
def server():
    server = evidence_server.start()
    yield server
    server.shutdown()


@pytest.fixture
def base(server):
    return f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(autouse=True)
def capturing(settings, server, monkeypatch):
    """Captures on, the test server allowed, and every socket refused unless it goes to 127.0.0.1."""
    settings.EVIDENCE_CAPTURE = True
    settings.EVIDENCE_ALLOWED_HOSTS = [f"127.0.0.1:{server.server_port}"]
    settings.EVIDENCE_READ_TIMEOUT = 1
    return evidence_server.loopback_only(monkeypatch)


def new_source(url, **fields):
    return Source.objects.create(outlet="Test Times", title=f"Page at {url}"[:300], url=url, **fields)


def captured(url):
    """Save a source with url, run the queued jobs; the source's only capture, finished."""
    source = new_source(url)
    finish_jobs()
    (capture,) = source.captures.all()
    return capture


@pytest.mark.django_db
def test_saving_a_source_queues_one_capture_and_the_job_keeps_a_whole_copy(base):
    source = new_source(f"{base}/article")
    capture = source.captures.get()
    assert capture.state == CaptureState.QUEUED and capture.job.kind == "evidence-capture"
    source.notes = "edited"
    source.save()  # same URL: no second capture
    assert source.captures.count() == 1

    (job,) = finish_jobs()
    assert job.state == JobState.DONE, job.error
    capture.refresh_from_db()
    assert capture.state == CaptureState.CAPTURED
    assert (capture.status, capture.final_url, capture.attempts) == (200, f"{base}/article", 1)
    assert capture.sha256 == hashlib.sha256(evidence_server.ARTICLE).hexdigest()
    assert capture.size == len(evidence_server.ARTICLE)
    assert capture.content_type == "text/html; charset=utf-8"
    assert ["Content-Length", str(len(evidence_server.ARTICLE))] in capture.headers
    assert capture.title.startswith("Maduro asks Moscow for radars")
    assert capture.author == "Jane Reporter" and capture.page_date == "2025-10-31"
    assert "fourteen missile units" in capture.text and "© Test Times" not in capture.text
    assert "warcio" in capture.tool and "trafilatura" in capture.tool
    assert capture.warc == storage.name_for(capture.warc_sha256, ".warc.gz")


@pytest.mark.django_db
def test_the_warc_reads_back_with_warcio_holding_the_exact_bytes_served(base):
    capture = captured(f"{base}/hops/2")
    with storage.open_kept(capture.warc) as file:
        data = file.read()
    assert hashlib.sha256(data).hexdigest() == capture.warc_sha256 and len(data) == capture.warc_size
    kinds, body = [], None
    for record in ArchiveIterator(io.BytesIO(data)):  # records are read in order, once
        kinds.append(record.rec_type)
        if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == f"{base}/page":
            body = record.content_stream().read()
    assert kinds == ["warcinfo"] + ["response", "request"] * 4  # three redirects, then the page
    assert capture.redirects == [[f"{base}/hops/2", 301], [f"{base}/hops/1", 302], [f"{base}/hops/0", 301]]
    assert body == evidence_server.PAGE
    assert hashlib.sha256(body).hexdigest() == capture.sha256


@pytest.mark.django_db
def test_a_same_page_twice_is_stored_once_per_warc_and_never_overwritten(base):
    first = captured(f"{base}/page")
    again = Source.objects.create(outlet="Other", title="Same page", url=f"{base}/page?again=1")
    finish_jobs()
    second = again.captures.get()
    assert first.sha256 == second.sha256  # the same body
    assert first.warc != second.warc  # each WARC is its own exchange (dates, record ids)
    assert storage.evidence_storage().exists(first.warc) and storage.evidence_storage().exists(second.warc)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, state, words",
    [
        ("status/404", CaptureState.FAILED, "answered 404"),
        ("status/410", CaptureState.FAILED, "answered 410"),
        ("status/403", CaptureState.FAILED, "answered 403"),
        ("big", CaptureState.REFUSED, "nothing was read"),
        ("big?undeclared=1", CaptureState.REFUSED, "reading stopped there"),
        ("bomb", CaptureState.REFUSED, "decompresses to more than"),
        ("to?u=http://169.254.169.254/latest/meta-data/", CaptureState.REFUSED, "link-local"),
    ],
)
def test_answers_that_are_not_the_page_leave_a_capture_that_says_why(settings, base, capturing, path, state, words):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    capture = captured(f"{base}/{path}")
    assert capture.state == state and words in capture.error, capture.error
    assert not capture.warc and not capture.sha256 and capture.attempts == 1
    assert all(host == "127.0.0.1" for host, _ in capturing)  # 169.254.169.254 was never connected to
    assert capture.job.state in (JobState.DONE, JobState.FAILED)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["status/429", "status/500", "slow"])
def test_network_failures_retry_up_to_the_limit_then_stay_failed(settings, base, path):
    settings.EVIDENCE_MAX_ATTEMPTS = 3
    source = new_source(f"{base}/{path}")
    capture = source.captures.get()
    Job.objects.filter(pk=capture.job_id).update(max_attempts=3)
    ran = finish_jobs()
    assert [job.pk for job in ran] == [capture.job_id] * 3  # queued again twice, with backoff
    capture.refresh_from_db()
    assert capture.state == CaptureState.FAILED and capture.attempts == 3
    assert capture.error.startswith("Attempt 3 of 3: ")
    assert capture.job.state == JobState.FAILED


@pytest.mark.django_db
def test_a_server_busy_twice_is_captured_on_the_third_attempt(base):
    source = new_source(f"{base}/flaky/busy-twice/2")
    capture = source.captures.get()
    finish_jobs()
    capture.refresh_from_db()
    assert capture.state == CaptureState.CAPTURED and capture.attempts == 3
    assert capture.job.state == JobState.DONE


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://127.0.0.1:9/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://localhost/",
    ],
)
def test_forbidden_addresses_give_a_refused_capture_and_no_connection(url, capturing):
    capture = captured(url)
    assert capture.state == CaptureState.REFUSED, (capture.state, capture.error)
    assert "forbidden address" in capture.error
    assert capturing == []


@pytest.mark.django_db
def test_a_capture_also_records_a_link_check(base):
    capture = captured(f"{base}/status/404")
    check = LinkCheck.objects.get(source=capture.source)
    assert (check.status, check.outcome, check.gone) == (404, "missing", False)


@pytest.mark.django_db
def test_saving_with_captures_off_queues_nothing(settings, base):
    settings.EVIDENCE_CAPTURE = False
    assert not new_source(f"{base}/page").captures.exists()


@pytest.mark.django_db
def test_a_long_url_is_captured_whatever_its_length(base):
    long = f"{base}/article?" + "utm_campaign=caribbean-deployments&" * 12
    capture = captured(long[:490])
    assert capture.state == CaptureState.CAPTURED and capture.job.state == JobState.DONE
    assert len(capture.job.stage) <= 100
