"""The production recipe under attack: the real nginx, with the repository's nginx.conf, in front of gunicorn.

gunicorn runs in production mode (DEBUG off, hashed static files from collectstatic,
2 threads so that a few slow clients would hold them all) on a temporary SQLite file,
with its temporary files in a folder of their own; nginx runs with the repository's
server block, its own temporary folders and the addresses of this test. Then:

- 32 clients that send a byte a second hold connections; a plain GET through nginx
  still answers within 1 s (and the same GET straight to gunicorn does not: the attack
  is real, the proxy is what stops it);
- an anonymous 200 MB body is refused by nginx (413) and by gunicorn's app alone
  (405/413), and no byte of it lands in either's temporary folders;
- a direct client's X-Forwarded-Proto and X-Forwarded-For are not believed.

The SQLite file is separate from the suite's database, so this runs in both suites.
"""

import contextlib
import http.client
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SLOW_CLIENTS = 32
HUGE = 200 * 2**20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, process, log):
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, Path(log).read_text()
            time.sleep(0.1)


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def nginx_config(folder, app_port, nginx_port):
    """The repository's server block with this test's addresses, inside a main config of temporary paths."""
    site = (settings.BASE_DIR / "nginx.conf").read_text()
    for old, new in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{nginx_port};"),
        ("server_name arms.example.org;", "server_name 127.0.0.1;"),
        ("alias /srv/tracker/staticfiles/;", f"alias {folder / 'static'}/;"),
    ]:
        assert old in site, f"nginx.conf no longer has {old!r}: update this test"
        site = site.replace(old, new)
    (folder / "site.conf").write_text(site)
    temp = {name: folder / "nginx" / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(parents=True)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must reach the test's private folders
    main = f"""
        daemon off; worker_processes 1; {user}
        pid {folder}/nginx.pid; error_log {folder}/nginx-error.log;
        events {{ worker_connections 256; }}
        http {{
            include /etc/nginx/mime.types;
            access_log {folder}/nginx-access.log;
            client_body_temp_path {temp["body"]}; proxy_temp_path {temp["proxy"]};
            fastcgi_temp_path {temp["fastcgi"]}; uwsgi_temp_path {temp["uwsgi"]}; scgi_temp_path {temp["scgi"]};
            include {folder}/site.conf;
        }}
    """
    (folder / "nginx-main.conf").write_text(main)
    return folder / "nginx-main.conf", temp["body"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxy")
    app_port, nginx_port = free_port(), free_port()
    app_temp = folder / "app-tmp"
    for path in (app_temp, folder / "home", folder / "run"):
        path.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_ENV_FILE": os.devnull,  # production: no developer .env
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "GUNICORN_BIND": f"127.0.0.1:{app_port}",
        "GUNICORN_ACCESS_LOG": str(folder / "gunicorn-access.log"),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "TMPDIR": str(app_temp),  # where Django would spool an uploaded body
        "HOME": str(folder / "home"),  # where gunicorn 25+ would open its control socket
        "XDG_RUNTIME_DIR": str(folder / "run"),
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *command], env=env, cwd=settings.BASE_DIR, check=True)
    main, body_temp = nginx_config(folder, app_port, nginx_port)
    subprocess.run([NGINX, "-t", "-q", "-c", str(main)], check=True, capture_output=True)
    processes = []
    try:
        with open(folder / "gunicorn.log", "w") as log:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "tracker.wsgi"],
                    env=env,
                    cwd=settings.BASE_DIR,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        wait_for(app_port, processes[0], folder / "gunicorn.log")
        processes.append(subprocess.Popen([NGINX, "-c", str(main)], stderr=subprocess.DEVNULL))
        wait_for(nginx_port, processes[1], folder / "nginx-error.log")
        yield {
            "app": app_port,
            "nginx": nginx_port,
            "folder": folder,
            "temps": [app_temp, body_temp],
            "control_sockets": [folder / "home" / ".gunicorn", folder / "run" / "gunicorn.ctl"],
        }
    finally:
        for process in reversed(processes):
            stop(process)


