"""Settings come from the environment; production without a key or hosts refuses to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
GOOD_KEY = "k" * 20 + "-not-a-real-secret-but-long-enough-for-the-check-0123456789"


# The production environment docs/operations.md ("Production") documents, HTTPS settings included.
PRODUCTION = {
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DJANGO_ALLOWED_HOSTS": "arms.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://arms.example.org",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
    "DJANGO_TRUSTED_PROXY_COUNT": "1",
    "DJANGO_TRUSTED_PROXIES": "127.0.0.1,::1",
    "DATABASE_URL": "postgres://user:password@db-host.invalid:5432/tracker",  # never connected to by checks
}


def manage(*args, **env):
    """Run manage.py in a fresh process with exactly these settings variables.

    No .env is read unless DJANGO_ENV_FILE names one: a developer's own .env (made by
    `make run`) must not change what these tests see.
    """
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    clean.update({"DJANGO_ENV_FILE": os.devnull, **env, "DJANGO_SETTINGS_MODULE": "tracker.settings"})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def start(**env):
    """Load the settings in a fresh process and print what they chose."""
    return manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.ALLOWED_HOSTS)",
        **env,
    )


def test_production_without_secret_key_refuses_to_start():
    result = start(DJANGO_ALLOWED_HOSTS="arms.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_with_placeholder_key_refuses_to_start():
    result = start(DJANGO_SECRET_KEY="django-insecure-changeme", DJANGO_ALLOWED_HOSTS="arms.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_with_a_long_but_repetitive_key_refuses_to_start():
    result = start(DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="arms.example.org")
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


def test_production_check_deploy_gives_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_https_settings_are_off_unless_asked_for():
    """A plain-HTTP test deployment works by default; check --deploy then names what is missing."""
    plain = {k: v for k, v in PRODUCTION.items() if "SECURE" not in k}
    result = manage("check", "--deploy", **plain)
    assert result.returncode == 0, result.stderr
    assert "security.W004" in result.stderr and "security.W008" in result.stderr  # HSTS, SSL redirect


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_check_deploy_refuses_without_key_or_hosts(missing):
    result = manage("check", "--deploy", **{k: v for k, v in PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert missing in result.stderr


def test_bad_hsts_seconds_is_named():
    result = manage("check", **{**PRODUCTION, "DJANGO_SECURE_HSTS_SECONDS": "a year"})
    assert result.returncode != 0
    assert "DJANGO_SECURE_HSTS_SECONDS" in result.stderr


def test_env_file_configures_a_fresh_shell(tmp_path):
    """What `make run` writes lets any manage.py command run with nothing in the environment."""
    env_file = tmp_path / ".env"
    env_file.write_text(f"# made by make run\nDJANGO_DEBUG=1\nDJANGO_SECRET_KEY='{GOOD_KEY}'\n\n")
    result = manage("check", DJANGO_ENV_FILE=str(env_file))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_real_environment_wins_over_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=1\n")
    result = manage("check", DJANGO_ENV_FILE=str(env_file), DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_bad_env_file_line_is_named(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=1\nthis is not a setting\n")
    result = manage("check", DJANGO_ENV_FILE=str(env_file))
    assert result.returncode != 0
    assert "line 2" in result.stderr
