"""Which database a query goes to: reads of the public side on a PostgreSQL replica, everything else on the primary.

With DATABASE_REPLICA_URLS set (docs/operations.md, "Read replicas"), each replica is a database alias
(`replica1`, `replica2`, …). ReadReplicaMiddleware decides once per request where its reads go:

- a replica (one at random) for a GET or HEAD of a public page, the API or an export, by a
  visitor who is not signed in and has not just written;
- the primary (`default`) for everything else: the admin (by its path, whatever the method),
  every POST, PUT, PATCH or DELETE, any signed-in user (a session cookie), and a browser that
  wrote within the last DATABASE_REPLICA_PIN_SECONDS (the `read_primary` cookie the middleware
  sets on the response to any unsafe request, or to one that wrote), so a reader sees their
  own writes even while the replicas lag behind.

ReplicaRouter sends every write to the primary, and a read to the alias the middleware chose;
outside a request (management commands, imports, shells, tests) there is no choice, so
everything reads the primary too. A write in a request moves that request's later reads to
the primary. Migrations run on the primary only: replicas copy them.
"""

import contextvars
import random

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.urls import reverse

PIN_COOKIE = "read_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# The alias this request reads from (None: the primary), and whether it has written.
reading = contextvars.ContextVar("tracker_reading", default=None)
wrote = contextvars.ContextVar("tracker_wrote", default=False)


def replicas():
    return list(getattr(settings, "DATABASE_REPLICAS", []))


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # what a row read from a replica refers to comes from there too
        return reading.get() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        wrote.set(True)
        reading.set(None)  # this request now reads its own write
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def reads_primary(request):
    """Why this request must read the primary (a short reason), or "" when a replica will do."""
    if not replicas():
        return "no replica"
    if request.method not in SAFE_METHODS:
        return "writes"
    if request.path.startswith(reverse("admin:index")):
        return "admin"
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return "signed in"
    if PIN_COOKIE in request.COOKIES:
        return "wrote lately"
    return ""


def choose_reader(request):
    """The alias this request reads from: a replica, or None for the primary."""
    return None if reads_primary(request) else random.choice(replicas())


class ReadReplicaMiddleware:
    """Chooses the request's reader and pins a browser that wrote to the primary for a while.

    The choice is made before the view and kept for the whole response, a streamed CSV
    included (its report takes its alias from the queryset before streaming starts).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reader, wrote_token = reading.set(choose_reader(request)), wrote.set(False)
        try:
            response = self.get_response(request)
            has_written = wrote.get()
        finally:
            reading.reset(reader)
            wrote.reset(wrote_token)
        if replicas() and (has_written or request.method not in SAFE_METHODS):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
