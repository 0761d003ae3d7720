"""Demo data: every claim of the seed article (tracker/data/seed_article.txt) as records.

Only what the article says is recorded. It carries no day and no URL, only its
year (2025), so requests are dated to the year; unreported quantities stay
empty and the source's words go into the descriptions; hedges ("possibly",
"almost certainly") are kept on the items they qualify.

Loading is idempotent: records are keyed by `external_id` (requests,
deployments) or by natural keys (sources, people, systems); what exists is left
as it is, so a curator's later edits survive a reload.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from tracker.dates import DatePrecision
from tracker.models import (
    ArmsRequest,
    Channel,
    Citation,
    Country,
    Credibility,
    Deployment,
    DeploymentStatus,
    EquipmentType,
    HelpKind,
    Person,
    Reliability,
    RequestItem,
    RequestStatus,
    Source,
    SourceKind,
    System,
)
from tracker.models.history import revision
from tracker.models.indexing import refresh_later

REASON = "Demo data from the seed article"
YEAR_2025 = (datetime.date(2025, 1, 1), DatePrecision.YEAR)

SOURCES = {
    "newsmax": {
        "outlet": "Newsmax",
        "title": "Venezuela wants urgent military support from Russia, China, and Iran",
        "author": "Solange Reyner",
        "published_on": YEAR_2025[0],
        "published_precision": DatePrecision.YEAR,
        "kind": SourceKind.NEWS_REPORT,
        "reliability": Reliability.C,
        "notes": "Our copy carries no headline, URL or day: the title is the article's first sentence, "
        "the date only its copyright year. It relays The Washington Post's report.",
    },
    "wapo": {
        "outlet": "The Washington Post",
        "title": "Report on U.S. documents about Venezuela's requests to Russia, China and Iran",
        "author": "",
        "published_on": None,
        "published_precision": "",
        "kind": SourceKind.NEWS_REPORT,
        "reliability": Reliability.B,
        "notes": "Known to us only as relayed by Newsmax ('according to documents viewed by The Washington "
        "Post'); title descriptive, date and URL not reported.",
    },
}

PEOPLE = {
    "maduro": ("Nicolas Maduro", "President of Venezuela", "VE"),
    "xi": ("Xi Jinping", "President of China", "CN"),
    "velasquez": ("Ramon Celestino Velasquez", "Venezuelan Transport Minister", "VE"),
}

SYSTEMS = {
    "su-30mk2": {
        "designation": "Su-30MK2",
        "equipment_type": "combat-aircraft",
        "manufacturer": "Sukhoi",
        "origin": "RU",
        "description": "Russian Sukhoi combat aircraft; Venezuela bought several.",
    },
}

# Sentences of the article, verbatim; each citation quotes one or more.
S_OPENING = (
    "Venezuela wants urgent military support from Russia, China, and Iran amid the U.S. military buildup "
    "in the Caribbean, according to documents viewed by The Washington Post."
)
S_CHINA = (
    "In a letter to Chinese President Xi Jinping, Venezuelan President Nicolas Maduro said his country was "
    'seeking "expanded military cooperation" between their two countries to counter "the escalation between '
    'the U.S. and Venezuela."'
)
S_CHINA_FRAMING = (
    '"In the missive, Maduro emphasized the seriousness of perceived U.S. aggression in the Caribbean, framing '
    'U.S. military action against Venezuela as action against China due to their shared ideology," the U.S. '
    "documents state."
)
S_RUSSIA = (
    "In a letter to Moscow, Maduro requested repairs for radars, military aircraft, and possibly missile "
    "supplies, including restoring several Russian Sukhoi Su-30MK2 aircraft purchased by Venezuela."
)
S_SUKHOI = (
    'The Sukhoi jets, he said, "represented the most important deterrent the Venezuelan National Government '
    'had when facing the threat of war," according to the documents.'
)
S_IRAN_DELIVERY = (
    "Venezuelan Transport Minister Ramon Celestino Velasquez also recently coordinated the delivery of military "
    "equipment and drones from Iran while planning a visit to that country, according to the Post."
)
S_IRAN_ASK = (
    'Velasquez also told an Iranian official that Caracas needs "passive detection devices," "GPS jammers," '
    'and "almost certainly drones with a range of 1,000 km."'
)
S_BUILDUP = (
    "The U.S. has built up a large military presence in the Caribbean in recent months, with fighter jets, "
    "warships, and thousands of troops."
)
S_FORD = (
    "That presence will significantly expand in the coming weeks with the arrival of the USS Gerald Ford "
    "aircraft carrier strike group."
)
S_CAMPAIGN = (
    "The U.S. campaign in the Caribbean and eastern Pacific has already targeted at least 14 boats that "
    "Washington said were involved in the illegal drug trade, killing 61 people."
)

RELAYED = "as relayed by Newsmax"


def both_sources(*sentences, credibility=Credibility.PROBABLY_TRUE):
    """The Post saw the documents; Newsmax relays it. Neither confirms the other."""
    quote = " ".join(sentences)
    return [("wapo", quote, RELAYED, credibility), ("newsmax", quote, "", credibility)]


REQUESTS = [
    {
        "external_id": "demo:2025-ve-cn-cooperation",
        "requester": "VE",
        "supplier": "CN",
        "requested_by": "maduro",
        "addressed_to": "xi",
        "channel": Channel.LETTER,
        "status": RequestStatus.REQUESTED,
        "summary": 'Maduro wrote to Xi Jinping seeking "expanded military cooperation" to counter "the '
        'escalation between the U.S. and Venezuela."',
        "notes": "The letter framed U.S. military action against Venezuela as action against China "
        "due to their shared ideology (U.S. documents, per the Post).",
        "items": [("other", None, "expanded military cooperation", HelpKind.COOPERATION, False)],
        "citations": both_sources(S_CHINA, S_CHINA_FRAMING),
    },
    {
        "external_id": "demo:2025-ve-ru-repairs",
        "requester": "VE",
        "supplier": "RU",
        "requested_by": "maduro",
        "addressed_to": None,
        "channel": Channel.LETTER,
        "status": RequestStatus.REQUESTED,
        "summary": "Maduro wrote to Moscow asking for repairs of radars and military aircraft, including "
        "restoring several Su-30MK2 jets, and possibly missile supplies.",
        "notes": 'Maduro called the Sukhoi jets "the most important deterrent the Venezuelan National '
        'Government had when facing the threat of war." The recipient in Moscow is not named.',
        "items": [
            ("radar-sensor", None, "repairs for radars", HelpKind.REPAIR, False),
            ("aircraft-other", None, "repairs for military aircraft", HelpKind.REPAIR, False),
            (
                "combat-aircraft",
                "su-30mk2",
                "restoring several Russian Sukhoi Su-30MK2 aircraft purchased by Venezuela",
                HelpKind.REPAIR,
                False,
            ),
            ("missile", None, "possibly missile supplies", HelpKind.NEW_SUPPLY, True),
        ],
        "citations": both_sources(S_RUSSIA, S_SUKHOI),
    },
    {
        "external_id": "demo:2025-ve-ir-sensors-jammers-drones",
        "requester": "VE",
        "supplier": "IR",
        "requested_by": "velasquez",
        "addressed_to": None,
        "channel": Channel.UNKNOWN,
        "status": RequestStatus.REQUESTED,
        "summary": 'Velasquez told an Iranian official that Caracas needs "passive detection devices," '
        '"GPS jammers," and "almost certainly drones with a range of 1,000 km."',
        "notes": "The Iranian official is not named; how Velasquez told them is not reported.",
        "items": [
            ("radar-sensor", None, "passive detection devices", HelpKind.NEW_SUPPLY, False),
            ("electronic-warfare", None, "GPS jammers", HelpKind.NEW_SUPPLY, False),
            ("uav", None, "almost certainly drones with a range of 1,000 km", HelpKind.NEW_SUPPLY, True),
        ],
        "citations": both_sources(S_IRAN_ASK),
    },
    {
        "external_id": "demo:2025-ve-ir-delivery",
        "requester": "VE",
        "supplier": "IR",
        "requested_by": None,
        "addressed_to": None,
        "channel": Channel.UNKNOWN,
        "status": RequestStatus.DELIVERED,
        "summary": "Delivery of military equipment and drones from Iran, recently coordinated by Venezuelan "
        "Transport Minister Ramon Celestino Velasquez.",
        "notes": "Velasquez coordinated the delivery while planning a visit to Iran. Quantities and types "
        "of equipment are not reported.",
        "items": [
            ("other", None, "military equipment", HelpKind.NEW_SUPPLY, False),
            ("uav", None, "drones", HelpKind.NEW_SUPPLY, False),
        ],
        "citations": both_sources(S_IRAN_DELIVERY),
    },
]

BUILDUP_PURPOSE = (
    "Part of the U.S. campaign in the Caribbean and eastern Pacific, which has targeted at least 14 boats "
    "that Washington said were involved in the illegal drug trade."
)
BUILDUP_NOTES = 'Built up "in recent months" before the 2025 report; the start date is not reported.'
# The article places the build-up only "in the Caribbean": the middle of the Caribbean Sea, at the precision of a
# wide region or sea, so the map draws it as that and nothing finer.
CARIBBEAN = {"latitude": Decimal("15.00000"), "longitude": Decimal("-75.00000"), "location_precision": "region"}

DEPLOYMENTS = [
    {
        "external_id": "demo:2025-us-caribbean-fighters",
        "equipment_type": "combat-aircraft",
        "unit": "",
        "description": "fighter jets",
        "status": DeploymentStatus.ACTIVE,
        "purpose": BUILDUP_PURPOSE,
        "notes": BUILDUP_NOTES,
        "citations": [("newsmax", f"{S_BUILDUP} {S_CAMPAIGN}", "", Credibility.PROBABLY_TRUE)],
    },
    {
        "external_id": "demo:2025-us-caribbean-warships",
        "equipment_type": "ship",
        "unit": "",
        "description": "warships",
        "status": DeploymentStatus.ACTIVE,
        "purpose": BUILDUP_PURPOSE,
        "notes": BUILDUP_NOTES,
        "citations": [("newsmax", f"{S_BUILDUP} {S_CAMPAIGN}", "", Credibility.PROBABLY_TRUE)],
    },
    {
        "external_id": "demo:2025-us-caribbean-troops",
        "equipment_type": None,
        "unit": "",
        "description": "thousands of troops",
        "status": DeploymentStatus.ACTIVE,
        "purpose": BUILDUP_PURPOSE,
        "notes": BUILDUP_NOTES + " The number of troops is not reported.",
        "citations": [("newsmax", f"{S_BUILDUP} {S_CAMPAIGN}", "", Credibility.PROBABLY_TRUE)],
    },
    {
        "external_id": "demo:2025-us-caribbean-ford-csg",
        "equipment_type": "ship",
        "unit": "USS Gerald R. Ford carrier strike group",
        "description": "the USS Gerald Ford aircraft carrier strike group, arriving in the coming weeks",
        "status": DeploymentStatus.ANNOUNCED,
        "purpose": "To significantly expand the U.S. military presence in the Caribbean.",
        "notes": 'Arrival expected "in the coming weeks" as of the 2025 report; no date reported.',
        "citations": [("newsmax", S_FORD, "", Credibility.PROBABLY_TRUE)],
    },
]


def _tracked(obj):
    """Saved in a revision; inside record(), in that record's one revision."""
    with revision(comment=REASON):
        obj.save()
    return obj


