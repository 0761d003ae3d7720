"""`make bench`: prepare databases of 100,000 and 1,000,000 synthetic requests on SQLite and
PostgreSQL, serve each with gunicorn, measure (bench/measure.py) and print one table.

Every line is a ratio against a reference measured in the same run, on the same
machine, so the machine's speed cancels out; absolute numbers are printed beside.
Prepared databases are kept (bench/data/ and PostgreSQL databases tracker_bench_N)
and reused when they hold what the generator would make; pass --fresh to rebuild.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATA = ROOT / "bench" / "data"
PG = "postgres://postgres@127.0.0.1:5432"
PG_NAME = os.environ.get("BENCH_PG_NAME", "tracker_bench")  # BENCH_PG_NAME=other_name: a database of one's own
SEED = 1

# what: (goal, how the ratio compares: ours/reference must be <= goal, or >= goal for throughput)
GOALS = {
    "export": ("≤ 1.3× (PostgreSQL), ≤ 3× (SQLite)", None),
    "memory": ("< 50 MB above idle", None),
    "ttfb": ("≤ 2×", 2.0),
    "deep": ("≤ 1.5×", 1.5),
    "list": ("≤ 2×", 2.0),
    "admin": ("≤ 2×", 2.0),
    "admin-floor": ("reported: what Django's admin costs before anything of ours", None),
    "form": ("≤ 1.2×", 1.2),
    "search": ("≤ 2×, no seq scan", 2.0),
    "search_page": ("≤ 150 ms (at 1M on PostgreSQL)", None),
    "throughput": ("≥ 0.8×, zero errors", 0.8),
    "api-page": ("≤ 1.0×", 1.0),
    "api-lines": ("≤ 1.3×", 1.3),
    "api-304": ("≤ 10 ms", None),
    "aggregate": ("≤ 150 ms (PostgreSQL), ≤ 300 ms (SQLite), median, at 1M", None),
    "aggregate-live": ("reported: filters no summary row answers fall back to the live count", None),
    "matrix-load": ("no errors or timeouts; ≥ 5× the 2.4/s measured at 100k before summary tables", None),
    "small-export": ("≤ 0.8× (SQLite)", 0.8),
}


def say(message):
    print(message, file=sys.stderr, flush=True)


def environment(database_url):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",  # as in production: no query log growing in memory
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return result.stdout


def prepare(vendor, n, fresh):
    if vendor == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / f"bench-{n}.sqlite3"
        url, database = f"sqlite:///{path}", str(path)
    else:
        url, database = f"{PG}/{PG_NAME}_{n}", f"{PG_NAME}_{n}"
    env = environment(url)
    check = (
        "from tracker.models import ArmsRequest; "
        "print(ArmsRequest.objects.filter(external_id__startswith='synthetic:').count())"
    )
    if not fresh:
        try:
            if int(manage(env, "shell", "-c", check, capture=True).strip().splitlines()[-1]) == n:
                say(f"  reusing the {vendor} database of {n:,} requests (migrating it if behind)")
                manage(env, "migrate", "--noinput", "-v0")
                vacuum(vendor, database)  # quick when nothing changed
                return env, database
        except (subprocess.CalledProcessError, ValueError, IndexError):
            pass
    say(f"  building the {vendor} database of {n:,} requests")
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
    else:
        subprocess.run(["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {database}"], check=True)
        subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {database}"], check=True)
    manage(env, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    manage(
        env,
        "generate_data",
        f"--requests={n}",
        f"--deployments={n // 10}",
        "--systems=100",
        "--persons=100",
        f"--seed={SEED}",
    )
    say(f"  generated in {time.perf_counter() - started:.0f} s")
    vacuum(vendor, database)
    return env, database


def vacuum(vendor, database):
    """PostgreSQL: what autovacuum does to a live database (it may be off where the bench runs): without a
    visibility map every index-only scan reads the table's rows too (5,626 heap fetches for a system page's
    first 20 requests at 1M)."""
    if vendor == "postgresql":
        subprocess.run(["psql", f"{PG}/{database}", "-qc", "VACUUM (ANALYZE)"], check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env):
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "tracker.wsgi"],
        cwd=ROOT,
        env={**env, "WEB_CONCURRENCY": "2"},
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            time.sleep(1)  # let both workers boot
            return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def measure(env, database, only):
    server, port = serve(env)
    try:
        out = subprocess.run(
            [
                PYTHON,
                "bench/measure.py",
                f"--port={port}",
                f"--master={server.pid}",
                f"--database={database}",
                "--only",
                *only,
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as error:
        say(error.stderr)
        raise
    finally:
        server.terminate()
        server.wait()
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("[")]


def fmt(value, kind):
    if value is None:
        return ""
    if kind == "memory":
        return f"{value / 2**20:.1f} MB"
    if kind in ("throughput", "matrix-load"):
        return f"{value:.1f}/s"
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def verdict(kind, vendor, what, ours, reference, how):
    if kind == "memory":
        return None, ours < 50 * 2**20
    if kind == "api-304":
        return None, ours <= 0.010
    if kind == "aggregate":
        return None, ours <= (0.150 if vendor == "postgresql" else 0.300)
    if kind == "matrix-load":
        return None, "(0 errors)" in what and ours >= 5 * 2.4
    if kind in ("aggregate-live", "admin-floor"):
        return ours / reference if reference else None, True
    if kind == "search_page":
        return ours / reference if reference else None, ours <= 0.150
    ratio = ours / reference if reference else float("inf")
    if kind == "export":
        return ratio, ratio <= (1.3 if vendor == "postgresql" else 3.0)
    if kind == "throughput":
        return ratio, ratio >= 0.8 and "(0 errors)" in what
    if kind == "search" and "SEQ SCAN" in how:
        return ratio, False
    return ratio, ratio <= GOALS[kind][1]


def table(results):
    lines = [
        "| database | requests | measured | ours | reference | ratio | goal | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for vendor, n, (what, ours, reference, how, kind) in results:
        ratio, met = verdict(kind, vendor, what, ours, reference, how)
        ref = f"{fmt(reference, kind)} ({how})" if reference is not None else how
        lines.append(
            f"| {vendor} | {n:,} | {what} | {fmt(ours, kind)} | {ref} | {'' if ratio is None else f'{ratio:.2f}×'} "
            f"| {GOALS[kind][0]} | {'yes' if met else '**no**'} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument(
        "--only",
        nargs="+",
        default=["export", "pages", "form", "search", "search-page", "throughput", "api", "aggregates", "small-export"],
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the databases even if they look right")
    options = parser.parse_args()
    manage(environment(f"sqlite:///{DATA / 'static.sqlite3'}"), "collectstatic", "--noinput", "-v0")
    results = []
    for vendor in options.databases:
        for n in options.scales:
            say(f"== {vendor}, {n:,} requests")
            env, database = prepare(vendor, n, options.fresh)
            for line in measure(env, database, options.only):
                results.append((vendor, n, line))
                say(f"    {line[0]}: {fmt(line[1], line[4])} vs {fmt(line[2], line[4])}")
    output = table(results)
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "last-results.md").write_text(output + "\n")
    print(output)


if __name__ == "__main__":
    main()
