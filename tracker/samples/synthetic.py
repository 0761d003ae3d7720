"""Synthetic data shaped like real registers, for benchmarks and load tests.

Everything generated says so: every summary starts "SYNTHETIC", every record
cites one of the "SYNTHETIC" sources, every external_id starts "synthetic:".
The shape follows what registers show: a few countries ask and supply most,
1–5 items per request, dates over decades at mixed precision, systems per
equipment type, persons on both sides of some requests, 1–3 graded citations.

Rows go straight to the tables, bypassing the ORM (and the history, which
would double the volume for records nobody curated): COPY on PostgreSQL,
executemany on SQLite, one batch at a time so memory stays flat whatever N.
"""

import contextlib
import datetime
import random
import uuid
from dataclasses import dataclass
from itertools import accumulate

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from tracker.models import (
    ArmsRequest,
    Channel,
    Citation,
    Country,
    Deployment,
    DeploymentStatus,
    EquipmentType,
    HelpKind,
    LocationPrecision,
    Person,
    RequestItem,
    RequestStatus,
    Source,
    System,
)
from tracker.models.search import deployment_document, search_document
from tracker.models.tallies import counted_at_the_end
from tracker.reference import EQUIPMENT_TYPES

BATCH = 10_000
SOURCE_EVERY = 200  # one synthetic source per this many requests or deployments

# Suppliers and deployers: a handful carry most of the traffic, as in SIPRI's register.
BUSY = ["RU", "US", "CN", "FR", "DE", "GB", "IL", "TR", "IR", "IT", "KR", "UA", "BY", "ES", "SE", "IN", "KP"]
FREQUENT_TYPES = {"uav", "combat-aircraft", "air-defence", "missile"}
DEPLOYERS = ["US", "RU", "CN", "GB", "FR", "IR", "TR", "IN"]

# Per equipment type: designation stems and how sources describe the item.
VOCABULARY = {
    "combat-aircraft": (["Su", "MiG", "F", "J", "Rafale", "Typhoon"], ["fighter jets", "ground-attack aircraft"]),
    "aircraft-other": (["An", "Il", "C", "Y", "KC"], ["transport aircraft", "trainer aircraft"]),
    "helicopter": (["Mi", "Ka", "AH", "UH", "Z"], ["attack helicopters", "transport helicopters"]),
    "uav": (["Shahed", "Mohajer", "Orion", "Bayraktar", "Wing Loong"], ["drones", "loitering munitions"]),
    "radar-sensor": (["Nebo", "Protivnik", "AN/TPS", "JY"], ["air search radars", "passive sensors"]),
    "electronic-warfare": (["Krasukha", "Borisoglebsk", "Pole"], ["GPS jammers", "electronic warfare systems"]),
    "missile": (["Kh", "Kalibr", "Fateh", "AGM"], ["cruise missiles", "ballistic missiles"]),
    "air-defence": (["S", "Buk", "Tor", "Pantsir", "HQ"], ["surface-to-air missile systems", "MANPADS"]),
    "ship": (["Project", "Type", "Gepard"], ["frigates", "patrol boats"]),
    "naval-weapon": (["AK", "Yu", "Mk"], ["torpedoes", "naval guns"]),
    "armoured-vehicle": (["T", "BMP", "BTR", "VN"], ["tanks", "armoured personnel carriers"]),
    "artillery": (["2S", "BM", "PLZ", "PCL"], ["howitzers", "multiple rocket launchers"]),
    "small-arms": (["AK", "PK", "QBZ"], ["assault rifles", "machine guns"]),
    "ammunition": (["OF", "VOG", "BK"], ["artillery shells", "guided bombs"]),
    "engine": (["AL", "RD", "WS"], ["jet engines", "diesel engines"]),
    "satellite": (["Kanopus", "Gaofen", "Noor"], ["observation satellites", "launch services"]),
    "other": (["SYN"], ["military cooperation", "technical assistance"]),
}
HEDGES = ["possibly", "almost certainly", "reportedly"]
SYLLABLES = ["al", "an", "ar", "do", "el", "ka", "li", "ma", "na", "or", "ra", "sa", "ta", "va", "ze", "mi", "ro"]
PRECISIONS = (["day", "month", "year", ""], [40, 35, 20, 5])


