"""urllib3 connections that go to one checked address and record the bytes on the wire.

The pool is made for the URL's host name, so the Host header, TLS SNI and certificate checking all
use the name, as urllib3 does for any URL; only the socket is opened to `pinned_ip`, the address
that was checked. There is no second DNS lookup for an attacker to answer differently.
"""

import functools
import http.client
import tempfile

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection

SPOOL = 1024 * 1024  # bytes kept in memory before a recording moves to a temporary file


class Recorder:
    """The request as sent and the response as received (status line, headers, framing, body).

    The response goes to a temporary file past SPOOL bytes: a 25 MB body is not held in memory.
    """

    def __init__(self, limit):
        self.sent = bytearray()
        self.received = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - Fetch.close() closes it
        self.size = 0
        self.limit = limit
        self.truncated = False

    def take(self, data):
        room = self.limit - self.size
        if len(data) > room:
            self.truncated = True
        piece = data[: max(room, 0)]
        self.received.write(piece)
        self.size += len(piece)


class Tee:
    """The response's file object, with every byte read also given to the recorder."""

    def __init__(self, fp, recorder):
        self._fp, self._recorder = fp, recorder

    def read(self, *args):
        data = self._fp.read(*args)
        self._recorder.take(data)
        return data

    def read1(self, *args):
        data = self._fp.read1(*args)
        self._recorder.take(data)
        return data

    def readline(self, *args):
        data = self._fp.readline(*args)
        self._recorder.take(data)
        return data

    def readinto(self, buffer):
        n = self._fp.readinto(buffer)
        self._recorder.take(bytes(memoryview(buffer)[:n]))
        return n

    def __getattr__(self, name):  # peek, close, closed, flush: nothing consumed
        return getattr(self._fp, name)


class RecordingResponse(http.client.HTTPResponse):
    def __init__(self, sock, *args, recorder, **kwargs):
        super().__init__(sock, *args, **kwargs)
        self.fp = Tee(self.fp, recorder)


class PinnedMixin:
    # HTTP/1.0, as Heritrix asks by default: a server may not answer it in chunks, so the recorded
    # body is the payload itself and every WARC tool agrees on its digest (warcio #74).
    _http_vsn, _http_vsn_str = 10, "HTTP/1.0"

    def __init__(self, *args, pinned_ip, recorder, **kwargs):
        super().__init__(*args, **kwargs)
        self.pinned_ip, self.recorder = pinned_ip, recorder
        self.response_class = functools.partial(RecordingResponse, recorder=recorder)

    def _new_conn(self):
        try:
            sock = create_connection((self.pinned_ip, self.port), self.timeout, socket_options=self.socket_options)
        except TimeoutError as e:
            raise ConnectTimeoutError(self, f"connecting to {self.pinned_ip} timed out") from e
        except OSError as e:
            raise NewConnectionError(self, f"cannot connect to {self.pinned_ip}: {e}") from e
        return sock

    def send(self, data):
        self.recorder.sent += data
        super().send(data)


class PinnedHTTPConnection(PinnedMixin, HTTPConnection):
    pass


class PinnedHTTPSConnection(PinnedMixin, HTTPSConnection):
    pass


class PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = PinnedHTTPConnection


class PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = PinnedHTTPSConnection


def pool_for(scheme, host, port, *, pinned_ip, recorder, timeout, ca_certs=None):
    """A one-connection pool for host:port whose socket goes to pinned_ip; no retries, no redirects.

    For https, SNI and the certificate check use host (urllib3's server_hostname defaults to it);
    ca_certs replaces the system's trusted roots (a closed network's own CA, a test's).
    """
    cls = PinnedHTTPSPool if scheme == "https" else PinnedHTTPPool
    extra = {"cert_reqs": "CERT_REQUIRED", "ca_certs": ca_certs} if scheme == "https" else {}
    return cls(host, port, maxsize=1, timeout=timeout, retries=False, pinned_ip=pinned_ip, recorder=recorder, **extra)
