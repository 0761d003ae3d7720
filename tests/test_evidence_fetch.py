"""The safe fetcher (tracker/evidence/fetch.py) against a real HTTP server on 127.0.0.1.

Nothing here connects anywhere but 127.0.0.1: the guard fixture refuses any other address, and
the tests that need a "public" host replace the resolver.
"""

import hashlib
import socket
import tracemalloc

import pytest

from tests import evidence_server
from tracker.evidence import addresses
from tracker.evidence.fetch import MAX_REDIRECTS, USER_AGENT, fetch


@pytest.fixture(scope="module")
def server():
    server = evidence_server.start()
    yield server
    server.shutdown()


@pytest.fixture
def base(server):
    return f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def allowed(server):
    return [f"127.0.0.1:{server.server_port}"]


@pytest.fixture(autouse=True)
def connections(monkeypatch):
    """Every address a fetch opens a socket to; anything but loopback is refused before it is tried."""
    return evidence_server.loopback_only(monkeypatch)


def resolver(monkeypatch, *answers):
    """Make the resolver give answers[0] on the first lookup, answers[1] on the second, and so on."""
    calls = []

    def resolve(host, port):
        calls.append(host)
        return answers[min(len(calls), len(answers)) - 1]

    monkeypatch.setattr(addresses, "resolve", resolve)
    return calls


def test_a_page_is_fetched_with_everything_a_capture_keeps(server, base, allowed):
    result = fetch(f"{base}/page", allowed_hosts=allowed)
    assert result.ok, result.refused
    assert (result.status, result.final_url, result.redirects) == (200, f"{base}/page", [])
    assert result.body == evidence_server.PAGE and result.size == len(evidence_server.PAGE)
    assert result.sha256 == hashlib.sha256(evidence_server.PAGE).hexdigest()
    assert result.content_type == "text/html; charset=utf-8"
    assert ("Content-Length", str(len(evidence_server.PAGE))) in result.headers
    assert result.ip == "127.0.0.1" and result.fetched_at is not None
    assert result.response_bytes.startswith(b"HTTP/1.1 200 OK\r\n")
    assert result.response_bytes.endswith(evidence_server.PAGE)
    assert result.request_bytes.startswith(b"GET /page HTTP/1.0\r\nHost: 127.0.0.1:")
    assert server.seen[-1]["User-Agent"] == USER_AGENT and "ArmsRequestTracker" in USER_AGENT


def test_the_allowlist_setting_is_read(settings, base, allowed):
    settings.EVIDENCE_ALLOWED_HOSTS = allowed
    assert fetch(f"{base}/page").ok
    settings.EVIDENCE_ALLOWED_HOSTS = []
    assert fetch(f"{base}/page").refused == "127.0.0.1 resolves to a forbidden address: 127.0.0.1 is loopback"


def test_a_chain_of_three_redirects_is_followed_and_recorded(base, allowed):
    result = fetch(f"{base}/hops/3", allowed_hosts=allowed)
    assert result.ok and result.final_url == f"{base}/page"
    assert [(h.url, h.status) for h in result.redirects] == [
        (f"{base}/hops/3", 302),
        (f"{base}/hops/2", 301),
        (f"{base}/hops/1", 302),
        (f"{base}/hops/0", 301),
    ]


def test_five_redirects_are_followed_and_six_refused(base, allowed):
    assert fetch(f"{base}/hops/{MAX_REDIRECTS - 1}", allowed_hosts=allowed).ok  # 5 redirects
    result = fetch(f"{base}/hops/{MAX_REDIRECTS}", allowed_hosts=allowed)  # 6 redirects
    assert result.refused == "more than 5 redirects" and len(result.redirects) == MAX_REDIRECTS + 1


@pytest.mark.parametrize(
    "target, reason",
    [
        ("http://127.0.0.1:1/", "127.0.0.1 resolves to a forbidden address: 127.0.0.1 is loopback"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is link-local"),
        ("http://[::ffff:169.254.169.254]/", "stands for 169.254.169.254, which is link-local"),
        ("file:///etc/passwd", "only http and https URLs are fetched, not file"),
        ("ftp://127.0.0.1/x", "only http and https URLs are fetched, not ftp"),
    ],
)
def test_a_redirect_to_a_forbidden_place_is_refused_before_connecting(base, allowed, connections, target, reason):
    result = fetch(f"{base}/to?u={target}", allowed_hosts=allowed)
    assert reason in result.refused
    assert result.redirects[0].status == 302 and result.body == b""
    assert connections == [("127.0.0.1", int(allowed[0].split(":")[1]))]  # only the first hop connected


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch, connections):
    resolver(monkeypatch, ["10.0.0.5"])
    assert fetch("http://intranet.example/").refused == (
        "intranet.example resolves to a forbidden address: 10.0.0.5 is private"
    )
    assert connections == []


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    resolver(monkeypatch, ["93.184.216.34", "192.168.1.1"])
    assert "192.168.1.1 is private" in fetch("http://mixed.example/").refused


