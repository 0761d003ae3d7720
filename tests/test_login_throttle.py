"""Login throttling (django-axes): 20 failures lock a username from one address; forged headers change nothing."""

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory

from tracker.security import client_ip

RIGHT = "the-right-password-42"
ATTACKER, VICTIM, PROXY = "203.0.113.7", "198.51.100.9", "10.0.0.254"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Some 300 logins here: the production hasher's deliberate slowness would take a minute."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("admin", "", RIGHT)


def log_in(client, password, username="admin", ip=ATTACKER, forwarded=None):
    headers = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    client.logout()
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, **headers)


def logged_in(response):
    return response.status_code == 302 and response.url == "/admin/"


def locked_out(response):
    return response.status_code == 429 and b"Too many failed logins" in response.content


def test_twenty_failures_lock_out_the_twenty_first_attempt_even_with_the_right_password(client, admin_user):
    answers = [log_in(client, f"guess-{n}") for n in range(20)]
    assert all(a.status_code == 200 and b"Please enter the correct" in a.content for a in answers[:19])
    assert locked_out(answers[19])  # the 20th failure is answered with the lockout page
    refused = log_in(client, RIGHT)
    assert locked_out(refused)
    assert "_auth_user_id" not in client.session
    assert b"manage.py axes_reset_username admin" in refused.content


def test_nineteen_failures_then_the_right_password_logs_in_and_starts_the_count_again(client, admin_user):
    for n in range(19):
        log_in(client, f"guess-{n}")
    assert logged_in(log_in(client, RIGHT))
    for n in range(19):
        log_in(client, f"again-{n}")
    assert logged_in(log_in(client, RIGHT))


def test_forged_x_forwarded_for_does_not_bypass_the_limit(client, admin_user):
    """No proxy configured: the header is never read, whatever it says."""
    for n in range(20):
        log_in(client, f"guess-{n}", forwarded=f"192.0.2.{n}")
    assert locked_out(log_in(client, RIGHT, forwarded="192.0.2.200"))


def test_forged_x_forwarded_for_behind_a_trusted_proxy_does_not_bypass_the_limit(client, admin_user, settings):
    """One proxy: it appends the attacker's real address after whatever the attacker wrote."""
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 1, [ipaddress.ip_network(PROXY)]
    for n in range(20):
        log_in(client, f"guess-{n}", ip=PROXY, forwarded=f"192.0.2.{n}, {ATTACKER}")
    assert locked_out(log_in(client, RIGHT, ip=PROXY, forwarded=f"192.0.2.200, {ATTACKER}"))
    # Everyone else behind the same proxy still logs in: the proxy's address is not what counts.
    assert logged_in(log_in(client, RIGHT, ip=PROXY, forwarded=VICTIM))


def test_a_forged_header_cannot_lock_out_someone_else(client, admin_user, settings):
    for n in range(25):
        log_in(client, f"guess-{n}", forwarded=VICTIM)  # pretends to be the victim: counted as the attacker
    assert logged_in(log_in(client, RIGHT, ip=VICTIM))
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 1, [ipaddress.ip_network(PROXY)]
    for n in range(25):
        log_in(client, f"guess-{n}", ip=PROXY, forwarded=f"{VICTIM}, {ATTACKER}")
    assert logged_in(log_in(client, RIGHT, ip=PROXY, forwarded=VICTIM))


def test_a_lockout_holds_only_that_username_from_that_address(client, admin_user):
    User.objects.create_superuser("edna", "", RIGHT)
    for n in range(20):
        log_in(client, f"guess-{n}")
    assert locked_out(log_in(client, RIGHT))
    assert logged_in(log_in(client, RIGHT, username="edna", ip=VICTIM))  # another user, another address
    assert logged_in(log_in(client, RIGHT, ip=VICTIM))  # the real admin, elsewhere
    assert logged_in(log_in(client, RIGHT, username="edna"))  # another user, same address


def test_axes_reset_unlocks(client, admin_user):
    for n in range(20):
        log_in(client, f"guess-{n}")
    assert locked_out(log_in(client, RIGHT))
    call_command("axes_reset")
    assert logged_in(log_in(client, RIGHT))


def test_an_admin_unlocks_in_the_admin(client, admin_user):
    for n in range(20):
        log_in(client, f"guess-{n}")
    assert locked_out(log_in(client, RIGHT))
    curator = User.objects.create_superuser("curator", "", "another-password-7")
    client.force_login(curator)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and ATTACKER.encode() in listing.content
    attempt = AccessAttempt.objects.get(username="admin", ip_address=ATTACKER)
    assert attempt.failures_since_start >= 20
    deleted = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert logged_in(log_in(client, RIGHT))


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "192.0.2.1", PROXY),  # no proxy trusted: the header is ignored
        (1, f"192.0.2.1, {ATTACKER}", ATTACKER),  # the right-most entry, added by our proxy
        (2, f"192.0.2.1, {ATTACKER}, 10.0.0.1", ATTACKER),  # two proxies: skip the inner one
        (2, ATTACKER, PROXY),  # fewer entries than proxies: not through our proxies
        (1, "not-an-address", PROXY),
        (1, "", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
