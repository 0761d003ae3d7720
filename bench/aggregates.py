"""The pages that summarise (issue 13's goals): one client's median time per page, and /matrix/ under load.

Absolute goals, not ratios: each page ≤ 150 ms median on PostgreSQL, ≤ 300 ms on SQLite, at 1,000,000
requests; /matrix/ under gunicorn with 16 clients without errors or timeouts. Imported by measure.py,
which has set Django up.
"""

import re
import shlex
import statistics
import subprocess
import time

from django.db.models import Sum
from django.test import Client

from tracker.models import EquipmentType, System, SystemTally

SLOW = 2.0  # seconds: a page this slow twice is timed no more (at 1,000,000 requests a rescan takes tens of seconds)
MATRIX_FILTER = "status=delivered&supplier=RU"  # filters the summary tables answer
LIVE_FILTER = "status=delivered&date_from=2000"  # a period: no summary row answers it, counted live


def largest_system():
    """The slug of the system the most requests name (its page and its matrix read the most rows)."""
    totals = SystemTally.objects.counted().values("system").annotate(total=Sum("n")).order_by("-total", "system")
    return System.objects.get(pk=totals[0]["system"]).slug


def by_item():
    """Issue 24: the matrix and the timeline of each equipment type and of the largest system, and that system's
    page. (The home page takes no filters: /?type=uav is /.)"""
    largest = largest_system()
    types = EquipmentType.objects.filter(request_items__isnull=False).distinct().order_by("slug")
    slugs = list(types.values_list("slug", flat=True))
    return [
        *(f"/matrix/?type={slug}" for slug in slugs),
        f"/matrix/?system={largest}",
        "/matrix/network.json?type=uav",
        f"/systems/{largest}/",
        f"/requests/summary/?system={largest}",  # SystemTally
        *(f"/requests/summary/?type={slug}" for slug in slugs),  # TypePeriodTally
    ]


def pages():
    system = System.objects.order_by("pk").values_list("slug", flat=True).first()
    return [
        "/",
        "/matrix/",
        f"/matrix/?{MATRIX_FILTER}",
        "/countries/US/",
        "/countries/VE/",
        f"/systems/{system}/",
        "/countries/",
        "/systems/",
        "/requests/summary/",
        "/requests/summary/?country=US",
        "/matrix/network.json",
        *by_item(),
    ]


def median_time(client, path, repeat=5):
    """(median seconds, runs, median CPU seconds of this process): on a loaded machine the wall time is mostly
    waiting for a core; the CPU time is the page's own work (on SQLite its queries' too, not PostgreSQL's)."""
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (path, response.status_code)
        if len(times) == 2 and min(times) > SLOW:  # two slow runs: a rescan, not a cold first read
            break
    return statistics.median(times), len(times), statistics.median(cpu)


def wrk(port, path, timeout="2s"):
    """(requests a second, errors and timeouts) of 16 clients over 10 seconds; 2 s is wrk's own timeout."""
    command = f"wrk -t2 -c16 -d10s --timeout {timeout} --latency http://127.0.0.1:{port}{path}"
    out = subprocess.run(shlex.split(command), check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout):?\s+(\d+)", out))
    return rate, errors


def measure_aggregates(port):
    client = Client()
    results = []
    for path in pages():
        ours, runs, cpu = median_time(client, path)
        results.append((f"{path} (median of {runs})", ours, None, f"one client; {cpu * 1000:.0f} ms CPU", "aggregate"))
    ours, runs, cpu = median_time(client, f"/matrix/?{LIVE_FILTER}")
    how = f"counted live; {cpu * 1000:.0f} ms CPU"
    results.append((f"/matrix/?{LIVE_FILTER} (median of {runs})", ours, None, how, "aggregate-live"))
    rate, errors = wrk(port, "/matrix/", timeout="10s")
    results.append((f"/matrix/ under gunicorn, 16 clients: req/s ({errors} errors)", rate, None, "", "matrix-load"))
    return results
