"""The site against a real primary and its streaming replica: where every query goes. Run by tests/test_replica.py.

    DATABASE_URL=postgres://…primary DATABASE_REPLICA_URLS=postgres://…replica python -m tests.replica_site

in a fresh process (settings are read once per process). It migrates the primary, loads the
demo data, imports a file with the import command, then, with Django's test client, reads
every public page, export and detail page as an anonymous visitor, works in the admin as an
editor, and publishes a draft while the replica's replay is paused (a replica that lags). Each
query is counted by the alias that ran it (an execute_wrapper on every connection), per step
and per request; the report is one JSON object on the last line of stdout.
"""

import contextlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import URLPattern, reverse  # noqa: E402

from tests.test_explorer_pages import PAGE_QUERIES  # noqa: E402
from tracker import urls  # noqa: E402
from tracker.api import urls as api_urls  # noqa: E402
from tracker.models import ArmsRequest, Deployment  # noqa: E402
from tracker.routing import PIN_COOKIE  # noqa: E402

DATA = Path(__file__).parent / "data"
REPLICA = "replica1"


class Ledger:
    """Queries counted by alias: per step of the script, and per HTTP request."""

    def __init__(self):
        self.steps, self.requests, self.step = {}, [], None

    def wrapper(self, alias):
        def count(execute, sql, params, many, context):
            if self.step:
                self.steps.setdefault(self.step, Counter())[alias] += 1
                if self.current is not None:
                    self.current[alias] += 1
            return execute(sql, params, many, context)

        return count

    current = None

    seconds = {}

    @contextlib.contextmanager
    def counting(self, step):
        self.step, started = step, time.monotonic()
        try:
            yield
        finally:
            self.step = None
            self.seconds[step] = round(time.monotonic() - started, 2)

    def get(self, client, who, path):
        """GET path (the whole body, streamed or not) and note where its queries went."""
        self.current = Counter()
        try:
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
        finally:
            counted, self.current = self.current, None
        self.requests.append(
            {"step": self.step, "who": who, "path": path, "status": response.status_code, "queries": dict(counted)}
        )
        return response


def sql(alias, query, *params):
    with connections[alias].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()


def replica_lsn_reached(lsn):
    return sql(REPLICA, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", lsn)[0]


def catch_up(timeout=20):
    """Seconds until the replica has replayed everything the primary has written so far."""
    lsn = sql("default", "SELECT pg_current_wal_lsn()::text")[0]
    started = time.monotonic()
    while not replica_lsn_reached(lsn):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"the replica did not reach {lsn} in {timeout} s")
        time.sleep(0.01)
    return round(time.monotonic() - started, 3)


def public_paths():
    """Every public page and export the suite reads (tests/test_explorer_pages.py), every argument-free
    public URL of tracker/urls.py (the API's too, as it grows), and the detail page of every record."""
    paths = dict.fromkeys(PAGE_QUERIES)
    for pattern in [*urls.urlpatterns, *api_urls.urlpatterns]:
        if isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters:
            paths.setdefault(reverse(pattern.name))
    for pk in ArmsRequest.objects.published().values_list("pk", flat=True):
        paths.setdefault(reverse("request-detail", args=[pk]))
        paths.setdefault(reverse("api-request-detail", args=[pk]))
    for pk in Deployment.objects.published().values_list("pk", flat=True):
        paths.setdefault(reverse("deployment-detail", args=[pk]))
        paths.setdefault(reverse("api-deployment-detail", args=[pk]))
    paths.setdefault(reverse("country-detail", args=["VE"]))
    return list(paths)


def main():
    ledger = Ledger()
    report = {"aliases": {}}
    with contextlib.ExitStack() as stack:
        for alias in settings.DATABASES:
            stack.enter_context(connections[alias].execute_wrapper(ledger.wrapper(alias)))
        started = time.monotonic()
        with ledger.counting("migrate"):
            call_command("migrate", verbosity=0)
        with ledger.counting("load_demo"):
            call_command("load_demo", verbosity=0)
            editor = User.objects.create_user("edna", password="pw-for-tests-only", is_staff=True)
            editor.groups.add(Group.objects.get(name="editors"))
        with ledger.counting("import command"):
            call_command("import_requests", str(DATA / "sipri_current_sample.csv"), verbosity=0)
        report["setup_seconds"] = round(time.monotonic() - started, 2)
        report["first_catch_up_seconds"] = catch_up()

        for alias in settings.DATABASES:
            in_recovery, port = sql(alias, "SELECT pg_is_in_recovery(), inet_server_port()")
            report["aliases"][alias] = {"in_recovery": in_recovery, "port": port}
        try:
            sql(REPLICA, "CREATE TABLE written_on_a_replica (id int)")
            report["replica_refused_a_write"] = ""
        except Exception as error:  # a hot standby refuses any write
            report["replica_refused_a_write"] = str(error).splitlines()[0]

        visitor, paths = Client(), public_paths()
        with ledger.counting("public reads"):
            for path in paths:
                ledger.get(visitor, "visitor", path)

        editor_client = Client()
        editor_client.force_login(editor)
        draft = ArmsRequest.objects.filter(published=False, citations__isnull=False).order_by("pk").first()
        with ledger.counting("admin reads"):
            for path in ["/admin/", "/admin/tracker/armsrequest/", f"/admin/tracker/armsrequest/{draft.pk}/change/"]:
                ledger.get(editor_client, "editor", path)

        # A lagging replica: replay paused, the editor publishes the draft on the primary.
        sql(REPLICA, "SELECT pg_wal_replay_pause()")
        # The pause is only requested until the startup process sees it: publishing before then could be replayed.
        started = time.monotonic()
        while sql(REPLICA, "SELECT pg_get_wal_replay_pause_state()")[0] != "paused":
            if time.monotonic() - started > 30:
                raise RuntimeError("the replica's replay did not pause in 30 s")
            time.sleep(0.01)
        detail = reverse("request-detail", args=[draft.pk])
        with ledger.counting("publish while the replica lags"):
            ledger.current = Counter()
            response = editor_client.post(
                "/admin/tracker/armsrequest/", {"action": "publish", "_selected_action": [draft.pk], "index": 0}
            )
            ledger.requests.append(
                {
                    "step": ledger.step,
                    "who": "editor",
                    "path": "POST publish action",
                    "status": response.status_code,
                    "queries": dict(ledger.current),
                    "pin_cookie": PIN_COOKIE in response.cookies,
                }
            )
            ledger.current = None
            ledger.get(editor_client, "editor", detail)  # signed in: reads the primary, sees the record
            ledger.get(visitor, "visitor", detail)  # on the paused replica: not yet there
            # A visitor who has just written (a failed login, recorded by django-axes) is pinned too.
            pinned = Client()
            response = pinned.post("/admin/login/", {"username": "nobody", "password": "wrong"})
            report["visitor_write_pinned"] = PIN_COOKIE in response.cookies
            ledger.get(pinned, "visitor who just wrote", detail)
        sql(REPLICA, "SELECT pg_wal_replay_resume()")
        report["lag_catch_up_seconds"] = catch_up()
        with ledger.counting("after the replica caught up"):
            ledger.get(visitor, "visitor", detail)
        report["draft"] = detail

    report["steps"] = {step: dict(counts) for step, counts in ledger.steps.items()}
    report["step_seconds"] = ledger.seconds
    report["requests"] = ledger.requests
    print(json.dumps(report))


if __name__ == "__main__":
    sys.exit(main())
