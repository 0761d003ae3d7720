"""Which database a request reads (tracker/routing.py), without a replica: the choices and the pin.

The real thing, a streaming replica with queries counted by alias, is tests/test_replica.py.
"""

import pytest
from django.conf import settings
from django.db import router
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from tests.test_settings import manage
from tracker.models import ArmsRequest
from tracker.routing import PIN_COOKIE, ReadReplicaMiddleware, ReplicaRouter, reads_primary

factory = RequestFactory()
REPLICAS = override_settings(DATABASE_REPLICAS=["replica1", "replica2"])


def served(request, view=None):
    """The response of ReadReplicaMiddleware around view, and the alias the view's reads would use."""
    seen = {}

    def default_view(request):
        seen["read"] = router.db_for_read(ArmsRequest)
        return HttpResponse("ok")

    response = ReadReplicaMiddleware(view or default_view)(request)
    return response, seen.get("read")


@REPLICAS
def test_a_visitor_reading_a_public_page_reads_a_replica():
    for path in ["/", "/requests/?country=VE", "/requests.csv", "/countries/VE/"]:
        response, alias = served(factory.get(path))
        assert alias in ("replica1", "replica2"), path
        assert PIN_COOKIE not in response.cookies


@REPLICAS
@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (factory.get("/admin/tracker/armsrequest/"), "admin"),
        (factory.get("/admin/login/"), "admin"),
        (factory.post("/requests/"), "writes"),
        (factory.delete("/requests/1/"), "writes"),
        (factory.get("/requests/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc"), "signed in"),
        (factory.get("/requests/", HTTP_COOKIE=f"{PIN_COOKIE}=1"), "wrote lately"),
    ],
)
def test_the_admin_writes_signed_in_users_and_recent_writers_read_the_primary(request_, reason):
    assert reads_primary(request_) == reason
    assert served(request_)[1] == "default"


def test_without_replicas_everything_reads_the_primary_and_nothing_is_pinned():
    assert settings.DATABASE_REPLICAS == []
    assert reads_primary(factory.get("/")) == "no replica"
    response, alias = served(factory.post("/admin/login/"))
    assert alias == "default" and PIN_COOKIE not in response.cookies


@REPLICAS
def test_an_unsafe_request_pins_the_browser_to_the_primary_for_a_while():
    response, _ = served(factory.post("/admin/login/"))
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS > 0
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@REPLICAS
def test_a_get_that_writes_reads_its_own_write_and_pins_the_browser():
    seen = []

    def view(request):
        seen.append(router.db_for_read(ArmsRequest))
        assert router.db_for_write(ArmsRequest) == "default"
        seen.append(router.db_for_read(ArmsRequest))
        return HttpResponse("ok")

    response, _ = served(factory.get("/requests/"), view)
    assert seen[0].startswith("replica") and seen[1] == "default"
    assert PIN_COOKIE in response.cookies


@REPLICAS
def test_outside_a_request_commands_read_and_write_the_primary():
    assert router.db_for_read(ArmsRequest) == "default"
    assert router.db_for_write(ArmsRequest) == "default"
    served(factory.get("/"))  # a request in between leaves no choice behind
    assert router.db_for_read(ArmsRequest) == "default"


def test_only_the_primary_is_migrated():
    assert ReplicaRouter().allow_migrate("default", "tracker")
    assert not ReplicaRouter().allow_migrate("replica1", "tracker")


def test_replica_urls_make_aliases_on_postgresql_only():
    show = (
        "from django.conf import settings; "
        "print(settings.DATABASE_REPLICAS, [settings.DATABASES[a]['PORT'] for a in settings.DATABASE_REPLICAS], "
        "settings.DATABASES['replica2']['TEST']['MIRROR'])"
    )
    urls = "postgres://u@replica-a.invalid:5433/arms, postgres://u@replica-b.invalid:5434/arms"
    primary = "postgres://u@primary.invalid/arms"
    result = manage("shell", "-c", show, DJANGO_DEBUG="1", DATABASE_URL=primary, DATABASE_REPLICA_URLS=urls)
    assert result.returncode == 0, result.stderr
    assert "['replica1', 'replica2'] [5433, 5434] default" in result.stdout

    sqlite = manage("shell", "-c", show, DJANGO_DEBUG="1", DATABASE_REPLICA_URLS=urls)
    assert sqlite.returncode != 0 and "DATABASE_REPLICA_URLS needs PostgreSQL" in sqlite.stderr
