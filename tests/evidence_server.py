"""A real HTTP server on 127.0.0.1 for the evidence tests, in a thread, with the pages they need."""

import gzip
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PAGE = b"<!doctype html><title>Source</title><p>Venezuela asked for radars.</p>"
ARTICLE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Maduro asks Moscow for radars | Test Times</title>"
    "<meta name='author' content='Jane Reporter'>"
    "<meta property='article:published_time' content='2025-10-31T08:00:00Z'></head><body>"
    "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Maduro asks Moscow for radars</h1>"
    "<p>Venezuelan President Nicolás Maduro asked Russia for help restoring Su-30MK2 fighter jets and for "
    "radars, according to internal documents seen by reporters.</p>"
    "<p>The letter, sent in early October, lists fourteen missile units and the overhaul of eight engines "
    "and five radars. Officials in Caracas did not answer requests for comment.</p>"
    "<p>Analysts said the request shows how far the air force's readiness has fallen since 2019.</p>"
    "</article><footer>© Test Times</footer></body></html>"
).encode()
BIG = int(os.environ.get("EVIDENCE_SERVER_BIG") or 50 * 1024 * 1024)  # the bench serves 100 MB


def html_of(size, scripts=False):
    """n bytes of article paragraphs; with scripts, as news pages are: 100 KB of article, the rest script."""
    paragraph = b"<p>" + b"Officials said the radars would be repaired before the end of the year. " * 20 + b"</p>\n"
    head = b"<!doctype html><html><head><title>Long page</title></head><body><article>"
    if not scripts:
        return (head + paragraph * (size // len(paragraph) + 1))[:size]
    article = head + paragraph * (100_000 // len(paragraph)) + b"</article>"
    script = b"<script>var state = {" + b'"k": "value",' * ((size - len(article)) // 14) + b"};</script>"
    return (article + script + b"</body></html>")[: max(size, len(article))]


BOMB = gzip.compress(b"\0" * (10 * 1024 * 1024), compresslevel=9)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet test output
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.server.seen.append({"path": self.path, **dict(self.headers.items())})
        parts = url.path.strip("/").split("/")
        if parts[0] == "page":
            self.send(200, PAGE, [("Content-Type", "text/html; charset=utf-8")])
        elif parts[0] == "hops":  # /hops/3 redirects three times, then lands on /page
            n = int(parts[1])
            self.send(302 if n % 2 else 301, headers=[("Location", f"/hops/{n - 1}" if n else "/page")])
        elif parts[0] == "long-redirect":  # a 100 KB courtesy page with the redirect
            self.send(302, b"x" * 100_000, [("Location", "/page")])
        elif parts[0] == "to":
            self.send(302, headers=[("Location", query["u"])])
        elif parts[0] == "big":  # ?undeclared=1: no Content-Length, the end of the body is the connection's
            self.send_big(declared="undeclared" not in query)
        elif parts[0] == "bomb":
            self.send(200, BOMB, [("Content-Type", "text/plain"), ("Content-Encoding", "gzip")])
        elif parts[0] == "slow":
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.flush()
            time.sleep(3)
            self.wfile.write(b"late!")
        elif parts[0] == "drip":  # a byte every 0.2 s: never silent for a read timeout, never done
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b".")
                    self.wfile.flush()
                    time.sleep(0.2)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif parts[0] == "status":  # /status/410: that status, a short body
            self.send(int(parts[1]), b"status page", [("Content-Type", "text/html")])
        elif parts[0] == "article":
            self.send(200, ARTICLE, [("Content-Type", "text/html; charset=utf-8")])
        elif parts[0] == "flaky":  # /flaky/<key>/<n>: 503 the first n times for this key, then the article
            key, failures = parts[1], int(parts[2])
            self.server.flaky[key] = self.server.flaky.get(key, 0) + 1
            if self.server.flaky[key] <= failures:
                self.send(503, b"busy", [("Retry-After", "1")])
            else:
                self.send(200, ARTICLE, [("Content-Type", "text/html; charset=utf-8")])
        elif parts[0] == "html-bytes":  # /html-bytes/<n>: an HTML page of n bytes, paragraphs of words
            page = html_of(int(parts[1]), scripts="scripts" in query)
            self.send(200, page, [("Content-Type", "text/html; charset=utf-8")])
        elif parts[0] == "broken-gzip":
            self.send(200, b"\x1f\x8b not gzip at all", [("Content-Encoding", "gzip")])
        elif parts[0] == "gzipped":
            self.send(200, gzip.compress(PAGE * 50), [("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
        elif parts[0] == "chunked":  # chunks even for an HTTP/1.0 request, which the rules forbid
            self.send_chunked(gzip.compress(PAGE * 50))
        else:
            self.send(404, b"not here")

    def send_big(self, declared=True):
        self.send_response(200)
        if declared:
            self.send_header("Content-Length", str(BIG))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        block, sent = b"x" * 65536, 0
        try:
            while sent < BIG:
                self.wfile.write(block)
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.server.big_sent = sent
            self.server.big_done.set()

    def send_chunked(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), 100):
            piece = body[start : start + 100]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")


def start():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.seen, server.big_sent, server.big_done, server.flaky = [], None, threading.Event(), {}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def loopback_only(monkeypatch):
    """Record every address the evidence fetcher opens a socket to, refusing any but 127.0.0.1 before it is
    tried; returns the list of addresses (the tests' proof that nothing else was reached)."""
    from tracker.evidence import connection

    opened, real = [], connection.create_connection

    def guarded(address, *args, **kwargs):
        opened.append(address)
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError("the tests connect only to 127.0.0.1")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(connection, "create_connection", guarded)
    return opened
