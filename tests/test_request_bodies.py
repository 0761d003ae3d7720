"""A body is read only by a view that takes one, from a user it allows, and never beyond its path's limit.

The public site and the API are read-only: a write method is a 405 before the CSRF check (which
reads a form body) or any view runs, so an anonymous upload never reaches a temporary file. The
import upload takes 50 MB from a curator who may import; everything else takes 2.5 MB.
"""

import ipaddress

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from tracker import urls as site_urls
from tracker.middleware import MAX_BODY, MAX_UPLOAD_BODY

SAMPLE = {
    "pk": "1",
    "code": "VE",
    "slug": "su-30mk2",
    "sha256": "0" * 64,
    "number": "1",
    "fmt": "bib",
    "tag": "2026-12-06",
    "name": "requests.csv",
}
UPLOAD = "/admin/tracker/importrun/upload/"


def public_paths():
    """Every address of the public site and the API, with sample arguments: any page added later is checked."""
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith("admin"):
                    walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                for name, value in SAMPLE.items():
                    for converter in ("int", "str", "slug", "sha256"):
                        route = route.replace(f"<{converter}:{name}>", value)
                paths.append(prefix + route)

    walk(site_urls.urlpatterns, "/")
    return paths


PUBLIC = public_paths()


def test_every_public_address_is_listed():
    assert {"/", "/requests/", "/requests.csv", "/api/requests/", "/search/", "/matrix/network.json"} <= set(PUBLIC)
    assert not [path for path in PUBLIC if "<" in path]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_to_any_public_address_is_a_405(client, method):
    wrong = {}
    for path in PUBLIC:
        response = getattr(client, method)(path, data="x=1", content_type="application/x-www-form-urlencoded")
        if response.status_code != 405 or "GET" not in response.get("Allow", ""):
            wrong[path] = response.status_code
    assert wrong == {}


@pytest.mark.django_db
def test_an_api_405_is_a_problem_document(client):
    response = client.post("/api/requests/", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def multipart(size):
    body = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
    return body + b"x" * size + b"\r\n--xyz--\r\n"


def post_file(client, path, size, **extra):
    client.cookies["csrftoken"] = "a" * 32  # a CSRF cookie of the right shape: the CSRF check would read the body
    return client.generic(
        "POST",
        path,
        multipart(size),
        content_type="multipart/form-data; boundary=xyz",
        HTTP_X_CSRFTOKEN="a" * 32,
        **extra,
    )


@pytest.fixture
def spool(settings, tmp_path):
    """Where Django would write an uploaded body over 2.5 MB: must stay empty."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/requests/", "/api/requests/", "/admin/login/", UPLOAD])
def test_an_anonymous_body_over_the_limit_is_refused_unread(client, spool, path):
    response = post_file(client, path, MAX_BODY + 1)
    assert response.status_code in (405, 413)
    assert list(spool.iterdir()) == []


@pytest.mark.django_db
def test_a_body_over_the_limit_names_both_sizes(client):
    response = post_file(client, "/admin/login/", MAX_BODY)
    assert response.status_code == 413
    assert f"{MAX_BODY + len(multipart(0)):,} bytes" in response.content.decode()
    assert f"up to {MAX_BODY:,} bytes" in response.content.decode()


def test_a_viewer_may_not_send_an_upload_sized_body(viewer_client, spool):
    assert post_file(viewer_client, UPLOAD, MAX_BODY + 1).status_code == 413
    assert list(spool.iterdir()) == []


def test_a_curator_who_may_import_sends_a_large_file(editor_client, spool):
    response = post_file(editor_client, UPLOAD, 3 * 2**20)  # over 2.5 MB, under 50 MB: the form answers
    assert response.status_code == 400  # the form, which names the missing fields
    assert "This field is required" in response.content.decode()
    assert post_file(editor_client, UPLOAD, MAX_UPLOAD_BODY).status_code == 413
    assert post_file(editor_client, "/admin/tracker/armsrequest/add/", MAX_BODY + 1).status_code == 413


def test_a_declared_length_that_is_no_number_is_a_400(editor_client):
    response = editor_client.generic("POST", "/admin/tracker/armsrequest/add/", b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400
    assert "Content-Length" in response.content.decode()


@pytest.mark.django_db
def test_an_anonymous_form_is_not_read_for_nul_characters(client, spool):
    """The NUL check reads form fields only for a signed-in user or the login page: any other
    anonymous POST goes on to the admin, which sends it to the login page unread."""
    response = client.post("/admin/tracker/armsrequest/add/", {"summary": "a\x00b"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.post("/admin/login/", {"username": "a\x00b"})
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("peer", "secure", "address"),
    [("203.0.113.5", False, "203.0.113.5"), ("127.0.0.1", True, "198.51.100.9")],
)
def test_forwarded_headers_count_only_from_a_trusted_proxy(settings, peer, secure, address):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1")]
    settings.TRUSTED_PROXY_COUNT = 1
    response = Client(REMOTE_ADDR=peer).get(
        "/api/", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="198.51.100.9", HTTP_HOST="testserver"
    )
    assert response.status_code == 200
    assert ("https://testserver/api/requests/" in response.content.decode()) is secure
    request = response.wsgi_request
    assert request.is_secure() is secure
    assert ("HTTP_X_FORWARDED_FOR" in request.META) is secure
    from tracker.security import client_ip

    assert client_ip(request) == (address if secure else peer)
