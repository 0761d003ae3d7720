"""The whole shared SIPRI register, from ../shared/data/ (run with `-m registers`; fails, never skips, without it).

Dry run: every deal read, none refused but for parties not known yet; then a real import and a
re-import of the same file that changes nothing. Prints deals, refusals by reason, times and peak memory.
"""

import csv
import os
import re
import resource
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count

from tracker.intake.categories import CATEGORY_TYPES, sipri_type_slug
from tracker.intake.engine import run_import
from tracker.models import ArmsRequest, RequestItem, System

pytestmark = [pytest.mark.registers, pytest.mark.django_db]
SHARED = Path(os.environ.get("SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
CURRENT = SHARED / "sipri" / "trade-register-current-1990-2023.csv"


def reason_of(problem):
    return re.sub(r"'[^']*'", "'…'", problem.reason)


def timed(data, **options):
    started = time.perf_counter()
    outcome = run_import("requests", data, CURRENT.name, **options)
    return outcome, time.perf_counter() - started


def test_the_whole_current_register(capsys):
    assert CURRENT.is_file(), f"the shared register is missing: {CURRENT} (set SHARED_DATA to its folder)"
    data = CURRENT.read_bytes()
    lines = data.decode().splitlines()
    deal_on_line = {n: line.split(",", 1)[0] for n, line in enumerate(lines, 1) if n > 12 and line.strip()}
    deals = set(deal_on_line.values())
    dry, dry_time = timed(data, dry_run=True)
    refused = Counter(reason_of(p) for p in dry.problems)
    names = Counter(
        re.findall(r"'([^']*)'", p.reason)[0] for p in dry.problems if p.reason.startswith("unknown country")
    )
    not_parties = {reason: n for reason, n in refused.items() if not reason.startswith("unknown country")}
    real, real_time = timed(data, skip_invalid=True)
    records = ArmsRequest.objects.count()
    items = RequestItem.objects.count()
    other = RequestItem.objects.filter(equipment_type__slug="other").count()
    two_types = list(
        System.objects.annotate(types=Count("request_items__equipment_type", distinct=True))
        .filter(types__gt=1)
        .values_list("designation", flat=True)
    )
    systems = System.objects.count()
    generic = list(
        System.objects.filter(designation__iregex=r"^(aircraft|vehicle|ship) engine").values_list(
            "designation", flat=True
        )
    )
    again, again_time = timed(data, skip_invalid=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with capsys.disabled():
        print(
            f"\n{CURRENT.name} on {connection.vendor}: {dry.rows:,} rows, {len(deals):,} deals; "
            f"refused {len({deal_on_line[p.line] for p in dry.problems}):,} deal(s): {dict(refused.most_common())}\n"
            f"unknown parties (deal rows): {dict(names.most_common(12))}{' …' if len(names) > 12 else ''}\n"
            f"dry run {dry_time:.1f} s; import {real_time:.1f} s, created {real.created:,}; "
            f"re-import {again_time:.1f} s: created {again.created}, updated {again.updated}, "
            f"unchanged {again.unchanged:,}; peak memory of the process {peak:.0f} MiB\n"
            f"items typed Other: {other:,} of {items:,} ({100 * other / items:.2f} %); systems created {systems:,}, "
            f"holding items of two types: {two_types}; generic designations made systems: {generic}\n"
            f"possible duplicate systems reported: {len(dry.possible_duplicates)}, e.g. {dry.possible_duplicates[:5]}"
        )
    assert dry.rows == 27_838 and len(deals) == 13_893
    refused_deals = {deal_on_line[p.line] for p in dry.problems}
    assert dry.created + len(refused_deals) == len(deals)  # every deal read: created or refused, once
    assert not_parties == {}, not_parties
    assert real.applied and records == real.created == dry.created
    assert (again.created, again.updated, again.unchanged) == (0, 0, records)
    assert other / items < 0.01 and two_types == [] and generic == []
    assert again.possible_duplicates == dry.possible_duplicates  # the same spellings, reported again


def test_no_description_of_the_register_is_typed_against_its_category():
    pairs = set()
    for n, line in enumerate(CURRENT.read_text().splitlines()[12:], 13):
        cells = next(csv.reader([line]))
        pairs.add((cells[4].strip(), cells[5].strip(), n))
    against = [
        (description, category, line)
        for description, category, line in pairs
        if sipri_type_slug(category, description)
        not in CATEGORY_TYPES.get(category, {sipri_type_slug(category, description)})
    ]
    assert len({(d, c) for d, c, _ in pairs}) >= 199 and against == []


# ------------------------------------------------------------------ editions imported one after another

CLASSIC_2024 = SHARED / "sipri" / "trade-register-classic-1950-2024.csv"
CLASSIC_2025 = SHARED / "sipri" / "trade-register-classic-1950-2025.csv"


def imported(path, **options):
    assert path.is_file(), f"the shared register is missing: {path} (set SHARED_DATA to its folder)"
    started = time.perf_counter()
    outcome = run_import("requests", path.read_bytes(), path.name, skip_invalid=True, **options)
    return outcome, time.perf_counter() - started


def summary(name, outcome, seconds):
    ambiguous = [n for n in outcome.notes if "equally like" in n]
    return (
        f"{name}: {outcome.rows:,} rows, created {outcome.created:,}, updated {outcome.updated:,}, "
        f"unchanged {outcome.unchanged:,}, bad rows {outcome.invalid_rows}, {seconds:.1f} s"
        + (f"; {ambiguous[0][:160]}" if ambiguous else "")
    )


def cites(source_title_part):
    return ArmsRequest.objects.filter(citations__source__title__contains=source_title_part)


def test_editions_imported_one_after_another_leave_each_deal_once(capsys):
    """Classic October 2024, then current April 2024 (older: cited, values kept), then classic October 2025."""
    first, first_time = imported(CLASSIC_2024)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    records = ArmsRequest.objects.count()
    other = RequestItem.objects.filter(equipment_type__slug="other").count()
    current, current_time = imported(CURRENT)
    after_current = ArmsRequest.objects.count()
    with_ids = ArmsRequest.objects.filter(external_id__startswith="sipri:").count()
    cited_twice = cites("current layout").annotate(n=Count("citations")).filter(n__gt=2).count()
    newest, newest_time = imported(CLASSIC_2025)
    again, again_time = imported(CLASSIC_2025)
    other_2025 = RequestItem.objects.filter(equipment_type__slug="other", request__in=cites("2025-10-23")).count()
    with capsys.disabled():
        print(
            f"\n{connection.vendor}: {summary(CLASSIC_2024.name, first, first_time)}; peak memory of the process "
            f"{peak:.0f} MiB; items typed Other {other:,} ({100 * other / records:.2f} %)\n"
            f"then {summary(CURRENT.name, current, current_time)}; records {after_current:,}, "
            f"with a SIPRI deal id {with_ids:,}\n"
            f"then {summary(CLASSIC_2025.name, newest, newest_time)}; records {ArmsRequest.objects.count():,}; "
            f"items typed Other {other_2025:,}\n"
            f"then again: {summary(CLASSIC_2025.name, again, again_time)}"
        )
    # Every line a record; a party not known yet would be refused, and named.
    refused = {p.line for p in first.problems}
    assert first.rows == 27_951 and first.created == records == first.rows - len(refused)
    assert all(p.reason.startswith("unknown country") for p in first.problems) and len(refused) <= 7
    assert other / records < 0.01 and other_2025 / newest.rows < 0.01
    # Each deal of the current layout lands once: on a record of its own, which takes its id.
    assert current.problems == [] and current.created <= 140 and with_ids == current.created + current.updated
    assert current.created + current.updated == 13_893 and cited_twice == 0
    # The next classic edition: about 400 deals are new, the rest update their records.
    assert newest.created <= 397 + 700 and newest.invalid_rows <= len(refused)
    assert newest.created + newest.updated + newest.unchanged == newest.rows - newest.invalid_rows
    assert all(p.reason.startswith("unknown country") for p in newest.problems)
    assert (again.created, again.updated) == (0, 0)