def weighted(rng, values, weights):
    """A fast sampler: cumulative weights computed once, then rng.choices per draw."""
    cumulative = list(accumulate(weights))
    return lambda: rng.choices(values, cum_weights=cumulative)[0]


@dataclass
class Counts:
    requests: int = 0
    items: int = 0
    deployments: int = 0
    citations: int = 0
    systems: int = 0
    persons: int = 0
    sources: int = 0


class Generator:
    def __init__(self, seed, stdout=None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.say = stdout or (lambda message: None)
        self.counts = Counts()
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.stamps = (self.now,) * 3  # created_at, updated_at, published_at: published as written
        states = list(Country.objects.states().order_by("iso2").values_list("pk", "iso2", "name"))
        self.names = {pk: name for pk, _, name in states}
        self.by_iso = {iso2: pk for pk, iso2, _ in states}
        ranked = [pk for pk, _, _ in states]
        self.rng.shuffle(ranked)
        # Requesters follow a long tail (Zipf-like); suppliers are mostly the busy few.
        self.requester = weighted(self.rng, ranked, [1 / (rank + 1) ** 1.1 for rank in range(len(ranked))])
        busy = [self.by_iso[code] for code in BUSY if code in self.by_iso]
        self.busy_supplier = weighted(self.rng, busy, [1 / (rank + 1) ** 0.8 for rank in range(len(busy))])
        self.all_states = ranked
        self.types = dict(EquipmentType.objects.values_list("slug", "pk"))
        self.type_names = dict(EquipmentType.objects.values_list("slug", "name"))
        self.type_slug = weighted(
            self.rng,
            [slug for slug, _, _ in EQUIPMENT_TYPES],
            [5 if slug in FREQUENT_TYPES else 2 for slug, _, _ in EQUIPMENT_TYPES],
        )
        self.systems_by_type = {}
        self.persons_by_country = {}
        self.sources = []

    # ------------------------------------------------------------ reference

    def add_systems(self, n):
        """n new systems, spread over the equipment types, named like real designations."""
        start = (System.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        slugs = [slug for slug, _, _ in EQUIPMENT_TYPES]
        for first in range(0, n, BATCH):
            batch = []
            for i in range(start + first, start + min(n, first + BATCH)):
                slug = slugs[i % len(slugs)]
                stem = self.rng.choice(VOCABULARY[slug][0])
                designation = f"{stem}-{i}{self.rng.choice(['', 'M', 'MK', 'A', 'E'])} (synthetic)"
                batch.append(
                    System(
                        designation=designation,
                        slug=f"synthetic-{i}",
                        equipment_type_id=self.types[slug],
                        origin_country_id=self.busy_supplier(),
                        description="SYNTHETIC system generated for benchmarks.",
                    )
                )
            System.objects.bulk_create(batch)
        self.counts.systems += n

    def add_persons(self, n):
        start = Person.objects.count()
        batch = []
        for i in range(n):
            name = " ".join(
                "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3))).capitalize()
                for _ in range(2)
            )
            batch.append(Person(name=f"{name} {start + i}", title="SYNTHETIC official", country_id=self.requester()))
            if len(batch) == BATCH:
                Person.objects.bulk_create(batch)
                batch = []
        Person.objects.bulk_create(batch)
        self.counts.persons += n

    def load_reference(self):
        """Systems per type, persons per country and the synthetic sources, as the database holds them now."""
        for pk, type_id in System.objects.values_list("pk", "equipment_type_id").iterator():
            self.systems_by_type.setdefault(type_id, []).append(pk)
        self.system_names = dict(System.objects.values_list("pk", "designation").iterator())
        for pk, country_id, name in Person.objects.values_list("pk", "country_id", "name").iterator():
            self.persons_by_country.setdefault(country_id, []).append((pk, name))

    def add_sources(self, n):
        grades = weighted(self.rng, list("ABCDEF"), [5, 30, 35, 15, 5, 10])
        sources = [
            Source(
                outlet=f"SYNTHETIC outlet {i % 97}",
                title=f"SYNTHETIC report {self.seed}-{len(self.sources) + i}",
                kind=self.rng.choice(["news", "official", "dataset", "research"]),
                reliability=grades(),
                notes="Generated by manage.py generate_data: not a real publication.",
            )
            for i in range(max(n, 5))
        ]
        self.sources += [s.pk for s in Source.objects.bulk_create(sources)]
        self.counts.sources += len(sources)

    # -------------------------------------------------------------- records

    def date(self):
        precision = self.rng.choices(*PRECISIONS)[0]
        if not precision:
            return None, ""
        # Decades of records, more of them recent.
        year = 2026 - int(self.rng.triangular(0, 76, 0))
        day = datetime.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        day = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}[precision]
        return connection.ops.adapt_datefield_value(day), precision

    def uid(self):
        value = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        return str(value) if connection.vendor == "postgresql" else value.hex

    def person(self, country):
        people = self.persons_by_country.get(country)
        if people and self.rng.random() < 0.3:
            return self.rng.choice(people)
        return None, None

    def item(self, request_id):
        slug = self.type_slug()
        type_id = self.types[slug]
        systems = self.systems_by_type.get(type_id)
        system = self.rng.choice(systems) if systems and self.rng.random() < 0.6 else None
        asked = self.rng.choice([None, None, self.rng.randint(1, 300)])
        delivered = self.rng.randint(0, asked) if asked and self.rng.random() < 0.4 else None
        hedged = self.rng.random() < 0.1
        words = self.rng.choice(VOCABULARY[slug][1])
        description = f"{self.rng.choice(HEDGES)} {words}" if hedged else words
        if asked:
            description = f"{asked} {description}"
        row = (request_id, type_id, system, description, self.rng.choice(HelpKind.values), hedged, asked, delivered)
        return row, (description, self.system_names.get(system, ""), self.type_names[slug])

    def citations(self, field, record_id, rows):
        for source in self.rng.sample(self.sources, self.rng.choice([1, 1, 1, 2, 2, 3])):
            request, deployment = (record_id, None) if field == "request" else (None, record_id)
            rows.append((source, request, deployment, "", "", self.rng.randint(1, 6)))

    def requests(self, n):
        statuses = weighted(self.rng, RequestStatus.values, [20, 10, 15, 10, 25, 8, 4, 8])
        channels = Channel.values
        next_id = (ArmsRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        item_counts = weighted(self.rng, [1, 2, 3, 4, 5], [50, 25, 12, 8, 5])
        for first in range(0, n, BATCH):
            requests, items, citations = [], [], []
            for pk in range(next_id + first, next_id + min(n, first + BATCH)):
                requester = self.requester()
                supplier = self.busy_supplier() if self.rng.random() < 0.75 else self.rng.choice(self.all_states)
                while supplier == requester:
                    supplier = self.rng.choice(self.all_states)
                by_id, by_name = self.person(requester)
                to_id, to_name = self.person(supplier)
                date, precision = self.date()
                texts = []
                for _ in range(item_counts()):
                    row, text = self.item(pk)
                    items.append(row)
                    texts.append(text)
                summary = (
                    f"SYNTHETIC: {self.names[requester]} asked {self.names[supplier]} for "
                    f"{'; '.join(t[0] for t in texts)}. Generated for benchmarks, not a real event."
                )
                notes = "" if self.rng.random() < 0.8 else "SYNTHETIC note: quantities as reported."
                search = search_document(summary, notes, [by_name, to_name], [t for triple in texts for t in triple])
                requests.append(
                    (pk, notes, "", True, self.uid(), f"synthetic:{pk}", *self.stamps, requester, supplier)
                    + (by_id, to_id, date, precision, self.rng.choice(channels), statuses(), summary, search)
                )
                self.citations("request", pk, citations)
            self.copy(ArmsRequest, REQUEST_FIELDS, requests)
            self.copy(RequestItem, ITEM_FIELDS, items)
            self.copy(Citation, CITATION_FIELDS, citations)
            self.counts.requests += len(requests)
            self.counts.items += len(items)
            self.counts.citations += len(citations)
            self.say(f"  requests: {self.counts.requests:,} of {n:,}")

    def deployments(self, n):
        deployers = [self.by_iso[code] for code in DEPLOYERS if code in self.by_iso]
        deployers = weighted(self.rng, deployers, [8, 5, 4, 3, 3, 2, 2, 2][: len(deployers)])
        next_id = (Deployment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for first in range(0, n, BATCH):
            rows, citations = [], []
            for pk in range(next_id + first, next_id + min(n, first + BATCH)):
                country = deployers()
                slug = self.type_slug()
                type_id = self.types[slug]
                systems = self.systems_by_type.get(type_id)
                system = self.rng.choice(systems) if systems and self.rng.random() < 0.5 else None
                start, start_precision = self.date()
                status = self.rng.choice(DeploymentStatus.values)
                end, end_precision = None, ""
                if status == DeploymentStatus.ENDED and start:
                    end, end_precision = connection.ops.adapt_datefield_value(datetime.date(2026, 12, 31)), "year"
                host = self.rng.choice(self.all_states) if self.rng.random() < 0.6 else None
                lat, lon, where = (None, None, "")
                if self.rng.random() < 0.3:
                    lat, lon = round(self.rng.uniform(-60, 70), 5), round(self.rng.uniform(-180, 180), 5)
                    where = self.rng.choice(["", *LocationPrecision.values])
                quantity = self.rng.choice([None, self.rng.randint(1, 50)])
                personnel = self.rng.choice([None, None, self.rng.randint(10, 5000)])
                unit, description = f"SYNTHETIC unit {pk % 500}", f"SYNTHETIC {self.rng.choice(VOCABULARY[slug][1])}"
                region = self.rng.choice(["Caribbean", "Black Sea", "Persian Gulf", "South China Sea"])
                parts = (unit, description, "", region, "SYNTHETIC purpose", "")
                search = deployment_document(*parts, self.system_names.get(system), self.type_names[slug])
                rows.append(
                    (pk, "", "", True, self.uid(), f"synthetic:{pk}", *self.stamps, country, type_id, system)
                    + (unit, description, quantity, personnel, "", region)
                    + (host if host != country else None, lat, lon, where, start, start_precision, end, end_precision)
                    + (status, "SYNTHETIC purpose", search)
                )
                self.citations("deployment", pk, citations)
            self.copy(Deployment, DEPLOYMENT_FIELDS, rows)
            self.copy(Citation, CITATION_FIELDS, citations)
            self.counts.deployments += len(rows)
            self.counts.citations += len(citations)
            self.say(f"  deployments: {self.counts.deployments:,} of {n:,}")

    # --------------------------------------------------------------- writing

    def copy(self, model, fields, rows):
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        columns = [model._meta.get_field(name).column for name in fields]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


# Column lists in the order the generator's row tuples give them.
PUBLISHABLE_FIELDS = ["id", "notes", "internal_notes", "published", "uid", "external_id", "created_at", "updated_at"]
PUBLISHABLE_FIELDS += ["published_at"]
REQUEST_FIELDS = PUBLISHABLE_FIELDS + ["requester", "supplier", "requested_by", "addressed_to", "date"]
REQUEST_FIELDS += ["date_precision", "channel", "status", "summary", "search_text"]
ITEM_FIELDS = ["request", "equipment_type", "system", "description", "help_kind", "hedged", "quantity_requested"]
ITEM_FIELDS += ["quantity_delivered"]
CITATION_FIELDS = ["source", "request", "deployment", "quote", "location", "credibility"]
DEPLOYMENT_FIELDS = PUBLISHABLE_FIELDS + ["country", "equipment_type", "system", "unit", "description", "quantity"]
DEPLOYMENT_FIELDS += ["personnel", "location", "region", "host_country", "latitude", "longitude", "location_precision"]
DEPLOYMENT_FIELDS += ["start_date", "start_precision", "end_date", "end_precision", "status", "purpose", "search_text"]


def generate(requests=0, deployments=0, systems=0, persons=0, seed=1, stdout=None):
    """Add synthetic records in one transaction; returns the Counts of what was added."""
    generator = Generator(seed, stdout)
    # Systems and persons alone change no count: counting everything again would be all the work.
    counting = counted_at_the_end() if requests or deployments else contextlib.nullcontext()
    with transaction.atomic(), counting:
        if systems:
            generator.add_systems(systems)
        if persons:
            generator.add_persons(persons)
        if requests or deployments:
            generator.load_reference()
            generator.add_sources((requests + deployments) // SOURCE_EVERY)
            generator.requests(requests)
            generator.deployments(deployments)
        # Explicit ids went in past the sequences' backs.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [ArmsRequest, Deployment]):
                cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a real database
    return generator.counts
