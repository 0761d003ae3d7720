"""`make test-articles`: the article reader (issue 22) against an analyst's ground truth, article by article.

Two sets: ../shared/articles/ (six labelled real articles, beside the project in CI; skipped, and said so,
where it is missing) and tests/articles/ (our own articles, which the reader was never tuned on). Each
article's `.txt` goes through `manage.py read_article FILE --json`, run in-process with its output captured,
against a throwaway SQLite database (bench/data/articles.sqlite3, git-ignored) holding the reference data
and, where ../shared/data/sipri/ exists, one SIPRI register's thousands of system designations. The
database is made once (about 30 s) and reused; `migrate` and `load_reference` top it up on each run.

Scoring is in bench/article_scoring.py. The zero goals (quotes, quantities, finer dates, requests from an
article that reports none, reader errors) set the exit code; the percentage goals and the time are
printed PASS or BELOW and never fail the run: they are a benchmark.

    .venv/bin/python bench/articles.py                     # both sets
    .venv/bin/python bench/articles.py -v                  # also the missed and the wrong requests
    .venv/bin/python bench/articles.py tests/articles      # chosen folders only
    .venv/bin/python bench/articles.py --proposals DIR     # score saved proposals DIR/<article>.json instead
"""

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_ARTICLES", ROOT.parent / "shared" / "articles"))
SIPRI = ROOT.parent / "shared" / "data" / "sipri"
OURS = ROOT / "tests" / "articles"
DATA = ROOT / "bench" / "data"
DATABASE = DATA / "articles.sqlite3"
STAMP = DATA / "articles-db.json"
# The register that brings the most designations; any other classic edition will do.
REGISTER = "trade-register-classic-1950-2025.csv"

# (label, goal in %) for the benchmark's shares; issue 22's numbers.
SHARE_GOALS = {"recall": 80, "precision": 80, "types": 70, "systems": 80}
SECONDS_GOAL = 1.0


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_DEBUG", "1")  # local benchmark: the throwaway secret key is fine
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    # Always the benchmark's own SQLite file, whatever DATABASE_URL the shell (or .ci/run) exported.
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    import django

    django.setup()


def choose_register():
    if not SIPRI.is_dir():
        return None
    preferred = SIPRI / REGISTER
    classic = sorted(SIPRI.glob("trade-register-classic-*.csv"))
    return preferred if preferred.is_file() else (classic[-1] if classic else None)


def prepare_database():
    """Migrate, load the reference data and (once) a SIPRI register; returns a line saying what is loaded."""
    from django.core.management import call_command

    from tracker.intake.engine import run_import
    from tracker.models import System

    # Read before migrate creates the file: a stamp outliving its database means nothing.
    stamp = json.loads(STAMP.read_text()) if STAMP.is_file() and DATABASE.is_file() else {}
    call_command("migrate", interactive=False, verbosity=0)  # nothing to do on a reused database
    call_command("load_reference", stdout=io.StringIO())
    register = choose_register()
    if register is None:
        note = f"no {SIPRI}: reference data only, no SIPRI systems"
    elif stamp.get("register") != register.name:
        print(f"Importing {register.name} into {DATABASE.relative_to(ROOT)} (once, about 30 s)…", flush=True)
        started = time.perf_counter()
        outcome = run_import("requests", register.read_bytes(), register.name, skip_invalid=True)
        STAMP.write_text(json.dumps({"register": register.name, "records": outcome.created}))
        note = f"{register.name} imported in {time.perf_counter() - started:.0f} s"
    else:
        note = f"{register.name} (cached)"
    # The matchers are built once per process (a worker reads many articles with them): timed apart.
    from tracker.reader.lexicon import lexicon

    started = time.perf_counter()
    lexicon()
    built = time.perf_counter() - started
    return (
        f"{DATABASE.relative_to(ROOT)}: {System.objects.count():,} systems; {note}; "
        f"matchers built in {built:.2f} s, once per process, not counted per article"
    )


def run_reader(path):
    """(proposal, seconds, error) of `manage.py read_article path --json`, run in this process."""
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    try:
        call_command("read_article", str(path), "--json", stdout=out, stderr=err)
    except Exception as error:  # a crash is scored as an empty proposal and counted as a failure
        return {}, time.perf_counter() - started, f"{type(error).__name__}: {error}"
    seconds = time.perf_counter() - started
    try:
        return json.loads(out.getvalue()), seconds, ""
    except ValueError as error:
        return {}, seconds, f"output is not JSON ({error}): {out.getvalue()[:80]!r}"


def saved_proposal(folder, path):
    proposal = folder / (path.stem + ".json")
    if not proposal.is_file():
        return {}, 0.0, f"no saved proposal {proposal}"
    return json.loads(proposal.read_text(encoding="utf-8")), 0.0, ""


# ------------------------------------------------------------------ printing


def fraction(part, whole):
    return f"{part}/{whole}"


def share(part, whole):
    return None if whole == 0 else 100 * part / whole


COLUMNS = (
    f"{'article':42} {'truth':>5} {'prop':>4} {'found':>6} {'right':>6} {'types':>6} {'systems':>7} "
    f"{'quotes':>6} {'qty':>4} {'dates':>5} {'neg':>4} {'status':>6} {'seconds':>7}"
)


