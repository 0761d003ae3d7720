"""HTTPS through the pinned connection: the socket goes to the checked address, while SNI and the
certificate check use the URL's host name. A CA and a certificate are made here with openssl."""

import ssl
import subprocess
import threading
from http.server import ThreadingHTTPServer

import pytest

from tests import evidence_server
from tracker.evidence import addresses
from tracker.evidence.fetch import fetch


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")

    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Test CA"
    )
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=x")
    # The certificate names evidence.test AND 127.0.0.1: were it checked against the address, any name would pass.
    (d / "leaf.ext").write_text("subjectAltName=DNS:evidence.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl(
        *("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"),
        *("-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext"),
    )
    return d


@pytest.fixture(scope="module")
def server(certificates):
    server = ThreadingHTTPServer(("127.0.0.1", 0), evidence_server.Handler)
    server.seen, server.names = [], []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "leaf.pem", certificates / "leaf.key")
    context.sni_callback = lambda sock, name, ctx: server.names.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture
def options(server, certificates, monkeypatch):
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["127.0.0.1"])
    return {"allowed_hosts": [f"127.0.0.1:{server.server_port}"], "ca_certs": str(certificates / "ca.pem")}


def test_https_sends_the_name_for_sni_and_host_and_verifies_the_certificate_by_it(server, options):
    result = fetch(f"https://evidence.test:{server.server_port}/page", **options)
    assert result.ok, result.refused
    assert result.body == evidence_server.PAGE and result.ip == "127.0.0.1"
    assert server.names[-1] == "evidence.test"
    assert server.seen[-1]["Host"] == f"evidence.test:{server.server_port}"


def test_a_certificate_for_another_name_is_refused_though_it_names_the_address(server, options):
    result = fetch(f"https://other.test:{server.server_port}/page", **options)
    assert result.refused.startswith("TLS failed") and "Hostname mismatch" in result.refused
    assert "other.test" in result.refused
    assert server.names[-1] == "other.test"


def test_a_certificate_from_an_unknown_authority_is_refused(server, options):
    result = fetch(f"https://evidence.test:{server.server_port}/page", **{**options, "ca_certs": None})
    assert "CERTIFICATE_VERIFY_FAILED" in result.refused
