"""`make bench-captures`: peak memory of a worker capturing large responses, and the admin's source save.

Issue 21's goals: a worker capturing a 100 MB response stays under 100 MB (the fetch stops at the
25 MB cap); saving a source takes the time it took before captures (the fetch is never in the request).
Each case runs in a fresh `manage.py run_jobs --once` on a throwaway SQLite database, against a real
HTTP server on 127.0.0.1; the peak RSS of that process is read from the kernel (ru_maxrss).
"""

import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["EVIDENCE_SERVER_BIG"] = str(100 * 1024 * 1024)

from tests import evidence_server  # noqa: E402 - after the size is set

PYTHON = sys.executable


def manage(env, *args):
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.perf_counter() - start, peak if peak > before else None


def worker_peak(env, url):
    """Peak RSS (MiB) of a fresh worker process running the one capture of url; with url None, no job."""
    code = "from tracker.models import Source; Source.objects.all().delete()"
    if url:
        code += f"; Source.objects.create(outlet='Bench', title='{url}', url='{url}')"
    subprocess.run([PYTHON, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env, check=True)
    # RUSAGE_CHILDREN keeps the largest child so far: each case runs in its own helper process.
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [PYTHON, "-c", probe, PYTHON, "manage.py", "run_jobs", "--once"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    state = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from tracker.models import Capture; c = Capture.objects.first(); "
            "print(c.state if c else '-', (c.error if c else '')[:60])",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return int(out.stdout.strip()) / 1024, state


def main():
    server = evidence_server.start()
    port = server.server_port
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "EVIDENCE_ALLOWED_HOSTS": f"127.0.0.1:{port}",
            "EVIDENCE_ROOT": f"{folder}/evidence",
            "EVIDENCE_CHECK_EVERY_HOURS": "0",
        }
        print("Preparing a database…", file=sys.stderr)
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        base = f"http://127.0.0.1:{port}"
        rows = [
            ("idle worker, no job", None),
            ("a 100 MB response, declared (refused before reading)", f"{base}/big"),
            ("a 100 MB response, undeclared (refused at the 25 MB cap)", f"{base}/big?undeclared=1"),
            ("a 20 MB HTML page (kept; text not extracted over 3 MB)", f"{base}/html-bytes/{20 * 1024 * 1024}"),
            (
                "a 3 MB news-like page: 100 KB article, scripts (text extracted)",
                f"{base}/html-bytes/{3 << 20}?scripts=1",
            ),
            ("a 3 MB page, all article text (text extracted)", f"{base}/html-bytes/{3 * 1024 * 1024}"),
            ("a 1 MB page, all article text (text extracted)", f"{base}/html-bytes/{1024 * 1024}"),
        ]
        print(f"{'case':68} {'peak RSS':>10}  capture")
        for label, url in rows:
            peak, state = worker_peak(env, url)
            print(f"{label:68} {peak:8.0f} MiB  {state}")
    server.shutdown()


if __name__ == "__main__":
    main()
