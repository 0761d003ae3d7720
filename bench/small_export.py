"""A small filter's CSV (issue 24) against Datasette's CSV of the same rows from the same SQLite file.

What a download costs beyond its query: /requests.csv?requester=RU through gunicorn against Datasette serving the
report's own SQL (parameters written in) from the same file, both over HTTP, median of 15 each, taken in turns.
SQLite only: Datasette reads SQLite. Datasette is installed in a virtualenv of its own under bench/data/
(not the project's).
"""

import csv
import http.client
import io
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

SMALL_FILTER = "requester=RU"
VENV = Path(__file__).resolve().parent / "data" / "datasette-venv"
RUNS = 15


def datasette():
    program = VENV / "bin" / "datasette"
    if not program.exists():
        print("    installing Datasette for the small-export reference", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "pip"), "install", "--quiet", "datasette==0.65.*"]
        subprocess.run(pip, check=True)
    return program


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def whole(port, path):
    """(seconds for the whole response, data lines) of one GET."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    took = time.perf_counter() - started
    conn.close()
    assert response.status == 200, (path[:200], response.status, body[:300])
    return took, len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) - 1  # cells may hold line breaks


def interleaved(ours, theirs):
    """Medians of RUNS of each, taken in turns: the machine's load moves by a third within a minute."""
    for port, path in (ours, theirs):
        whole(port, path)  # warm: code paths, the file's pages
    runs = [(whole(*ours), whole(*theirs)) for _ in range(RUNS)]
    return [(statistics.median(run[i][0] for run in runs), runs[0][i][1]) for i in (0, 1)]


def measure_small_export(port, database, sql_text):
    """sql_text: the report's SQL for SMALL_FILTER with its parameters written in."""
    if not database.endswith(".sqlite3"):
        return []
    ds_port = free_port()
    server = subprocess.Popen(
        [str(datasette()), "serve", database, "--port", str(ds_port), "--setting", "max_returned_rows", "1000000"]
        + ["--setting", "sql_time_limit_ms", "60000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", ds_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        name = Path(database).stem
        theirs = (ds_port, f"/{name}.csv?" + urllib.parse.urlencode({"sql": sql_text}))
        (ours, rows), (reference, their_rows) = interleaved((port, f"/requests.csv?{SMALL_FILTER}"), theirs)
    finally:
        server.terminate()
        server.wait()
    assert rows == their_rows, (rows, their_rows)
    how = f"Datasette 0.65's CSV of the report's SQL, same file (median of {RUNS}, in turns with ours)"
    return [(f"/requests.csv?{SMALL_FILTER}: {rows:,} rows (median of {RUNS})", ours, reference, how, "small-export")]
