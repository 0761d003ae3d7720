"""Fill the database with synthetic, published, cited records (see tracker/samples/synthetic.py)."""

import time

from django.core.management.base import BaseCommand

from tracker.samples.synthetic import generate


class Command(BaseCommand):
    help = "Add N synthetic requests and M deployments (published, cited, marked SYNTHETIC) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=1000)
        parser.add_argument("--deployments", type=int, default=0)
        parser.add_argument("--systems", type=int, default=2000, help="new systems to add first (default 2,000)")
        parser.add_argument("--persons", type=int, default=1000, help="new persons to add first (default 1,000)")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data")

    def handle(self, *args, requests, deployments, systems, persons, seed, **options):
        if min(requests, deployments, systems, persons) < 0:
            self.stderr.write("Counts cannot be negative.")
            raise SystemExit(2)
        started = time.perf_counter()
        counts = generate(requests, deployments, systems, persons, seed, stdout=self.stdout.write)
        self.stdout.write(
            f"Added {counts.requests:,} requests ({counts.items:,} items), {counts.deployments:,} deployments, "
            f"{counts.citations:,} citations, {counts.sources:,} sources, {counts.systems:,} systems and "
            f"{counts.persons:,} persons in {time.perf_counter() - started:.1f} s."
        )
