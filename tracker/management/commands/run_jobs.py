"""manage.py run_jobs: a background worker. --once: run every queued job, then exit (cron, tests, checks)."""

import os
import socket
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from tracker.jobs import runner


class Janitor(threading.Thread):
    """Every half lease: finds jobs whose worker died and queues periodic jobs that are due (link checks).
    Every two hours: purges old finished jobs."""

    def __init__(self):
        super().__init__(daemon=True, name="janitor")
        self.stopped = threading.Event()

    def run(self):
        rounds = 0
        while not self.stopped.wait(max(1, settings.JOBS_LEASE_SECONDS / 2)):
            try:
                runner.reap()
                runner.start_periodic()
                if rounds % max(1, int(7200 / settings.JOBS_LEASE_SECONDS)) == 0:
                    runner.purge()
            except Exception:  # a locked SQLite file or a lost connection: try again next round
                runner.logger.exception("Janitor round failed")
            rounds += 1


class Command(BaseCommand):
    help = "Run background jobs (imports, captures): forever, or with --once every queued job and exit."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every queued job, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks at an empty queue.")
        parser.add_argument("--worker-id", default="", help="A name unique among workers (default: host:pid:random).")

    def handle(self, *, once, interval, worker_id, verbosity, **options):
        worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{get_random_string(6)}"[:64]
        runner.reap()
        runner.purge()
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=once,
            backend_name="default",
            startup_delay=not once,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if verbosity:
            self.stdout.write(f"Worker {worker_id}: " + ("running the queued jobs" if once else "waiting for jobs"))
        if not once:
            Janitor().start()
        worker.configure_signals()
        worker.run()