@transaction.atomic
@refresh_later()  # saves below refresh search documents; once per request, at the end
def load_demo():
    """Create what is missing; returns a dict of how many of each were created."""
    created = dict.fromkeys(["sources", "people", "systems", "requests", "deployments"], 0)
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=["VE", "CN", "RU", "IR", "US"])}
    types = {t.slug: t for t in EquipmentType.objects.all()}

    sources = {}
    for key, fields in SOURCES.items():
        source = Source.objects.filter(outlet=fields["outlet"], title=fields["title"]).first()
        if source is None:
            source = _tracked(Source(**fields))
            created["sources"] += 1
        sources[key] = source

    people = {}
    for key, (name, title, iso2) in PEOPLE.items():
        person = Person.objects.filter(name=name, country=countries[iso2]).first()
        if person is None:
            person = _tracked(Person(name=name, title=title, country=countries[iso2]))
            created["people"] += 1
        people[key] = person

    systems = {}
    for slug, fields in SYSTEMS.items():
        system = System.objects.filter(slug=slug).first()
        if system is None:
            system = _tracked(
                System(
                    slug=slug,
                    designation=fields["designation"],
                    equipment_type=types[fields["equipment_type"]],
                    manufacturer=fields["manufacturer"],
                    origin_country=countries[fields["origin"]],
                    description=fields["description"],
                )
            )
            created["systems"] += 1
        systems[slug] = system

    for spec in REQUESTS:
        if ArmsRequest.objects.filter(external_id=spec["external_id"]).exists():
            continue
        with revision(comment=REASON):  # the request, its items and citations: one revision
            _add_request(spec, countries, people, types, systems, sources)
        created["requests"] += 1

    for spec in DEPLOYMENTS:
        if Deployment.objects.filter(external_id=spec["external_id"]).exists():
            continue
        with revision(comment=REASON):
            _add_deployment(spec, countries, types, sources)
        created["deployments"] += 1
    return created


