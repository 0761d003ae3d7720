"""The Content-Security-Policy on every page, templates that keep to it, and the icon."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def policy(response):
    return dict((directive.split(" ", 1) + [""])[:2] for directive in response["Content-Security-Policy"].split("; "))


@pytest.mark.parametrize("url", ["/", "/requests/", "/matrix/", "/deployments/", "/requests/?requester=XX"])
def test_public_pages_allow_no_inline_code(client, demo, url):
    csp = policy(client.get(url))
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert "style-src-attr" not in csp
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert csp["default-src"] == "'self'"


@pytest.mark.parametrize("url", ["/admin/tracker/armsrequest/", "/admin/tracker/armsrequest/1/history/"])
def test_admin_pages_are_as_strict_as_public_ones(admin_client, demo, url):
    csp = policy(admin_client.get(url))
    assert "style-src-attr" not in csp
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"


def test_the_lockout_page_and_the_login_page_carry_the_policy(client):
    assert "script-src 'self'" in client.get("/admin/login/")["Content-Security-Policy"]


def test_our_templates_have_no_inline_script_handler_or_style():
    """Inline code would be blocked in the browser: scripts go in assets/js, styles in assets/css."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style\b", r"javascript:"):
            found += [f"{path.relative_to(ROOT)}: {m.group()!r}" for m in re.finditer(pattern, text)]
    assert not found


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert "max-age=86400" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


def test_pages_name_the_icon(client, demo):
    assert b'<link rel="icon" href="/static/favicon.ico">' in client.get("/").content