def get(port, path="/", timeout=1.0, headers=None, source="127.0.0.1"):
    """A plain GET: (status, headers, body), or None when no answer came within timeout seconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except (TimeoutError, OSError):
        return None
    finally:
        conn.close()


class SlowClients:
    """Clients that send a request's first line, then a header byte a second, never finishing."""

    def __init__(self, port, count):
        self.sockets = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            self.sockets.append(sock)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.drip, daemon=True)
        self.thread.start()
        time.sleep(1.5)  # every connection has been accepted and handed to whatever will wait on it

    def drip(self):
        while not self.stopped.wait(1):
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.send(b"a")

    def close(self):
        self.stopped.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def test_slow_clients_hold_nginx_not_the_app(site):
    assert get(site["nginx"], timeout=10)[0] == 200  # warm: the first page loads the app's code
    slow = SlowClients(site["nginx"], SLOW_CLIENTS)
    try:
        answers = [get(site["nginx"]) for _ in range(5)]
    finally:
        slow.close()
    assert [answer and answer[0] for answer in answers] == [200] * 5
    # The control: the same clients straight at gunicorn leave no thread for a plain GET.
    slow = SlowClients(site["app"], SLOW_CLIENTS)
    try:
        direct = [get(site["app"]) for _ in range(3)]
    finally:
        slow.close()
    assert None in direct, "gunicorn alone answered despite the slow clients: the attack above proves nothing"


def send_huge_body(port, path, cookie=""):
    """Declare 200 MB, send up to 16 MB of it while watching for an early answer; the status line, or None."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {HUGE}\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        f"Cookie: csrftoken={cookie}\r\nX-CSRFToken: {cookie}\r\n\r\n"
        '--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
    )
    sock.sendall(head.encode())
    sock.setblocking(False)
    chunk, sent, answer = b"x" * 65536, 0, b""
    try:
        while sent < 16 * 2**20 and b"\r\n" not in answer:
            try:
                sent += sock.send(chunk)
            except BlockingIOError:
                time.sleep(0.01)
            except OSError:
                break  # the server closed: its answer is waiting
            with contextlib.suppress(BlockingIOError):
                answer += sock.recv(4096)
        sock.settimeout(5)
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    except OSError:
        pass
    finally:
        sock.close()
    return answer.split(b"\r\n", 1)[0].decode() if answer else None


def files_in(folders):
    return [path for folder in folders for path in folder.rglob("*") if path.is_file()]


@pytest.mark.parametrize("path", ["/", "/api/requests/", "/admin/login/", "/admin/tracker/importrun/upload/"])
def test_an_anonymous_huge_body_never_reaches_disk(site, path):
    cookie = "a" * 32  # a CSRF cookie of the right shape, which the CSRF check would have read the body for
    through_proxy = send_huge_body(site["nginx"], path, cookie)
    assert through_proxy and " 413 " in through_proxy, through_proxy
    direct = send_huge_body(site["app"], path, cookie)
    assert direct and (" 405 " in direct or " 413 " in direct), direct
    assert files_in(site["temps"]) == []


def test_a_direct_client_is_not_believed_about_its_scheme_or_address(site):
    """gunicorn trusts 127.0.0.1 (nginx); a client connecting from 127.0.0.2 is not a proxy."""
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "Forwarded": "proto=https"}
    status, _, body = get(site["app"], "/api/", timeout=5, headers=forged, source="127.0.0.2")
    assert status == 200 and "http://127.0.0.1" in body.decode()
    assert "https://127.0.0.1" not in body.decode()
    # The control: from nginx's address the header counts.
    status, _, body = get(site["app"], "/api/", timeout=5, headers=forged)
    assert status == 200 and "https://127.0.0.1" in body.decode()
    # Through nginx, which overwrites the headers with what it saw: plain http.
    status, _, body = get(site["nginx"], "/api/", timeout=5, headers=forged)
    assert status == 200 and "https://127.0.0.1" not in body.decode()


def test_static_files_come_from_nginx(site):
    status, _, body = get(site["nginx"], "/", timeout=5)
    assert status == 200
    stylesheet = body.decode().split('href="/static/css/site.', 1)[1].split('"', 1)[0]
    status, headers, css = get(site["nginx"], f"/static/css/site.{stylesheet}", timeout=5)
    assert status == 200 and b"{" in css
    assert "immutable" in headers["Cache-Control"]
    assert "/static/" not in (site["folder"] / "gunicorn-access.log").read_text()


def test_gunicorn_opens_no_control_socket(site):
    """Two instances under one user would share ~/.gunicorn/gunicorn.ctl, and the first to stop deletes it."""
    assert [path for path in site["control_sockets"] if path.exists()] == []
