"""Measure one prepared database against its references; print the results as JSON.

Run by bench/run.py with DJANGO_SETTINGS_MODULE=bench.settings, DATABASE_URL set
and the site served by gunicorn on --port. Times are the best of a few runs.
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from bench.admin_floor import measure_admin_floor  # noqa: E402
from bench.aggregates import measure_aggregates, wrk  # noqa: E402
from bench.small_export import SMALL_FILTER, measure_small_export  # noqa: E402
from tracker.explore import pagination  # noqa: E402
from tracker.explore import reports as exports  # noqa: E402
from tracker.explore.filters import RequestFilter  # noqa: E402
from tracker.explore.views import PER_PAGE  # noqa: E402
from tracker.models import ArmsRequest  # noqa: E402
from tracker.models.search import matching  # noqa: E402
from tracker.samples.synthetic import generate  # noqa: E402

EXPORT_MIN_ROWS = 250_000
EXPORT_FILTERS = ["supplier=RU,US,CN,FR", "date_from=1980", ""]
LIST_FILTER = "supplier=RU,US,CN,FR"
EMPTY_FORM = "status=refused&date_from=2099"  # matches nothing: the page is its form
DEEP = 10_000 * 50  # page 10,000


def best(action, repeat=5):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def filterset(query):
    request = RequestFactory().get("/requests/?" + query)
    bound = RequestFilter(request.GET, queryset=ArmsRequest.objects.published(), request=request)
    assert bound.is_valid(), bound.errors
    return bound


def run_sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def report_sql(query):
    return exports.RequestReport(filterset(query).qs, "http://127.0.0.1").sql()


# ------------------------------------------------------------------ export


def inline(sql, params):
    """SQL with its parameters written in, for the sqlite3 command line."""
    quoted = [str(p) if isinstance(p, int) else "'" + str(p).replace("'", "''") + "'" for p in params]
    pieces = sql.split("%s")
    assert len(pieces) == len(quoted) + 1
    return "".join(piece.replace("%%", "%") + value for piece, value in zip(pieces, [*quoted, ""], strict=True))


def reference_dump(query, database):
    sql, params = report_sql(query)
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        dsn = (
            f"host={settings['HOST']} port={settings['PORT'] or 5432} user={settings['USER']} dbname={settings['NAME']}"
        )

        def dump():
            with psycopg.connect(dsn) as conn, conn.cursor() as cursor:
                cursor.execute("SET jit = off")  # as the site's reports run
                with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                    for _ in copy:
                        pass

        return best(dump, 2), "COPY (SELECT …) TO STDOUT WITH CSV, psycopg"
    text = inline(sql, params)
    command = ["sqlite3", "-csv", database, text]
    return best(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL), 2), "sqlite3 -csv"


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss(pid):
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) * 1024


def fetch(port, path, stop_after_first_row=False):
    """(time to the first data row, whole time, rows, status) of one GET over HTTP."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    first, lines = None, 0
    while chunk := response.read1(1 << 16):
        lines += chunk.count(b"\n")
        if first is None and lines >= 2:  # the header line, then a whole data row
            first = time.perf_counter() - started
            if stop_after_first_row:
                break
    total = time.perf_counter() - started
    conn.close()
    return first, total, lines - 1, response.status


