import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def password_file(tmp_path, monkeypatch):
    from tracker.management.commands import ensure_admin

    path = tmp_path / ".admin-password"
    monkeypatch.setattr(ensure_admin, "PASSWORD_FILE", path)
    monkeypatch.delenv("DJANGO_ADMIN_PASSWORD", raising=False)
    return path


def test_ensure_admin_creates_one_superuser_with_a_random_password(capsys, password_file):
    call_command("ensure_admin")
    first = capsys.readouterr().out
    password = password_file.read_text()
    assert len(password) >= 16 and password in first
    admin = User.objects.get(is_superuser=True)
    assert admin.check_password(password)

    call_command("ensure_admin")
    assert password in capsys.readouterr().out  # shown again while unchanged
    assert User.objects.filter(is_superuser=True).count() == 1


def test_two_fresh_machines_get_different_passwords(password_file):
    call_command("ensure_admin")
    first = password_file.read_text()
    User.objects.all().delete()
    call_command("ensure_admin")
    assert password_file.read_text() != first


def test_ensure_admin_stops_showing_a_changed_password(capsys, password_file):
    call_command("ensure_admin")
    old = password_file.read_text()
    admin = User.objects.get()
    admin.set_password("a-new-secret-the-owner-chose")
    admin.save()
    capsys.readouterr()
    call_command("ensure_admin")
    out = capsys.readouterr().out
    assert old not in out and "changepassword admin" in out


def test_ensure_admin_takes_password_from_environment(monkeypatch, password_file):
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", "from-the-environment-123")
    call_command("ensure_admin")
    assert User.objects.get().check_password("from-the-environment-123")
    assert not password_file.exists()


def test_load_reference_command_is_idempotent(capsys):
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "countries 0 created, other parties 0 created, equipment types 0 created; 0 countries corrected" in out


def test_load_demo_command_reports_counts(capsys):
    call_command("load_demo")
    assert "4 requests, 4 deployments" in capsys.readouterr().out
    call_command("load_demo")
    assert "0 requests, 0 deployments" in capsys.readouterr().out


def test_ensure_admin_names_the_port_the_site_is_served_on(capsys, password_file):
    call_command("ensure_admin", port=8050)  # make run PORT=8050
    assert "log in at http://127.0.0.1:8050/admin/" in capsys.readouterr().out
