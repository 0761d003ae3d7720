"""A fetch written as WARC (tracker/evidence/warc.py), read back by warcio itself, digests checked."""

import base64
import gzip
import hashlib
import io
import subprocess
import sys

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests import evidence_server
from tracker.evidence.fetch import fetch
from tracker.evidence.warc import payload, write_warc


@pytest.fixture(scope="module")
def server():
    server = evidence_server.start()
    yield server
    server.shutdown()


def capture(server, path):
    port = server.server_port
    result = fetch(f"http://127.0.0.1:{port}{path}", allowed_hosts=[f"127.0.0.1:{port}"])
    assert result.ok, result.refused
    out = io.BytesIO()
    write_warc(result, out, filename="capture.warc.gz")
    return result, out.getvalue()


def records(data):
    """(WARC headers, the content warcio decodes, its digest problems) of every record, digests checked."""
    found = []
    for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
        content = record.content_stream().read()
        found.append((dict(record.rec_headers.headers), record.http_headers, content, record.digest_checker))
    return found


def sha1_label(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_a_page_makes_warcinfo_request_and_response_that_warcio_reads_back(server):
    result, data = capture(server, "/page")
    (info, _, info_text, _), (response, http, body, checker), (request, _, _, _) = records(data)
    assert data[:2] == b"\x1f\x8b"  # gzipped record by record, as replay tools expect .warc.gz
    assert info["WARC-Type"] == "warcinfo" and info["WARC-Filename"] == "capture.warc.gz"
    assert b"software: Arms Request Tracker evidence (tracker/evidence), warcio 1.8.1" in info_text
    assert response["WARC-Type"] == "response" and response["WARC-Target-URI"] == result.final_url
    assert response["Content-Type"] == "application/http; msgtype=response"
    assert response["WARC-IP-Address"] == "127.0.0.1"
    assert http.get_statuscode() == "200" and body == evidence_server.PAGE
    assert response["WARC-Payload-Digest"] == sha1_label(evidence_server.PAGE)
    assert checker.passed is True and checker.problems == []
    assert request["WARC-Type"] == "request" and request["WARC-Concurrent-To"] == response["WARC-Record-ID"]


def test_every_record_is_warc_1_1(server):
    _, data = capture(server, "/hops/2")
    for record in ArchiveIterator(io.BytesIO(data)):
        assert record.rec_headers.protocol == "WARC/1.1"


def test_a_gzipped_response_is_kept_compressed_as_received(server):
    result, data = capture(server, "/gzipped")
    (_, http, body, checker) = records(data)[1]
    assert http.get_header("Content-Encoding") == "gzip"
    assert body == evidence_server.PAGE * 50  # warcio's reader gunzips what the block keeps compressed
    assert result.response_bytes.endswith(gzip.compress(evidence_server.PAGE * 50)[10:])  # after gzip's mtime
    assert checker.passed is True, checker.problems


def test_a_response_chunked_anyway_is_kept_with_the_payload_digest_the_spec_defines(server):
    # We ask in HTTP/1.0, so a server may not chunk; this one does. The block keeps the chunks as
    # they came; the payload digest is over the body without them, as the WARC spec and Heritrix
    # say. warcio's own check digests the chunks instead (its open issues #74 and #75), so it is
    # the one check here that disagrees; its reader still decodes the body.
    result, data = capture(server, "/chunked")
    (response, _, body, checker) = records(data)[1]
    assert b"Transfer-Encoding: chunked" in result.response_bytes and b"\r\n64\r\n" in result.response_bytes
    assert body == evidence_server.PAGE * 50
    digest = response["WARC-Payload-Digest"]
    assert digest == "sha1:" + base64.b32encode(bytes.fromhex(result.payload_digest)).decode()
    assert digest == sha1_label(payload(result.response_bytes))
    assert checker.problems == [f"payload digest failed {digest}"]


def test_redirects_are_archived_as_their_own_exchanges(server):
    result, data = capture(server, "/hops/2")
    responses = [(h, r) for h, r, _, _ in records(data) if h["WARC-Type"] == "response"]
    assert [h["WARC-Target-URI"] for h, _ in responses] == [hop.url for hop in result.redirects] + [result.final_url]
    assert [r.get_statuscode() for _, r in responses] == ["301", "302", "301", "200"]
    assert [r.get_header("Location") for _, r in responses] == ["/hops/1", "/hops/0", "/page", None]


@pytest.mark.parametrize("path, count", [("/page", 3), ("/gzipped", 3), ("/hops/2", 9)])
def test_warcio_check_and_index_accept_the_file(server, tmp_path, path, count):
    _, data = capture(server, path)
    file = tmp_path / "capture.warc.gz"
    file.write_bytes(data)
    warcio = [sys.executable, "-m", "warcio.cli"]
    check = subprocess.run([*warcio, "check", "-v", str(file)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout and "fail" not in check.stdout
    index = subprocess.run([*warcio, "index", str(file)], capture_output=True, text=True, check=True)
    assert index.stdout.count('"warc-type"') == count  # warcinfo, then a request and a response per hop


def test_a_refused_fetch_is_not_archived():
    with pytest.raises(ValueError, match="nothing to archive"):
        write_warc(fetch("ftp://example.com/"), io.BytesIO())


def test_payload_stops_at_cut_framing():
    block = b"HTTP/1.1 200 OK\r\nTransfer-Encoding:chunked\r\n\r\n5\r\nhello\r\nzz"
    assert payload(block) == b"hello"


def test_a_redirect_body_cut_at_its_limit_says_so(server):
    result, data = capture(server, "/long-redirect")
    assert result.redirects[0].complete is False and result.body == evidence_server.PAGE
    cut, landed = [r for r in ArchiveIterator(io.BytesIO(data)) if r.rec_type == "response"]
    assert cut.rec_headers.get_header("WARC-Truncated") == "length"
    assert landed.rec_headers.get_header("WARC-Truncated") is None
