"""fetch(url): one URL fetched safely, as a Fetch that says what came back or why it was refused.

Every hop (the URL and each redirect) is checked before anything is sent: http or https only, every
address its host resolves to public (or named in EVIDENCE_ALLOWED_HOSTS), and the connection goes
to the address that was checked. Bodies stop at EVIDENCE_MAX_BYTES, on the wire and decompressed.
"""

import dataclasses
import datetime
import hashlib
import logging
import tempfile
import time
import zlib
from urllib.parse import urljoin

from django.conf import settings
from urllib3 import Timeout
from urllib3.exceptions import (
    ConnectTimeoutError,
    LocationParseError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util import parse_url

from tracker.evidence import addresses
from tracker.evidence.connection import SPOOL, Recorder, pool_for

log = logging.getLogger(__name__)

USER_AGENT = "Mozilla/5.0 (compatible; ArmsRequestTracker-Evidence/1.0; keeps a copy of sources cited in the tracker)"
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
HEADER_ROOM = 256 * 1024  # the status line and headers, recorded beside the body
REDIRECT_BODY = 64 * 1024  # a redirect's body is a courtesy page: kept up to this, never followed


class Refused(Exception):
    """Raised inside fetch with the reason; fetch returns it, never raises it."""


class Unreachable(Refused):
    """Refused for now by the network (the name does not resolve, the fetch ran out of time): worth retrying."""


@dataclasses.dataclass
class Hop:
    """A response that redirected, kept whole so an archive replays the redirect too."""

    url: str
    status: int
    ip: str = ""
    request_bytes: bytes = b""
    response_bytes: bytes = b""
    complete: bool = True  # False when its body was longer than REDIRECT_BODY and was cut


@dataclasses.dataclass
class Fetch:
    url: str
    final_url: str = ""
    redirects: list = dataclasses.field(default_factory=list)  # Hops that answered with a redirect
    status: int | None = None
    headers: list = dataclasses.field(default_factory=list)  # [(name, value)] as received, in order
    content_type: str = ""
    body_file: object = None  # the body, Content-Encoding removed: a temporary file past SPOOL bytes
    size: int = 0
    sha256: str = ""  # of body
    fetched_at: datetime.datetime | None = None
    ip: str = ""  # the address connected to for the final response
    refused: str = ""  # why there is no body; "" when the fetch succeeded
    transient: bool = False  # refused by the network (a timeout, no connection), not by rule: worth retrying
    request_bytes: bytes = b""  # the final request as sent
    response_file: object = None  # the final response as received: status line, headers, framing, body
    response_size: int = 0
    payload_digest: str = ""  # sha1 hex of the entity body as received, chunking removed (WARC's payload)
    complete: bool = True

    @property
    def ok(self):
        return not self.refused

    @property
    def body(self):
        """The whole body in memory: for small bodies and tests (a capture streams body_file)."""
        return read_all(self.body_file)

    @property
    def response_bytes(self):
        return read_all(self.response_file)

    def close(self):
        for file in (self.body_file, self.response_file):
            if file is not None:
                file.close()
        self.body_file = self.response_file = None


def read_all(file):
    if file is None:
        return b""
    file.seek(0)
    return file.read()


def options():
    return {
        "allowed_hosts": addresses.parse_allowlist(settings.EVIDENCE_ALLOWED_HOSTS),
        "max_bytes": settings.EVIDENCE_MAX_BYTES,
        "connect_timeout": settings.EVIDENCE_CONNECT_TIMEOUT,
        "read_timeout": settings.EVIDENCE_READ_TIMEOUT,
        "total_seconds": settings.EVIDENCE_TOTAL_SECONDS,
        "ca_certs": settings.EVIDENCE_CA_CERTS,
    }


def check(url, **overrides):
    """The status of url (redirects followed, each hop checked) without reading the body: a link check."""
    return fetch(url, status_only=True, **overrides)


def fetch(url, **overrides):
    """Fetch url; keyword arguments override the settings (allowed_hosts, max_bytes, the timeouts)."""
    opts = {**options(), **overrides}
    opts["allowed_hosts"] = addresses.parse_allowlist(opts["allowed_hosts"])
    result = Fetch(url=url, fetched_at=datetime.datetime.now(datetime.UTC))
    deadline = time.monotonic() + opts["total_seconds"]
    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            location = hop(current, result, opts, deadline)
            if location is None:
                return result
            result.redirects.append(
                Hop(current, result.status, result.ip, result.request_bytes, result.response_bytes, result.complete)
            )
            current = location
        raise Refused(f"more than {MAX_REDIRECTS} redirects")
    except Unreachable as e:
        result.refused, result.transient = str(e), True
    except Refused as e:
        result.refused = str(e)
    except NewConnectionError as e:  # urllib3 makes it a ConnectTimeoutError: caught first
        result.refused, result.transient = f"cannot connect: {e}", True
    except ConnectTimeoutError:
        result.refused, result.transient = f"no connection within {opts['connect_timeout']} s", True
    except ReadTimeoutError:
        result.refused, result.transient = f"the server sent nothing for {opts['read_timeout']} s", True
    except SSLError as e:
        result.refused = f"TLS failed (certificate or handshake): {e}"
    except (Urllib3Error, OSError) as e:
        result.refused, result.transient = f"network error: {e}", True
    except Exception as e:  # a fetch is evidence gathering: a bug here must not become a 500
        log.exception("evidence fetch of %s failed", url)
        result.refused = f"unexpected error: {type(e).__name__}: {e}"
    result.close()
    result.size, result.sha256, result.payload_digest = 0, "", ""
    return result


def checked_target(url, opts):
    """(scheme, host, port, request path, the address to connect to), or Refused."""
    try:
        parts = parse_url(url)
    except LocationParseError as e:
        raise Refused(f"not a valid URL: {url!r}") from e
    if parts.scheme not in ("http", "https"):
        raise Refused(f"only http and https URLs are fetched, not {parts.scheme or 'a URL without scheme'}")
    if not parts.host:
        raise Refused(f"no host in {url!r}")
    if parts.auth:
        raise Refused("URLs with a user name or password are not fetched")
    host = parts.host.strip("[]").rstrip(".").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        ips = addresses.resolve(host, port)
    except OSError as e:
        raise Unreachable(f"{host} does not resolve: {e}") from e
    if not ips:
        raise Unreachable(f"{host} does not resolve")
    allowed = opts["allowed_hosts"]
    named = addresses.endpoint(host, port) in allowed
    for ip in ips:
        # Every address must pass: a name resolving to a public and a private address is refused.
        if not (named or addresses.endpoint(ip, port) in allowed) and (reason := addresses.why_not_public(ip)):
            raise Refused(f"{host} resolves to a forbidden address: {reason}")
    return parts.scheme, host, port, parts.request_uri, ips[0]


def hop(url, result, opts, deadline):
    """Request url once; the next URL when it redirects, None when result holds the response."""
    scheme, host, port, path, ip = checked_target(url, opts)
    recorder = Recorder(opts["max_bytes"] + HEADER_ROOM)
    timeout = Timeout(connect=opts["connect_timeout"], read=opts["read_timeout"])
    name = f"[{host}]" if ":" in host else host
    headers = {
        # http.client writes Host only for HTTP/1.1 requests; ours are 1.0 (connection.py says why).
        "Host": name if port == (443 if scheme == "https" else 80) else f"{name}:{port}",
        "User-Agent": USER_AGENT,
        "Accept": "*/*",
        "Accept-Encoding": "gzip, deflate",
    }
    pool = pool_for(scheme, host, port, pinned_ip=ip, recorder=recorder, timeout=timeout, ca_certs=opts["ca_certs"])
    with pool:
        response = pool.urlopen(
            "GET", path, headers=headers, redirect=False, preload_content=False, decode_content=False
        )
        try:
            result.status, result.ip, result.final_url, result.complete = response.status, ip, url, True
            result.headers = list(response.headers.items())
            result.content_type = response.headers.get("Content-Type", "")
            location = response.headers.get("Location") if response.status in REDIRECTS else None
            if location:
                response.read(REDIRECT_BODY, decode_content=False)
                result.complete = not response.read(1, decode_content=False)
            elif not opts.get("status_only"):
                read_body(response, result, opts, deadline)
        finally:
            response.close()
            if result.response_file is not None:  # a redirect's, kept in its Hop already
                result.response_file.close()
            result.request_bytes = bytes(recorder.sent)
            result.response_file, result.response_size = recorder.received, recorder.size
            result.complete = result.complete and not recorder.truncated  # headers past HEADER_ROOM
    return urljoin(url, location) if location else None


def read_body(response, result, opts, deadline):
    """Read the body in pieces, stopping as soon as it (or what it inflates to) passes max_bytes."""
    limit = opts["max_bytes"]
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise Refused(f"the body is encoded as {encoding!r}, which is not decoded here")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:  # said up front: nothing need be read
        raise Refused(f"the body is over {limit} bytes (Content-Length: {declared}); nothing was read")
    inflater = Inflater(limit) if encoding != "identity" else None
    body = result.body_file = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - Fetch.close()
    received, sha1, sha256 = 0, hashlib.sha1(), hashlib.sha256()
    # read1 returns what has arrived, so a server dripping bytes meets the deadline between pieces
    # instead of holding a read that waits for a full 64 KB.
    while piece := response.read1(64 * 1024, decode_content=False):
        received += len(piece)
        sha1.update(piece)
        if received > limit:
            raise Refused(f"the body is over {limit} bytes; reading stopped there")
        for part in inflater.feed(piece) if inflater else [piece]:
            body.write(part)
            sha256.update(part)
            result.size += len(part)
        if time.monotonic() > deadline:
            raise Unreachable(f"the fetch took more than {opts['total_seconds']} s")
    result.sha256 = sha256.hexdigest()
    result.payload_digest = sha1.hexdigest()


class Inflater:
    """gzip or zlib-wrapped deflate, never producing more than limit bytes (a gzip bomb is refused)."""

    def __init__(self, limit):
        self.limit, self.size = limit, 0
        self.zlib = zlib.decompressobj(32 + zlib.MAX_WBITS)  # 32: accept a gzip or a zlib header

    def feed(self, data):
        """The decompressed pieces of data, a megabyte at most each (a bomb's 64 KB is not inflated at once)."""
        while data and not self.zlib.eof:
            room = min(SPOOL, self.limit - self.size + 1)  # one byte over the limit proves the excess
            try:
                piece = self.zlib.decompress(data, room)
            except zlib.error as e:
                raise Refused(f"the compressed body is broken: {e}") from e
            self.size += len(piece)
            if self.size > self.limit:
                raise Refused(f"the body decompresses to more than {self.limit} bytes; decompression stopped there")
            yield piece
            data = self.zlib.unconsumed_tail
