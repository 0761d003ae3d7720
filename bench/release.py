"""`make bench-release`: a release of 100,000 synthetic requests (and 10,000 deployments), timed, its peak memory
measured: the first release (every record added) and a second one made after it (CHANGES read against the first).

The database is the benchmark's own (bench/data/release-N.sqlite3, or --database-url), generated as `make bench`
generates its own; its releases go to bench/data/release-files-N/, emptied first with the releases table. Peak
memory is the make_release process's own (ru_maxrss of a wrapper whose only child it is), Python and Django
included. Goal: under 100 MB.
"""

import argparse
import json
import shutil
import subprocess
import sys
import time

from run import DATA, PYTHON, ROOT, environment, manage, say

GOAL_MB = 100
WRAPPER = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)
COUNT = (
    "from tracker.models import ArmsRequest; "
    "print(ArmsRequest.objects.filter(external_id__startswith='synthetic:').count())"
)
FORGET = (
    "from tracker.models import Release, ReleaseSpan; "
    "ReleaseSpan.objects.all().delete(); Release.objects.all().delete()"
)
LATEST = (
    "import json; from tracker.models import Release; r = Release.objects.published().latest_first().first(); "
    "print(json.dumps([r.tag, r.manifest, r.added, r.changed, r.withdrawn]))"
)


def prepare(n, url):
    own = DATA / f"release-{n}.sqlite3"
    env = environment(url or f"sqlite:///{own}")
    env["RELEASES_ROOT"] = str(DATA / f"release-files-{n}")
    DATA.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--noinput", "-v0")
    found = int(manage(env, "shell", "-c", COUNT, capture=True).split()[-1])
    if found != n:
        if url and found:
            raise SystemExit(f"{url} holds {found:,} synthetic requests, not {n:,}: give an empty database.")
        if not url:  # our own file: made again from nothing
            for suffix in ("", "-wal", "-shm"):
                own.with_name(own.name + suffix).unlink(missing_ok=True)
            manage(env, "migrate", "--noinput", "-v0")
        say(f"  generating {n:,} synthetic requests and {n // 10:,} deployments")
        manage(env, "generate_data", f"--requests={n}", f"--deployments={n // 10}", "--systems=100", "--persons=100")
    manage(env, "shell", "-c", FORGET)
    shutil.rmtree(env["RELEASES_ROOT"], ignore_errors=True)
    return env


def release(env):
    command = [PYTHON, "-c", WRAPPER, PYTHON, "manage.py", "make_release", "--base-url", "http://localhost:8000"]
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    seconds, peak_kb = out.strip().splitlines()[-1].split()
    tag, manifest, added, changed, withdrawn = json.loads(
        manage(env, "shell", "-c", LATEST, capture=True).strip().splitlines()[-1]
    )
    return float(seconds), int(peak_kb) / 1024, tag, manifest, (added, changed, withdrawn)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="default: bench/data/release-N.sqlite3")
    args = parser.parse_args()
    env = prepare(args.requests, args.database_url)
    vendor = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    worst = 0
    for label in ("first release (all added)", "second release (CHANGES against the first)"):
        seconds, peak, tag, manifest, changes = release(env)
        worst = max(worst, peak)
        total = sum(entry["bytes"] for entry in manifest)
        print(
            f"{vendor}, {args.requests:,} requests, {label}: {seconds:.1f} s, peak RSS {peak:.0f} MB, "
            f"{total / 2**20:.0f} MB in {len(manifest)} files; added, changed, withdrawn: {changes}"
        )
        for entry in manifest:
            print(f"    {tag}/{entry['name']:<18} {entry['bytes']:>12,} bytes  {entry['rows'] or '':>9} rows")
    started = time.perf_counter()
    manage(env, "verify_release", capture=True)
    print(f"verify_release (every file of both, hashed again): {time.perf_counter() - started:.1f} s")
    print(f"peak RSS {worst:.0f} MB: {'within' if worst < GOAL_MB else 'OVER'} the goal of {GOAL_MB} MB")
    return 0 if worst < GOAL_MB else 1


if __name__ == "__main__":
    sys.exit(main())
