"""The periodic evidence sweep (manage.py check_sources, and a job run_jobs queues every EVIDENCE_CHECK_EVERY_HOURS).

It checks that the originals are still online (links.py) and queues a capture for every source URL
never captured: sources saved before captures existed, or changed by a bulk update that sent no signal.
"""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef

from tracker.jobs.kinds import job_kind
from tracker.models import Capture, Source

from .capture import capture_new_urls
from .links import check_sources


def never_captured(sources=None):
    asked = Capture.objects.filter(source=OuterRef("pk"), url=OuterRef("url"))
    found = Source.objects.exclude(url="").filter(~Exists(asked))
    return found if sources is None else found.filter(pk__in=[s.pk for s in sources])


def sweep(sources=None, due_hours=20, progress=None, report=None):
    """Check the links (all due, or the sources given), then queue the missing captures: (counts, queued)."""
    counts = check_sources(sources, due_hours=due_hours, progress=progress, report=report)
    return counts, capture_new_urls(never_captured(sources))


def every():
    hours = settings.EVIDENCE_CHECK_EVERY_HOURS
    return datetime.timedelta(hours=hours) if hours else None


@job_kind("evidence-check-sources", "Evidence: check that sources are still online", atomic=False, every=every)
def sweep_job(job, progress):
    counts, queued = sweep(progress=progress)
    found = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
    return f"Checked {sum(counts.values())} sources ({found}); {queued} captures queued."