def row(name, s, timed, negative):
    return (
        f"{name[:42]:42} {s.truth:>5} {s.proposed:>4} {fraction(s.found, s.truth):>6} "
        f"{fraction(s.found, s.proposed):>6} {fraction(s.types, s.items):>6} "
        f"{fraction(s.systems_found, s.systems):>7} {len(s.bad_quotes):>6} {len(s.bad_quantities):>4} "
        f"{len(s.finer_dates):>5} {s.negatives if negative else '-':>4} {fraction(s.status, s.found):>6} "
        f"{f'{s.seconds:.3f}' if timed else '-':>7}"
    )


def goal_lines(total, seconds, errors):
    """The goal lines, and whether a zero goal failed."""
    lines = []
    shares = {
        "recall": ("requests found (recall)", total.found, total.truth),
        "precision": ("proposals right (precision)", total.found, total.proposed),
        "types": ("item types right", total.types, total.items),
        "systems": ("named systems right", total.systems_found, total.systems),
    }
    for key, (label, part, whole) in shares.items():
        value = share(part, whole)
        verdict = "n/a" if value is None else ("PASS" if value >= SHARE_GOALS[key] else "BELOW")
        shown = "   n/a" if value is None else f"{value:5.1f} %"
        lines.append(f"  {label:34} {fraction(part, whole):>7}  {shown:>7}   goal >= {SHARE_GOALS[key]} %   {verdict}")
    zeros = {
        "quotes not verbatim in the text": len(total.bad_quotes),
        "quantities not written in the text": len(total.bad_quantities),
        "dates finer than the text gives": len(total.finer_dates),
        "requests from articles with none": total.negatives,
        "reader errors": errors,
    }
    failed = False
    for label, count in zeros.items():
        failed |= count > 0
        lines.append(f"  {label:34} {count:>7}  {'':>7}   goal 0        {'FAIL' if count else 'PASS'}")
    if seconds:
        mean, worst = sum(seconds) / len(seconds), max(seconds)
        verdict = "PASS" if worst < SECONDS_GOAL else "BELOW"
        lines.append(
            f"  {'seconds per article':34} mean {mean:.3f}, max {worst:.3f}   goal < {SECONDS_GOAL:g} s      {verdict}"
        )
    return lines, failed


def run_set(label, folder, reader, verbose):
    """Read, score and print one folder of articles; True if a zero goal failed."""
    from bench.article_scoring import Score, score, split_article, unknown_party_names

    unknown = unknown_party_names()
    articles = sorted(folder.glob("*.txt"))
    print(f"\n=== {label}: {folder} ({len(articles)} articles)")
    print(COLUMNS)
    total, seconds, errors, details = Score(), [], 0, []
    for path in articles:
        truth_path = path.with_suffix(".json")
        if not truth_path.is_file():
            print(f"{path.stem[:42]:42} no ground truth ({truth_path.name}): not scored")
            continue
        headers, body = split_article(path.read_text(encoding="utf-8"))
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        truth.setdefault("published", headers.get("published"))
        proposal, took, error = reader(path)
        result = score(body, truth, proposal, unknown)
        result.seconds = took
        if error:
            errors += 1
            details.append(f"{path.stem}: ERROR {error}")
        timed = reader is run_reader and not error
        if timed:
            seconds.append(took)
        print(row(path.stem, result, timed, not truth["requests"]))
        problems = result.bad_quotes + result.bad_quantities + result.finer_dates
        if not truth["requests"]:
            problems += [f"proposed from an article that reports no request: {w}" for w in result.wrong]
        if verbose:
            problems += [f"missed: {m}" for m in result.missed] + result.systems_missed
            problems += [f"wrong: {w}" for w in result.wrong if truth["requests"]]
        details += [f"{path.stem}: {p}" for p in problems]
        total.add(result)
    print("-" * len(COLUMNS))
    total.seconds = sum(seconds) / len(seconds) if seconds else 0.0  # the total row shows the mean
    print(row("total (seconds: mean)", total, bool(seconds), True))
    lines, failed = goal_lines(total, seconds, errors)
    print("Goals:")
    print("\n".join(lines))
    if reader is not run_reader:
        print("  seconds: not measured (saved proposals, the reader did not run)")
    if details:
        print("Problems:" if not verbose else "Problems, misses and wrong proposals:")
        print("\n".join(f"  {d}" for d in details))
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, help="folders of .txt/.json pairs (default: both sets)")
    parser.add_argument("--proposals", type=Path, help="score saved proposals (<article>.json) from this folder")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also list missed requests and systems, wrong requests"
    )
    args = parser.parse_args()

    setup_django()
    if args.folders:
        sets = [(folder.name, folder) for folder in args.folders]
    else:
        sets = [("our own articles (never tuned on)", OURS)]
        if SHARED.is_dir():
            sets.insert(0, ("shared labelled articles", SHARED))
        else:
            print(f"No {SHARED}: the shared labelled set is skipped (a fresh clone has none; CI has it beside us).")

    if args.proposals:
        print(f"Scoring saved proposals from {args.proposals} (the reader is not run).")
        reader = lambda path: saved_proposal(args.proposals, path)  # noqa: E731
    else:
        from django.core.management import get_commands

        if "read_article" not in get_commands():
            print("manage.py read_article does not exist yet (issue 22): nothing to measure.")
            return 2
        print(f"Reader: manage.py read_article FILE --json, in-process. Database {prepare_database()}.")
        reader = run_reader

    failed = [label for label, folder in sets if run_set(label, folder, reader, args.verbose)]
    if failed:
        print(f"\nFAILED: a zero goal is missed in {', '.join(failed)} (see Problems above).")
        return 1
    print("\nAll zero goals met (quotes, quantities, dates, negatives, errors); shares and time are a benchmark.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