def test_localhost_is_refused_when_not_allowed(server):
    result = fetch(f"http://localhost:{server.server_port}/page", allowed_hosts=[])
    assert "localhost resolves to a forbidden address" in result.refused and "loopback" in result.refused


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://2130706433/",  # 127.0.0.1 as one number: the resolver's answer is what is judged
        "http://0x7f000001/",
        "http://127.1/",
    ],
)
def test_loopback_and_unspecified_literals_are_refused(url, allowed, connections):
    assert "resolves to a forbidden address" in fetch(url, allowed_hosts=allowed).refused
    assert connections == []


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)", "gopher://a/"])
def test_other_schemes_are_refused(url):
    assert fetch(url).refused.startswith("only http and https URLs are fetched")


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://[not-closed/", "not a valid URL"),
        ("http://user:secret@example.com/", "URLs with a user name or password are not fetched"),
        ("http:///nohost", "no host in"),
    ],
)
def test_bad_urls_are_refused_with_a_reason_not_an_exception(url, reason):
    assert reason in fetch(url).refused


def test_a_name_that_does_not_resolve_is_refused(monkeypatch):
    def fail(host, port):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(addresses, "resolve", fail)  # no DNS query leaves the machine
    assert (
        fetch("http://name.invalid/").refused == "name.invalid does not resolve: [Errno -2] Name or service not known"
    )


def test_a_broken_compressed_body_is_refused(base, allowed):
    assert fetch(f"{base}/broken-gzip", allowed_hosts=allowed).refused.startswith("the compressed body is broken")


def test_a_body_declared_over_the_cap_is_not_read(server, base, allowed):
    result = fetch(f"{base}/big", allowed_hosts=allowed, max_bytes=1024 * 1024)
    assert result.refused == f"the body is over 1048576 bytes (Content-Length: {evidence_server.BIG}); nothing was read"
    assert result.body == b""
    assert server.big_done.wait(10)
    assert server.big_sent < 16 * 1024 * 1024 < evidence_server.BIG


def test_a_body_over_the_cap_stops_reading(server, base, allowed):
    server.big_done.clear()
    tracemalloc.start()
    result = fetch(f"{base}/big?undeclared=1", allowed_hosts=allowed, max_bytes=4 * 1024 * 1024)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.refused == "the body is over 4194304 bytes; reading stopped there"
    assert result.body == b""
    assert peak < 3 * 1024 * 1024  # the 4 MB read went to a temporary file, not to memory
    assert server.big_done.wait(10)
    # The server could hand the kernel a few MB of buffers, never the 50 MB it meant to send.
    assert server.big_sent < 16 * 1024 * 1024 < evidence_server.BIG


def test_a_gzip_bomb_is_refused_without_being_expanded(base, allowed):
    tracemalloc.start()
    result = fetch(f"{base}/bomb", allowed_hosts=allowed, max_bytes=1024 * 1024)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.refused == "the body decompresses to more than 1048576 bytes; decompression stopped there"
    assert peak < 4 * 1024 * 1024  # 10 MB of zeros were never held


def test_a_body_chunked_against_the_rules_is_still_decoded(base, allowed):
    result = fetch(f"{base}/chunked", allowed_hosts=allowed)
    assert result.ok and result.body == evidence_server.PAGE * 50
    assert b"Transfer-Encoding: chunked" in result.response_bytes and result.response_bytes.endswith(b"0\r\n\r\n")


def test_a_slow_server_hits_the_read_timeout(base, allowed):
    result = fetch(f"{base}/slow", allowed_hosts=allowed, read_timeout=1)
    assert result.refused == "the server sent nothing for 1 s"


def test_a_server_dripping_bytes_is_cut_off_at_the_total_time(base, allowed):
    result = fetch(f"{base}/drip", allowed_hosts=allowed, read_timeout=1, total_seconds=1)
    assert result.refused == "the fetch took more than 1 s"


def test_no_rebinding_the_checked_address_is_the_one_connected_to(server, monkeypatch, connections):
    port = server.server_port
    calls = resolver(monkeypatch, ["127.0.0.1"], ["10.9.9.9"])  # a second lookup would answer private
    result = fetch(f"http://rebind.example:{port}/page", allowed_hosts=[f"127.0.0.1:{port}"])
    assert result.ok and result.ip == "127.0.0.1"
    assert calls == ["rebind.example"] and connections == [("127.0.0.1", port)]
    assert server.seen[-1]["Host"] == f"rebind.example:{port}"  # the name still goes in the Host header


def test_no_rebinding_a_public_answer_then_loopback_never_reaches_loopback(monkeypatch, connections):
    calls = resolver(monkeypatch, ["93.184.216.34"], ["127.0.0.1"])
    result = fetch("http://rebind.example/")
    assert calls == ["rebind.example"]
    assert connections == [("93.184.216.34", 80)]  # the guard refused it: no traffic left the machine
    assert result.refused.startswith("cannot connect") and "93.184.216.34" in result.refused


@pytest.mark.parametrize(
    "address, reason",
    [
        ("93.184.216.34", ""),
        ("2606:2800:220:1:248:1893:25c8:1946", ""),
        ("127.0.0.2", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.0.1", "private"),
        ("100.64.0.1", "not globally routable"),  # shared address space, carrier-grade NAT
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:a00:1::", "private"),  # 6to4 around 10.0.0.1
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 around 127.0.0.1
        ("not-an-ip", "not an IP address"),
    ],
)
def test_which_addresses_are_public(address, reason):
    got = addresses.why_not_public(address)
    assert (got.endswith(reason) and bool(got)) if reason else got == ""
