"""Time the public pages and CSV reports on generated data, and print the numbers.

The data are synthetic and say so: one source titled "SYNTHETIC benchmark data",
summaries starting "SYNTHETIC". Everything is generated inside a transaction that
is rolled back at the end, unless --keep is given.
"""

import datetime
import random
import time
import tracemalloc

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tracker.importing import SIPRI_CLASSIC, run_import
from tracker.models import (
    ArmsRequest,
    Channel,
    Citation,
    Country,
    EquipmentType,
    HelpKind,
    RequestItem,
    RequestStatus,
    Source,
)

BATCH = 5000
PAGES = [
    "/",
    "/requests/",
    "/requests/?country=RU",
    "/requests/?type=uav&date_from=2020&sort=requester",
    "/requests/?q=drones&reliability=C",
    "/requests/?page=100",
    "/matrix/",
    "/matrix/?type=uav",
]
REPORTS = ["/requests.csv", "/requests.csv?country=RU", "/matrix.csv"]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Generate N synthetic requests, time the explorer's pages and CSV reports, then roll back."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=3, help="timed runs per page; the best is printed")
        parser.add_argument("--keep", action="store_true", help="commit the synthetic data instead of rolling back")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--import-rows", type=int, default=0, help="instead, time importing a synthetic SIPRI register of N rows"
        )

    def handle(self, *args, requests, repeat, keep, seed, import_rows, **options):
        if import_rows:
            return self.measure_import(import_rows, random.Random(seed))
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor}. Existing published requests: {ArmsRequest.objects.published().count()}")
        try:
            with transaction.atomic():
                if requests:
                    started = time.perf_counter()
                    generate(requests, random.Random(seed))
                    self.stdout.write(
                        f"Generated {requests:,} synthetic requests in {time.perf_counter() - started:.1f}s"
                    )
                self.measure(repeat)
                if not keep:
                    raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: no synthetic data left behind.")

    def measure(self, repeat):
        client = Client()
        self.stdout.write(f"{'page':58} {'status':>6} {'best':>8} {'queries':>8}")
        for path in PAGES:
            best = float("inf")
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(path)
                    best = min(best, time.perf_counter() - started)
            self.stdout.write(f"{path:58} {response.status_code:>6} {best * 1000:>6.0f}ms {len(queries):>8}")
        self.stdout.write(f"{'report':58} {'status':>6} {'time':>8} {'rows':>8} {'peak Python memory':>20}")
        for path in REPORTS:
            started = time.perf_counter()
            response = client.get(path)
            rows = sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
            elapsed = time.perf_counter() - started
            # A second pass under tracemalloc, which slows Python down: memory only, not timed.
            tracemalloc.start()
            for _chunk in client.get(path).streaming_content:
                pass
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            self.stdout.write(
                f"{path:58} {response.status_code:>6} {elapsed * 1000:>6.0f}ms {rows:>8,} {peak / 2**20:>17.1f}MiB"
            )

    def measure_import(self, n, rng):
        """Dry run, real import and re-import of a classic-layout register, all rolled back."""
        data = synthetic_register(n, rng)
        self.stdout.write(
            f"Database: {connection.vendor}. Synthetic SIPRI register: {n:,} rows, {len(data) / 2**20:.1f} MiB"
        )
        try:
            with transaction.atomic():
                for label, options in [
                    ("dry run", {"dry_run": True}),
                    ("import", {}),
                    ("import again (all unchanged)", {}),
                ]:
                    started = time.perf_counter()
                    outcome = run_import("requests", data, "synthetic-register.csv", **options)
                    elapsed = time.perf_counter() - started
                    self.stdout.write(f"{label:30} {elapsed:6.1f}s  {outcome.run.report['summary']}")
                tracemalloc.start()
                run_import("requests", data, "synthetic-register.csv", dry_run=True)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                self.stdout.write(f"peak Python memory of a dry run (file held in memory): {peak / 2**20:.0f} MiB")
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: no synthetic data left behind.")