def measure_export(port, master, database):
    counts = {}
    for query in EXPORT_FILTERS:
        sql, params = report_sql(query)
        counts[query] = run_sql(f"SELECT COUNT(*) FROM ({sql}) t", params)[0][0]
        if counts[query] >= EXPORT_MIN_ROWS:
            break
    query = max(counts, key=lambda q: (counts[q] >= EXPORT_MIN_ROWS, -len(q), counts[q]))
    path = "/requests.csv?" + query
    fetch(port, path, stop_after_first_row=True)  # warm every worker's code paths a little
    pids = worker_pids(master)
    idle = {pid: rss(pid) for pid in pids}
    peak = dict(idle)
    sampling = True

    def sample():
        while sampling:
            for pid in pids:
                peak[pid] = max(peak[pid], rss(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    runs = [fetch(port, path) for _ in range(2)]
    sampling = False
    sampler.join()
    ours = min(total for _, total, _, _ in runs)
    rows = runs[0][2]
    assert runs[0][3] == 200 and rows == counts[query], (runs[0], counts[query])
    reference, how = reference_dump(query, database)
    growth = max(peak[pid] - idle[pid] for pid in pids)
    ttfb = min(fetch(port, path, stop_after_first_row=True)[0] for _ in range(5))
    page_query = filterset(query).qs[:50]
    first_page = best(lambda: run_sql(*page_query.query.get_compiler(using="default").as_sql()))
    label = query or "no filter"
    return [
        (f"/requests.csv?{label}: {rows:,} rows, whole response", ours, reference, how, "export"),
        ("memory of the serving process during that export, above idle", growth, None, "same process idle", "memory"),
        ("time to the export's first row", ttfb, first_page, "first page query of that filter (LIMIT 50)", "ttfb"),
    ]


# ------------------------------------------------------------------- pages


def measure_pages():
    client = Client()
    results = []
    bound = filterset(LIST_FILTER)
    total = bound.qs.count()
    depth = min(DEEP, total - 1)
    sort, keys = bound.filters["sort"].chosen(None)
    row = bound.qs[depth - 1]
    cursor = pagination.encode(keys, row, sort)
    first = best(lambda: client.get(f"/requests/?{LIST_FILTER}"))
    deep = best(lambda: client.get(f"/requests/?{LIST_FILTER}&after={cursor}"))
    assert client.get(f"/requests/?{LIST_FILTER}&after={cursor}").status_code == 200
    results.append(
        (f"/requests/?{LIST_FILTER}, row {depth:,} (page {depth // 50 + 1:,})", deep, first, "page 1", "deep")
    )

    everything = RequestFilter({}, queryset=ArmsRequest.objects.published().for_list())
    everything.is_valid()
    sort, keys = everything.filters["sort"].chosen(None)
    page = best(lambda: client.get("/requests/"))
    query = best(lambda: pagination.paginate(everything.qs, keys, sort, PER_PAGE))
    results.append(("/requests/", page, query, "its page query with prefetches, no count", "list"))

    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench", password="bench-password-not-secret"
    )
    client.force_login(user)
    model_admin = admin.site.get_model_admin(ArmsRequest)
    request = RequestFactory().get("/admin/tracker/armsrequest/")
    request.user = user
    changelist = best(lambda: client.get("/admin/tracker/armsrequest/"))
    admin_query = best(
        lambda: list(model_admin.get_queryset(request).order_by("-date", "-id")[: model_admin.list_per_page])
    )
    results.append(("admin: arms requests changelist", changelist, admin_query, "its page query, no count", "admin"))
    results.append(measure_admin_floor(best, changelist))
    return results


def measure_form():
    client = Client()
    small = best(lambda: client.get(f"/requests/?{EMPTY_FORM}"), 10)
    with transaction.atomic():
        generate(systems=99_900, persons=9_900, seed=2)
        large = best(lambda: client.get(f"/requests/?{EMPTY_FORM}"), 10)
        transaction.set_rollback(True)
    return [("filter form, 100,000 systems and 10,000 persons", large, small, "100 systems, 100 persons", "form")]


def measure_search():
    client = Client()
    results = []
    for term in ["drones", "Krasukha"]:
        condition = matching(term, connection.vendor)
        ids = ArmsRequest.objects.filter(condition).values_list("pk")
        bare = best(lambda ids=ids: run_sql(*ids.query.get_compiler(using="default").as_sql()))
        page = best(lambda term=term: client.get(f"/requests/?q={term}"))
        # The query the page runs for its first rows: the dated ones, newest first (explore/pagination.py).
        first = filterset(f"q={term}").qs.filter(date__isnull=False).order_by("-date", "-id")[:51]
        sql, params = first.query.get_compiler(using="default").as_sql()
        if connection.vendor == "postgresql":
            plan = "\n".join(r[0] for r in run_sql("EXPLAIN " + sql, params))
            scan = "Seq Scan on tracker_armsrequest" in plan
        else:
            plan = "\n".join(str(r[-1]) for r in run_sql("EXPLAIN QUERY PLAN " + sql, params))
            scan = bool(re.search(r"\bSCAN tracker_armsrequest\b", plan))  # SEARCH is an index lookup, SCAN a full pass
        how = "bare " + ("@@ on the GIN index" if connection.vendor == "postgresql" else "FTS5 MATCH")
        results.append(
            (f"/requests/?q={term}", page, bare, how + (", SEQ SCAN in plan" if scan else ", no seq scan"), "search")
        )
    return results


SEARCH_TERMS = ["drones", "Krasukha", "zzzz"]  # frequent, rarer, absent


def measure_search_page():
    """/search/?q= (every kind at once) against the bare full-text query of requests; the goal is absolute."""
    client = Client()
    results = []
    for term in SEARCH_TERMS:
        ids = ArmsRequest.objects.filter(matching(term, connection.vendor)).values_list("pk")
        bare = best(lambda ids=ids: run_sql(*ids.query.get_compiler(using="default").as_sql()))
        assert client.get(f"/search/?q={term}").status_code == 200
        ours = best(lambda term=term: client.get(f"/search/?q={term}"))
        results.append((f"/search/?q={term}", ours, bare, "bare full-text query of requests", "search_page"))
    return results


def measure_throughput(port):
    results = {}
    for name, path in [("site", "/requests/?country=RU"), ("minimal", "/bench/minimal/?country=RU")]:
        results[name] = wrk(port, path)
    (site, errors), (minimal, minimal_errors) = results["site"], results["minimal"]
    return [
        (
            f"/requests/?country=RU under gunicorn, 16 clients: req/s ({errors} errors)",
            site,
            minimal,
            f"minimal view, same query and template ({minimal_errors} errors)",
            "throughput",
        )
    ]


# --------------------------------------------------------------------- API

API_LINES_MIN = 250_000


def sampled(port, master, path, runs=2):
    """(best whole time, lines, peak memory growth of the workers) of GETs of path."""
    pids = worker_pids(master)
    idle = {pid: rss(pid) for pid in pids}
    peak, sampling = dict(idle), [True]

    def sample():
        while sampling[0]:
            for pid in pids:
                peak[pid] = max(peak[pid], rss(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    results = [fetch(port, path) for _ in range(runs)]
    sampling[0] = False
    sampler.join()
    assert all(status == 200 for *_, status in results), results
    return min(total for _, total, _, _ in results), results[0][2], max(peak[pid] - idle[pid] for pid in pids)


def conditional_get(port, path, etag):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    conn.request("GET", path, headers={"If-None-Match": etag})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    assert response.status == 304, response.status
    return elapsed


def measure_api(port, master):
    """The API's lines: its page vs the HTML page, its JSON Lines vs the CSV, a 304."""
    client = Client()
    results = []
    page = best(lambda: client.get(f"/api/requests/?{LIST_FILTER}"))
    html = best(lambda: client.get(f"/requests/?{LIST_FILTER}"))
    assert client.get(f"/api/requests/?{LIST_FILTER}").status_code == 200
    results.append((f"/api/requests/?{LIST_FILTER}", page, html, "the HTML page of that filter", "api-page"))

    counts = {query: filterset(query).qs.count() for query in EXPORT_FILTERS}
    query = max(counts, key=lambda q: (counts[q] >= API_LINES_MIN, -len(q), counts[q]))
    fetch(port, f"/api/requests.jsonl?{query}", stop_after_first_row=True)  # warm the workers
    ours, lines, growth = sampled(port, master, f"/api/requests.jsonl?{query}")
    csv, csv_rows, _ = sampled(port, master, f"/requests.csv?{query}")
    label = query or "no filter"
    assert lines + 1 == counts[query], (lines, counts[query])  # fetch() counts a CSV's header line out
    results.append(
        (
            f"/api/requests.jsonl?{label}: {counts[query]:,} records",
            ours,
            csv,
            f"/requests.csv of that filter, {csv_rows:,} rows",
            "api-lines",
        )
    )
    results.append(("memory of the serving process during that download, above idle", growth, None, "", "memory"))

    path = "/api/requests/?country=RU"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    etag = response.getheader("ETag")
    conn.close()
    not_modified = min(conditional_get(port, path, etag) for _ in range(20))
    results.append((f"{path} answered 304 Not Modified, over HTTP", not_modified, None, "", "api-304"))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--master", type=int, required=True)
    parser.add_argument("--database", default="")
    parser.add_argument(
        "--only",
        nargs="*",
        default=["export", "pages", "form", "search", "search-page", "throughput", "api", "aggregates", "small-export"],
    )
    options = parser.parse_args()
    steps = {
        "export": lambda: measure_export(options.port, options.master, options.database),
        "pages": measure_pages,
        "form": measure_form,
        "search": measure_search,
        "search-page": measure_search_page,
        "throughput": lambda: measure_throughput(options.port),
        "api": lambda: measure_api(options.port, options.master),
        "aggregates": lambda: measure_aggregates(options.port),
        "small-export": lambda: measure_small_export(options.port, options.database, inline(*report_sql(SMALL_FILTER))),
    }
    for name in options.only:
        print(f"    measuring {name}", file=sys.stderr, flush=True)
        for line in steps[name]():
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
