"""Is the original still online? Each visit is a LinkCheck; gone only after two 404/410 a day apart.

403, 429, 5xx, timeouts and refusals are "unsure": they never make a source gone and never undo
it (a server down for the night says nothing about the page). A page found online ends "gone".
check_sources() visits every source with a URL not checked within `due_hours`, a few at a time.
"""

import datetime
from concurrent.futures import ThreadPoolExecutor

from django.db.models import Exists, OuterRef
from django.utils import timezone

from tracker.models import LinkCheck, LinkOutcome, Source

from .fetch import check

GONE_AFTER = datetime.timedelta(days=1)
MISSING = {404, 410}
WORKERS = 8


def outcome_of(result):
    if result.refused or result.status is None:
        return LinkOutcome.UNSURE
    if 200 <= result.status < 300:
        return LinkOutcome.ONLINE
    return LinkOutcome.MISSING if result.status in MISSING else LinkOutcome.UNSURE


def is_gone(source, url, outcome, at):
    """The conclusion after a check with this outcome at `at`, given the source's earlier checks of url."""
    earlier = LinkCheck.objects.filter(source=source, url=url, checked_at__lte=at).latest_first()
    if outcome == LinkOutcome.ONLINE:
        return False
    if outcome == LinkOutcome.UNSURE:
        previous = earlier.values_list("gone", flat=True).first()
        return bool(previous)
    # Missing now: gone when a missing check at least a day earlier starts a run with no page found since.
    last_online = earlier.filter(outcome=LinkOutcome.ONLINE).values_list("checked_at", flat=True).first()
    run = earlier.filter(outcome=LinkOutcome.MISSING)
    if last_online:
        run = run.filter(checked_at__gt=last_online)
    first_missing = run.order_by("checked_at").values_list("checked_at", flat=True).first()
    return first_missing is not None and at - first_missing >= GONE_AFTER


def record_check(source, url, result, at=None):
    """Record one visit (a check, or a capture's fetch) of url; returns the LinkCheck."""
    at = at or result.fetched_at or timezone.now()
    outcome = outcome_of(result)
    error = result.refused or ("" if outcome == LinkOutcome.ONLINE else f"the server answered {result.status}")
    return LinkCheck.objects.create(
        source=source,
        url=url,
        checked_at=at,
        status=result.status,
        outcome=outcome,
        error=error[:2000],
        gone=is_gone(source, url, outcome, at),
    )


def due(due_hours):
    recent = LinkCheck.objects.filter(
        source=OuterRef("pk"), url=OuterRef("url"), checked_at__gte=timezone.now() - datetime.timedelta(hours=due_hours)
    )
    return Source.objects.exclude(url="").filter(~Exists(recent)).order_by("pk")


def check_sources(sources=None, due_hours=20, progress=None, report=None, workers=WORKERS):
    """Visit each source's URL (all those due, or the sources given); returns {outcome: count}."""
    sources = list(sources if sources is not None else due(due_hours))
    counts = dict.fromkeys(LinkOutcome.values, 0)
    if progress:
        progress(done=0, total=len(sources), unit="sources", stage="Checking the originals", force=True)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done, (source, result) in enumerate(
            zip(sources, pool.map(lambda s: check(s.url), sources), strict=True), 1
        ):
            found = record_check(source, source.url, result)
            result.close()
            counts[found.outcome] += 1
            if report:
                report(source, found)
            if progress:
                progress(done=done)
    return counts
