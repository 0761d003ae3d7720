"""Downloads against a real server and a real SQLite file: no write lock held, no short file that looks whole.

gunicorn (gthread, as in production) serves a temporary SQLite database of generated
requests. Eight clients start a full /requests.csv at once and then stop reading, so
every server thread is parked in the middle of its report; an editor saves a record in
another process meanwhile. The save must not wait for them (a download used to hold
BEGIN IMMEDIATE, the write lock, for as long as it streamed), and every download must
then finish, byte for byte the file as it was when it began.

The SQLite file is separate from the suite's database, so this runs in both suites.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

REQUESTS = 12_000  # about 9 MB of CSV: more than the socket buffers hold, so servers stay mid-stream
DOWNLOADS = 8
SAVES = 5

EDITOR = """
import json, sys, time
import django
django.setup()
from django.db import transaction
from tracker.models import ArmsRequest
request = ArmsRequest.objects.get(pk=int(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()
waits = []
for n in range(int(sys.argv[2])):
    started = time.perf_counter()
    with transaction.atomic():  # as the admin saves: BEGIN IMMEDIATE, the write lock
        request.summary = f"Edited while eight downloads stream ({n})"
        request.save()
    waits.append(time.perf_counter() - started)
    time.sleep(0.05)
print(json.dumps(waits), flush=True)
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "8",  # every download gets a thread even if one worker takes them all
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=settings.BASE_DIR, check=True)
    subprocess.run(
        [*manage, "generate_data", "--requests", str(REQUESTS), "--seed", "3"],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    log = folder / "gunicorn.log"
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "tests.failing_wsgi:application"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        yield {"port": port, "env": env, "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def connect(port):
    """An HTTP connection with a small receive buffer, so a client that stops reading stops the server."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
    sock.connect(("127.0.0.1", port))
    conn.sock = sock
    return conn


def download(port, headers=None):
    conn = connect(port)
    conn.request("GET", "/requests.csv", headers=headers or {})
    response = conn.getresponse()
    try:
        return response.status, response.read()
    finally:
        conn.close()


class PausedDownload(threading.Thread):
    """Reads the header and the first rows, waits for `resume`, then reads the rest."""

    def __init__(self, port, resume):
        super().__init__()
        self.port, self.resume = port, resume
        self.started_streaming = threading.Event()
        self.status, self.body, self.error, self.seconds = None, b"", None, None

    def run(self):
        started = time.perf_counter()
        try:
            conn = connect(self.port)
            conn.request("GET", "/requests.csv")
            response = conn.getresponse()
            self.status = response.status
            while len(self.body) < 64 * 1024:
                self.body += response.read1(64 * 1024)
            self.started_streaming.set()
            self.resume.wait(timeout=60)
            self.body += response.read()  # http.client raises if the chunked body is cut short
            conn.close()
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            self.started_streaming.set()
            self.seconds = time.perf_counter() - started


def test_concurrent_downloads_hold_no_write_lock_and_read_one_snapshot(server):
    port = server["port"]
    status, before = download(port)
    assert status == 200 and before.count(b"\n") > REQUESTS
    last_request_id = int(before.rstrip(b"\n").rsplit(b"\n", 1)[1].split(b",", 1)[0])  # streamed last

    editor = subprocess.Popen(
        [sys.executable, "-c", EDITOR, str(last_request_id), str(SAVES)],
        env=server["env"],
        cwd=settings.BASE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert editor.stdout.readline().strip() == "ready"

    resume = threading.Event()
    downloads = [PausedDownload(port, resume) for _ in range(DOWNLOADS)]
    for d in downloads:
        d.start()
    for d in downloads:
        assert d.started_streaming.wait(timeout=20)
    assert all(d.error is None for d in downloads), [d.error for d in downloads]
    time.sleep(0.3)  # every server thread now blocked on a full socket, its report half sent

    started = time.perf_counter()
    editor.stdin.write("go\n")
    editor.stdin.flush()
    output, _ = editor.communicate(timeout=60)
    edits_took = time.perf_counter() - started
    assert editor.returncode == 0
    waits = json.loads(output)
    resume.set()
    for d in downloads:
        d.join(timeout=60)

    print(
        f"\n{DOWNLOADS} paused downloads of {len(before) / 2**20:.1f} MiB; {SAVES} saves meanwhile took "
        + ", ".join(f"{w * 1000:.0f}" for w in waits)
        + f" ms (all {edits_took:.2f} s); downloads took "
        + ", ".join(f"{d.seconds:.2f}" for d in downloads)
        + " s"
    )
    assert max(waits) < 1.0  # an order of magnitude: a save waiting behind a download took seconds
    assert [d.error for d in downloads] == [None] * DOWNLOADS
    assert [d.status for d in downloads] == [200] * DOWNLOADS
    assert all(d.body == before for d in downloads)  # whole, identical, and from before the edit

    _, after = download(port)
    assert after != before and b"Edited while eight downloads stream (4)" in after


def test_a_download_failing_midway_is_cut_off_not_ended(server):
    with pytest.raises(http.client.IncompleteRead) as cut:
        download(server["port"], headers={"X-Fail-After-Rows": "3000"})
    assert cut.value.partial.count(b"\n") > 1000  # it had started: header and rows, then no clean end
    time.sleep(0.2)
    log = Path(server["log"]).read_text()
    assert "failed after its first line" in log and "simulated database failure after 3000 rows" in log