def _add_request(spec, countries, people, types, systems, sources):
    request = _tracked(
        ArmsRequest(
            external_id=spec["external_id"],
            requester=countries[spec["requester"]],
            supplier=countries[spec["supplier"]],
            requested_by=people.get(spec["requested_by"]),
            addressed_to=people.get(spec["addressed_to"]),
            date=YEAR_2025[0],
            date_precision=YEAR_2025[1],
            channel=spec["channel"],
            status=spec["status"],
            summary=spec["summary"],
            notes=spec["notes"],
        )
    )
    for type_slug, system_slug, description, help_kind, hedged in spec["items"]:
        _tracked(
            RequestItem(
                request=request,
                equipment_type=types[type_slug],
                system=systems.get(system_slug),
                description=description,
                help_kind=help_kind,
                hedged=hedged,
            )
        )
    _cite(request, spec["citations"], sources)


def _add_deployment(spec, countries, types, sources):
    deployment = _tracked(
        Deployment(
            external_id=spec["external_id"],
            country=countries["US"],
            equipment_type=types.get(spec["equipment_type"]),
            unit=spec["unit"],
            description=spec["description"],
            location="Caribbean",
            region="Caribbean",
            **CARIBBEAN,
            status=spec["status"],
            purpose=spec["purpose"],
            notes=spec["notes"],
        )
    )
    _cite(deployment, spec["citations"], sources)


def _cite(record, citations, sources):
    """Attach the citations, then publish: every demo record has its sources."""
    field = record.citation_field
    for source_key, quote, location, credibility in citations:
        _tracked(
            Citation(
                source=sources[source_key], quote=quote, location=location, credibility=credibility, **{field: record}
            )
        )
    record.published = True
    record.full_clean()
    _tracked(record)