def synthetic_register(n, rng):
    """A classic-layout SIPRI register in Latin-1, with title lines and footer: real names, made-up deals."""
    names = [name for name in Country.objects.states().values_list("name", flat=True) if name.isascii()]
    names += ["Côte d'Ivoire"]  # a Latin-1 byte
    kinds = ["FGA aircraft", "tank", "SAM system", "UAV", "frigate", "air search radar", "APC", "anti-ship missile"]
    lines = [
        '"SYNTHETIC trade register generated by manage.py benchmark: not real data"',
        '"Information generated: for benchmarking"',
        "",
        ",".join(SIPRI_CLASSIC),
    ]
    for i in range(n):
        recipient, supplier = rng.sample(names, 2)
        ordered = rng.randint(1, 300)
        delivered = rng.randint(0, ordered)
        order_year = rng.randint(1950, 2024)
        years = "; ".join(str(order_year + k) for k in range(rng.randint(0, 3)))
        lines.append(
            f'"{recipient}",{supplier if "," not in supplier else chr(34) + supplier + chr(34)},{order_year},'
            # 1,500 systems, as a real register repeats its designations; the lot number keeps deals distinct.
            f"{rng.choice(['', '?'])},{ordered},,SYNTH-{i % 1500},{rng.choice(kinds)} lot {i},{delivered},,{years},"
            f",SYNTHETIC,1,{ordered},{delivered}"
        )
    lines.append('"Source: SYNTHETIC benchmark data"')
    return ("\n".join(lines) + "\n").encode("latin-1")


def generate(n, rng):
    """Requests between random states, 1-3 items each, one citation each, dated at mixed precision."""
    states = list(Country.objects.states().values_list("pk", flat=True))
    busy = list(Country.objects.filter(iso2__in=["RU", "CN", "US", "IR", "FR", "TR", "IL", "VE", "BY", "IN"]))
    busy_ids = [c.pk for c in busy]
    types = list(EquipmentType.objects.values_list("pk", flat=True))
    uav = EquipmentType.objects.get(slug="uav").pk
    source = Source.objects.create(
        outlet="SYNTHETIC",
        title="SYNTHETIC benchmark data, not a real report",
        reliability="C",
        notes="Generated by manage.py benchmark.",
    )
    statuses, channels, helps = RequestStatus.values, Channel.values, HelpKind.values
    for start in range(0, n, BATCH):
        batch = []
        for i in range(start, min(n, start + BATCH)):
            requester = rng.choice(states)
            supplier = rng.choice(busy_ids if rng.random() < 0.7 else states)
            while supplier == requester:
                supplier = rng.choice(busy_ids)
            precision = rng.choice(["day", "month", "month", "year"])
            day = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(36 * 365))
            day = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}[precision]
            batch.append(
                ArmsRequest(
                    requester_id=requester,
                    supplier_id=supplier,
                    date=day,
                    date_precision=precision,
                    status=rng.choice(statuses),
                    channel=rng.choice(channels),
                    summary=f"SYNTHETIC request {i}: generated for benchmarking, not a real event.",
                    published=True,
                    external_id=f"synthetic:{i}",
                )
            )
        created = ArmsRequest.objects.bulk_create(batch)
        items, citations = [], []
        for request in created:
            for _ in range(rng.randint(1, 3)):
                kind = uav if rng.random() < 0.2 else rng.choice(types)
                asked = rng.choice([None, rng.randint(1, 200)])
                items.append(
                    RequestItem(
                        request=request,
                        equipment_type_id=kind,
                        description="synthetic drones" if kind == uav else "synthetic equipment",
                        help_kind=rng.choice(helps),
                        quantity_requested=asked,
                        quantity_delivered=rng.randint(0, asked) if asked and rng.random() < 0.3 else None,
                    )
                )
            citations.append(Citation(request=request, source=source, credibility=rng.randint(1, 6)))
        RequestItem.objects.bulk_create(items)
        Citation.objects.bulk_create(citations)
