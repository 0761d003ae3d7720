"""manage.py check_sources: is each source's original still online? Also queues captures never made.

A source is gone only after 404 or 410 on two checks at least a day apart; 403, 429, 5xx and
timeouts never make it gone (tracker/evidence/links.py). run_jobs runs the same sweep as a job
every EVIDENCE_CHECK_EVERY_HOURS; this command is for cron, a closed network, or a single source.
"""

from django.core.management.base import BaseCommand, CommandError

from tracker.evidence.sweep import sweep
from tracker.models import Source


class Command(BaseCommand):
    help = "Check that sources' URLs are still online (those not checked for --due-hours), and queue missing captures."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, action="append", default=[], help="Only this source id (repeatable).")
        parser.add_argument(
            "--due-hours", type=float, default=20, help="Skip sources checked more recently (default 20)."
        )

    def handle(self, *, source, due_hours, verbosity, **options):
        if due_hours < 0:
            raise CommandError("--due-hours cannot be negative.")
        chosen = None
        if source:
            chosen = list(Source.objects.filter(pk__in=source).exclude(url=""))
            missing = sorted(set(source) - {s.pk for s in chosen})
            if missing:
                raise CommandError(f"No source with a URL has the id(s): {', '.join(map(str, missing))}.")

        def report(checked, found):
            if verbosity > 1 or found.gone or found.outcome != "online":
                state = "GONE" if found.gone else found.outcome
                detail = f" ({found.error})" if found.error else ""
                self.stdout.write(f"source {checked.pk}: {state}: {checked.url}{detail}")

        counts, queued = sweep(chosen, due_hours=due_hours, report=report)
        found = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
        self.stdout.write(f"Checked {sum(counts.values())} source(s): {found}. Queued {queued} capture(s).")
