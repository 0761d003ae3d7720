"""Settings come from the environment; production without a key or hosts refuses to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
GOOD_KEY = "k" * 20 + "-not-a-real-secret-but-long-enough-for-the-check-0123456789"


def start(**env):
    """Run Django's system checks in a fresh process with exactly these settings variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    clean.update(env, DJANGO_SETTINGS_MODULE="tracker.settings")
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; "
            "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.ALLOWED_HOSTS)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses_to_start():
    result = start(DJANGO_ALLOWED_HOSTS="arms.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_with_placeholder_key_refuses_to_start():
    result = start(DJANGO_SECRET_KEY="django-insecure-changeme", DJANGO_ALLOWED_HOSTS="arms.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = start(DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_with_key_and_hosts_starts():
    result = start(DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="arms.example.org,www.arms.example.org")
    assert result.returncode == 0, result.stderr
    assert "False django.db.backends.sqlite3 ['arms.example.org', 'www.arms.example.org']" in result.stdout


def test_debug_needs_no_configuration():
    result = start(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "True django.db.backends.sqlite3" in result.stdout


@pytest.mark.parametrize("url", ["postgres://u@db.example.org:5432/arms", "postgresql://u@db.example.org/arms"])
def test_database_url_chooses_postgresql(url):
    result = start(DJANGO_DEBUG="1", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout


def test_bad_debug_value_is_named():
    result = start(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr
