"""Writing a plan: planned records matched with the database a batch at a time, then written in bulk, with history."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from tracker.models import ArmsRequest, Citation, Delivery, Deployment, ImportKind, Person, RequestItem, Source, System
from tracker.models.bulk import insert
from tracker.models.equipment import variant_groups
from tracker.models.evidence import sources_saved
from tracker.models.history import record_each, written_rows
from tracker.models.indexing import refresh_deployment_text, refresh_later, refresh_search_text
from tracker.models.publishing import stamp_first_publication

BATCH = 1000


@dataclass(frozen=True)
class New:
    """A person or system the file names that the database does not hold yet."""

    kind: str
    key: tuple


FOREIGN_KEYS = {"requester", "supplier", "country", "host_country", "equipment_type"}


class Writer:
    """Matches planned records with the database a batch at a time; writes creates and updates in bulk, with history.

    Only keys are remembered between batches (designation -> system id, name -> person id),
    never the model instances, so memory does not grow with the file.
    """

    def __init__(self, kind, importer, run, publish, user):
        self.model = ArmsRequest if kind == ImportKind.REQUESTS else Deployment
        self.importer, self.run, self.publish, self.user = importer, run, publish, user
        self.reason = run.change_reason
        self.field_names = {f.name for f in self.model._meta.get_fields()}
        self.system_ids = {}  # designation lower -> pk, or New
        self.system_types = {}  # designation lower -> equipment type id of that system
        self.spellings = defaultdict(set)  # designation lower -> the spellings the file gives it
        self.person_ids = {}  # (name lower, country pk) -> pk, or New
        self.sources = {}  # key -> Source (a file cites few)
        self.taken_slugs = None
        self.reset()

    def reset(self):
        self.created = self.updated = self.unchanged = 0

    # ----------------------------------------------------------------- match

    def process(self, planned, write):
        if not planned:
            return
        self.lookup_systems(planned)
        self.lookup_people(planned)
        self.lookup_sources()
        existing = self.existing(planned)
        ids = [obj.pk for obj in existing.values()]
        items = defaultdict(list)
        if self.model is ArmsRequest and ids:
            delivered = defaultdict(list)
            for delivery in Delivery.objects.filter(item__request__in=ids).order_by("item", "year"):
                delivered[delivery.item_id].append(delivery.as_tuple())
            for item in RequestItem.objects.filter(request__in=ids).order_by("id"):
                items[item.request_id].append(item_tuple(item, delivered[item.pk]))
        cited = defaultdict(set)
        field = self.model.citation_field
        for record_id, source_id in Citation.objects.filter(**{f"{field}__in": ids}).values_list(field, "source_id"):
            cited[record_id].add(source_id)
        to_create, to_update = [], []
        for p in planned:
            values = self.values(p)
            obj = existing.get(p.key)
            if obj is None:
                to_create.append((p, values))
                continue
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            new_items = [self.item_tuple(i) for i in p.items]
            replace_items = self.model is ArmsRequest and new_items != items[obj.pk] and not p.keep_values
            if p.keep_values:  # an older edition: cited, and giving a classic record its SIPRI deal id, no more
                deal_id = values.get("external_id", "")[:6] == "sipri:" != obj.external_id[:6]
                changed = ["external_id"] if deal_id and "external_id" in changed else []
            new_citations = [c for c in p.citations if not self.source_known(c[0], cited[obj.pk])]
            if self.publish and not obj.published:
                changed.append("published")
            if changed or replace_items or new_citations:
                to_update.append((p, obj, values, changed, replace_items, new_citations))
            else:
                self.unchanged += 1
        self.created += len(to_create)
        self.updated += len(to_update)
        if write:
            # Replacing items deletes them one by one, with signals: refresh each request once instead.
            with refresh_later():
                self.write(to_create, to_update)

    def existing(self, planned):
        found = {}
        for name in ("uid", "external_id"):
            keys = [p.key[1] for p in planned if p.key[0] == name]
            if keys:
                for obj in self.model.objects.filter(**{f"{name}__in": keys}):
                    found[(name, getattr(obj, name))] = obj
        return found

    def source_known(self, key, source_ids):
        source = self.sources.get(key)
        return source is not None and source.pk in source_ids

    def values(self, planned):
        """Field values as the database stores them: foreign keys by id."""
        values = {}
        for name, value in planned.fields.items():
            if isinstance(value, tuple) and value and value[0] == "person":
                values[f"{name}_id"] = self.person_ids.get(person_key(value[1], value[2])) if value[1] else None
            elif name == "system":
                values["system_id"] = self.system_ids.get(value.lower()) if value else None
            elif name in FOREIGN_KEYS:
                values[f"{name}_id"] = value.pk if value else None
            elif name in self.field_names:  # only what the model holds
                values[name] = value
        if self.model is ArmsRequest:  # a file that says nothing of it has no estimated date
            values["date_estimated"] = estimate(values.get("date_estimated"), values.get("date"))
        values.setdefault(planned.key[0], planned.key[1])  # a SIPRI record matched by another key may be re-keyed
        return values

    def item_tuple(self, item):
        return (
            item["equipment_type"].pk,
            self.system_ids.get(item["system"].lower()) if item["system"] else None,
            item["description"],
            item["help_kind"],
            item["hedged"],
            item["quantity_requested"],
            estimate(item.get("quantity_requested_estimated"), item["quantity_requested"]),
            item["quantity_delivered"],
            estimate(item.get("quantity_delivered_estimated"), item["quantity_delivered"]),
            planned_deliveries(item),
        )

    def qualify_systems(self, planned):
        """In a SIPRI register a designation names one system of one type. An item of another type ("Aditya" is
        an armoured vehicle and a ship) goes to "<designation> (<type>)", so no system holds items of two types."""
        named = {item["system"].lower() for p in planned for item in p.items if item["system"]}
        unseen = named - self.system_types.keys()
        if unseen:
            rows = System.objects.annotate(key=Lower("designation")).filter(key__in=unseen)
            self.system_types.update(rows.values_list("key", "equipment_type_id"))
        for p in planned:
            for item in p.items:
                if not item["system"]:
                    continue
                kind = item.get("system_type") or item["equipment_type"]
                if self.system_types.setdefault(item["system"].lower(), kind.pk) != kind.pk:
                    item["system"], item["system_type"] = f"{item['system']} ({kind.name})", kind
                    key = item["system"].lower()
                    if key not in self.system_types:  # rare: one query per designation of two types
                        held = System.objects.annotate(key=Lower("designation")).filter(key=key)
                        self.system_types[key] = held.values_list("equipment_type_id", flat=True).first() or kind.pk

    def lookup_systems(self, planned):
        if self.importer.file_format.startswith("sipri"):  # in our files an item may be typed apart from its system
            self.qualify_systems(planned)
        wanted = {}
        for p in planned:
            for item in p.items:
                if item["system"]:
                    wanted[item["system"].lower()] = (item["system"], item.get("system_type") or item["equipment_type"])
                    self.spellings[item["system"].lower()].add(item["system"])
            system = p.fields.get("system")
            if system:
                fallback = p.fields.get("equipment_type") or self.importer.types["other"]
                wanted[system.lower()] = (system, fallback)
        unknown = [key for key in wanted if key not in self.system_ids]
        if unknown:
            for key, pk in (
                System.objects.annotate(key=Lower("designation")).filter(key__in=unknown).values_list("key", "pk")
            ):
                self.system_ids[key] = pk
            for key in unknown:
                self.system_ids.setdefault(key, New("system", wanted[key]))

    def possible_duplicates(self):
        """Groups of spellings of one system the file names: among themselves or beside the catalogue's, differing
        only in case, spaces or hyphens within one type. Reported for a curator to check; never merged silently
        (case aside: designations are unique whatever their case, so "COBRA" of the file is the catalogue's "Cobra")."""
        catalogue = dict(System.objects.values_list("designation", "equipment_type_id"))
        types = {key.lower(): type_id for key, type_id in catalogue.items()}
        named = {}
        for key, spellings in self.spellings.items():
            marker = self.system_ids.get(key)
            type_id = marker.key[1].pk if isinstance(marker, New) else types.get(key)
            named.update(dict.fromkeys(spellings, type_id))
        groups = variant_groups({**catalogue, **named})
        return [group for group in groups if any(spelling in named for spelling in group)]

    def lookup_people(self, planned):
        wanted = {}
        for p in planned:
            for value in p.fields.values():
                if isinstance(value, tuple) and value and value[0] == "person" and value[1]:
                    wanted[person_key(value[1], value[2])] = (value[1], value[2])
        unknown = {key: v for key, v in wanted.items() if key not in self.person_ids}
        if not unknown:
            return
        by_name = defaultdict(list)
        names = {name for name, _ in unknown}
        for key, pk, country_id in (
            Person.objects.annotate(key=Lower("name")).filter(key__in=names).values_list("key", "pk", "country_id")
        ):
            by_name[key].append((pk, country_id))
        for key, (name, country) in unknown.items():
            candidates = by_name.get(key[0], [])
            same_country = [pk for pk, country_id in candidates if country_id == key[1]]
            if same_country or len(candidates) == 1:
                self.person_ids[key] = (same_country or [candidates[0][0]])[0]
            else:
                self.person_ids[key] = New("person", (name, country))

    def lookup_sources(self):
        for key, fields in self.importer.sources.items():
            if key not in self.sources:
                found = Source.objects.filter(outlet=fields["outlet"], title=fields["title"]).first()
                self.sources[key] = found or Source(**fields)

    # ----------------------------------------------------------------- write

    def create(self, model, objects):
        insert(model, objects)  # bulk_create, faster (models/bulk.py)
        if model in (Source, System, Person):  # items and citations are versioned with their record
            record_each(objects, self.user, self.reason)

    def write(self, to_create, to_update):
        new_sources = [s for s in self.sources.values() if s.pk is None]
        if new_sources:
            self.create(Source, new_sources)
            sources_saved.send(Source, sources=new_sources, user=self.user)  # evidence captures their pages
        self.create_missing(
            System, "system", lambda key: System(designation=key[0], equipment_type=key[1], slug=self.slugs[key[0]])
        )
        self.create_missing(Person, "person", lambda key: Person(name=key[0], country=key[1]))
        now = timezone.now()
        records = [
            self.model(**self.resolved(values), published=self.publish and bool(p.citations)) for p, values in to_create
        ]
        for record in records:  # bulk writes send no signals
            stamp_first_publication(record, now)
        self.create(self.model, records)
        items, citations = [], []
        for (p, _), record in zip(to_create, records, strict=True):
            items += self.items_for(p, record)
            citations += self.citations_for(p.citations, record)
        updates, fields, replaced = [], set(), []
        for p, obj, values, changed, replace_items, new_citations in to_update:
            resolved = self.resolved(values)
            for name in changed:
                setattr(obj, name, True if name == "published" else resolved[name])
            if "published" in changed:
                stamp_first_publication(obj, now)
                changed.append("published_at")
            fields.update(changed)
            updates.append(obj)
            if replace_items:
                replaced.append(obj.pk)
                items += self.items_for(p, obj)
            citations += self.citations_for(new_citations, obj)
        RequestItem.objects.filter(request__in=replaced).delete()  # one query a batch, not one a record
        if updates:  # a record whose items or citations alone changed was changed too (its last_changed)
            for obj in updates:
                obj.updated_at = now  # bulk_update leaves auto_now fields alone
            self.model.objects.bulk_update(updates, sorted(fields | {"updated_at"}), batch_size=BATCH)
        self.create(RequestItem, items)
        deliveries = [Delivery(item=item, **d) for item in items for d in item.planned_deliveries]
        self.create(Delivery, deliveries)
        self.create(Citation, citations)
        # One revision per touched record, with its items and citations as now written.
        known = written_rows(records, items, deliveries, citations, self.model.citation_field)
        record_each(records + [obj for _, obj, *_ in to_update], self.user, self.reason, known=known)
        touched = [record.pk for record in records] + [obj.pk for _, obj, *_ in to_update]
        if self.model is ArmsRequest:  # bulk writes send no signals
            refresh_search_text(touched)
        else:
            refresh_deployment_text(touched)

    def create_missing(self, model, kind, build):
        """Create the people or systems this batch names that are still New; remember their ids."""
        ids = self.person_ids if kind == "person" else self.system_ids
        missing = {key: marker for key, marker in ids.items() if isinstance(marker, New)}
        if not missing:
            return
        if kind == "system":
            self.reserve_slugs([marker.key[0] for marker in missing.values()])
        objects = [build(marker.key) for marker in missing.values()]
        self.create(model, objects)
        for key, obj in zip(missing, objects, strict=True):
            ids[key] = obj.pk

    def reserve_slugs(self, designations):
        """Free slugs for new systems. The catalogue of systems is small (thousands), so its slugs are read once."""
        if self.taken_slugs is None:
            self.taken_slugs = set(System.objects.values_list("slug", flat=True))
        self.slugs = {}
        for designation in designations:
            base = slugify(designation)[:120] or "system"
            slug, n = base, 1
            while slug in self.taken_slugs:
                n += 1
                slug = f"{base}-{n}"
            self.taken_slugs.add(slug)
            self.slugs[designation] = slug

    def resolved(self, values):
        """Values with people and systems created in this batch replaced by their ids."""
        out = {}
        for name, value in values.items():
            if name in ("requested_by_id", "addressed_to_id") and isinstance(value, New):
                value = self.person_ids[person_key(*value.key)]
            elif name == "system_id" and isinstance(value, New):
                value = self.system_ids[value.key[0].lower()]
            out[name] = value
        return out

    def items_for(self, planned, record):
        items = []
        for item in planned.items:
            obj = RequestItem(
                request=record,
                equipment_type=item["equipment_type"],
                system_id=self.system_ids[item["system"].lower()] if item["system"] else None,
                description=item["description"][:500],
                help_kind=item["help_kind"],
                hedged=item["hedged"],
                quantity_requested=item["quantity_requested"],
                quantity_requested_estimated=estimate(
                    item.get("quantity_requested_estimated"), item["quantity_requested"]
                ),
                quantity_delivered=item["quantity_delivered"],
                quantity_delivered_estimated=estimate(
                    item.get("quantity_delivered_estimated"), item["quantity_delivered"]
                ),
            )
            # Written once the items have their ids (Writer.write).
            obj.planned_deliveries = [
                {"year": year, "quantity": quantity, "estimated": estimated}
                for year, quantity, estimated in planned_deliveries(item)
            ]
            items.append(obj)
        return items

    def citations_for(self, citations, record):
        field = self.model.citation_field
        return [
            Citation(
                source=self.sources[key], quote=quote, location=location, credibility=credibility, **{field: record}
            )
            for key, quote, location, credibility in citations
        ]


def person_key(name, country):
    return (name.strip().lower(), country.pk if country else None)


def item_tuple(item, deliveries):
    """An item as stored, with its deliveries by year: equal to Writer.item_tuple() of a planned item if unchanged."""
    return (
        item.equipment_type_id,
        item.system_id,
        item.description,
        item.help_kind,
        item.hedged,
        item.quantity_requested,
        item.quantity_requested_estimated,
        item.quantity_delivered,
        item.quantity_delivered_estimated,
        tuple(deliveries),
    )


def estimate(flag, value):
    """An estimate flag as stored: an empty value is no estimate (the database refuses the pair)."""
    return bool(flag) and value is not None


def planned_deliveries(item):
    """A planned item's deliveries ((year, quantity, estimated), by year) as the database holds them."""
    return tuple(
        sorted((int(year), quantity, bool(estimated)) for year, quantity, estimated in item.get("deliveries") or ())
    )
