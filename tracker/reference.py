"""Reference data loaded by migration, never hand-typed: countries and SIPRI's other parties, equipment types, roles.

Each loader takes an app registry (the migration's historical one, or the live
one from `load_reference`) and is idempotent: running it again changes nothing.
"""

import csv
from pathlib import Path

# The equipment-type scheme: preloaded by migration, curated in the admin afterwards.
# slug, name, description
EQUIPMENT_TYPES = [
    ("combat-aircraft", "Combat aircraft", "Fighters, ground-attack aircraft and bombers."),
    (
        "aircraft-other",
        "Other or unspecified aircraft",
        "Transport, trainer, tanker and patrol aircraft, or military aircraft of unknown kind.",
    ),
    ("helicopter", "Helicopter", "Attack, transport and utility helicopters."),
    ("uav", "UAV / drone", "Uncrewed aerial vehicles, armed or not, and loitering munitions."),
    ("radar-sensor", "Radar / sensor", "Radars, passive detection systems, sonars and other sensors."),
    (
        "electronic-warfare",
        "Jammer / electronic warfare",
        "GPS and radio jammers, electronic-warfare and signals-intelligence systems.",
    ),
    ("missile", "Missile", "Guided missiles and rockets of any range, and their launchers."),
    ("air-defence", "Air-defence system", "Surface-to-air missile systems, MANPADS and anti-aircraft guns."),
    ("ship", "Ship", "Warships, submarines, patrol craft and auxiliaries."),
    ("naval-weapon", "Naval weapon", "Naval guns, torpedoes and anti-submarine weapons."),
    ("armoured-vehicle", "Armoured vehicle", "Tanks, armoured personnel carriers and infantry fighting vehicles."),
    ("artillery", "Artillery", "Guns, howitzers, mortars and multiple rocket launchers."),
    ("small-arms", "Small arms and light weapons", "Rifles, machine guns, grenade launchers."),
    ("ammunition", "Ammunition", "Shells, bombs, cartridges and other munitions."),
    ("engine", "Engine", "Engines for aircraft, ships and vehicles."),
    ("satellite", "Satellite / space", "Satellites and space launch services."),
    ("other", "Other", "Anything that fits no other type, including general military cooperation."),
]

EQUIPMENT_TYPE_SLUGS = {slug for slug, _name, _description in EQUIPMENT_TYPES}

# ISO 3166-1 (names and codes from pycountry 26.2.16) joined with UN M49 regions
# (from country_converter 1.3.2); see tracker/data/README.md.
COUNTRIES_CSV = Path(__file__).parent / "data" / "countries.csv"

# The parties without ISO code that SIPRI names, each with its kind (see tracker/data/README.md):
# former and unrecognised states, non-state parties (SIPRI's `*`), international organisations (`**`)
# and the unknown parties. The stored name is SIPRI's without the marks; the kind says what they said.
PARTIES_CSV = Path(__file__).parent / "data" / "parties.csv"

CURATED_MODELS = [
    "country",
    "equipmenttype",
    "system",
    "person",
    "source",
    "citation",
    "claim",
    "armsrequest",
    "requestitem",
    "deployment",
]

# Former states that SIPRI (and historians) still name: Country rows without a
# current ISO code. (name, ISO 3166-3 code, region, subregion, note). Loaded first by
# migration 0004; load_parties() loads them with their kind, beside PARTIES_CSV.
HISTORICAL_STATES = [
    ("Soviet Union", "SUHH", "Europe", "Eastern Europe", "Dissolved in 1991."),
    ("Yugoslavia", "YUCS", "Europe", "Southern Europe", "Socialist Federal Republic, dissolved 1991-1992."),
    ("Czechoslovakia", "CSHH", "Europe", "Eastern Europe", "Divided in 1993 into Czechia and Slovakia."),
    ("East Germany", "DDDE", "Europe", "Western Europe", "German Democratic Republic, joined Germany in 1990."),
    ("Serbia and Montenegro", "CSXX", "Europe", "Southern Europe", "State union 2003-2006."),
    ("North Yemen", "YEYE", "Asia", "Western Asia", "Yemen Arab Republic, merged into Yemen in 1990."),
    ("South Yemen", "YDYE", "Asia", "Western Asia", "People's Democratic Republic of Yemen, merged in 1990."),
]

ROLE_EDITORS = "editors"
ROLE_VIEWERS = "viewers"


def country_rows():
    with COUNTRIES_CSV.open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def load_countries(apps):
    """Create missing ISO countries and correct drifted fields; returns (created, updated)."""
    Country = apps.get_model("tracker", "Country")
    existing = {c.iso2: c for c in Country.objects.filter(iso2__isnull=False)}
    created = updated = 0
    fields = ["iso3", "numeric", "name", "official_name", "region", "subregion"]
    # Migration 0002 runs this on a Country that has no kind yet (0011 adds it).
    kind = {"kind": "state"} if any(field.name == "kind" for field in Country._meta.fields) else {}
    for row in country_rows():
        values = {field: row[field] for field in fields}
        country = existing.get(row["iso2"])
        if country is None:
            Country.objects.create(iso2=row["iso2"], **kind, **values)
            created += 1
        elif any(getattr(country, field) != value for field, value in values.items() if field != "name"):
            # Curators may rename a country for display; codes and regions follow ISO/UN.
            for field, value in values.items():
                if field != "name":
                    setattr(country, field, value)
            country.save()
            updated += 1
    return created, updated


def load_historical_states(apps):
    """Create the former states that are missing; returns how many were created (migration 0004, before kinds)."""
    Country = apps.get_model("tracker", "Country")
    existing = {name.lower() for name in Country.objects.values_list("name", flat=True)}
    created = 0
    for name, code, region, subregion, note in HISTORICAL_STATES:
        if name.lower() not in existing:
            Country.objects.create(
                name=name, region=region, subregion=subregion, notes=f"Former state (ISO 3166-3 {code}). {note}"
            )
            created += 1
    return created


def party_rows():
    """Every party without ISO code that the reference data knows: (name, kind, region, subregion, notes)."""
    for name, code, region, subregion, note in HISTORICAL_STATES:
        yield name, "former_state", region, subregion, f"Former state (ISO 3166-3 {code}). {note}"
    with PARTIES_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield row["name"], row["kind"], row["region"], row["subregion"], row["notes"]


def load_parties(apps):
    """Create the missing parties, and give a row of the same name without ISO code its kind.

    A party a curator made before the reference data knew it (say "NATO" as a non-state party) becomes
    the reference party: its name, notes and records stay. Returns (created, corrected).
    """
    Country = apps.get_model("tracker", "Country")
    names = {c.name.lower(): c for c in Country.objects.all()}
    created = corrected = 0
    for name, kind, region, subregion, notes in party_rows():
        country = names.get(name.lower())
        if country is None:
            Country.objects.create(name=name, kind=kind, region=region, subregion=subregion, notes=notes)
            created += 1
        elif country.iso2 is None and country.kind != kind:
            country.kind = kind
            country.save(update_fields=["kind"])
            corrected += 1
    return created, corrected


def load_equipment_types(apps):
    """Create the preloaded types that are missing; curated names are left alone."""
    EquipmentType = apps.get_model("tracker", "EquipmentType")
    existing = set(EquipmentType.objects.values_list("slug", flat=True))
    created = 0
    for slug, name, description in EQUIPMENT_TYPES:
        if slug not in existing:
            EquipmentType.objects.create(slug=slug, name=name, description=description)
            created += 1
    return created


def load_all(apps):
    """Everything above; returns what was created or corrected, for a report."""
    created, updated = load_countries(apps)
    parties, kinds = load_parties(apps)
    types = load_equipment_types(apps)
    sync_roles(apps)
    return {"countries": created, "corrected": updated + kinds, "other parties": parties, "equipment types": types}


def sync_roles(apps):
    """Editors curate (add/change/delete/view); viewers read everything, drafts included."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        stub = getattr(app_config, "models_module", None) is None  # a migration's app registry
        if stub:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if stub:
            app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    tracker_perms = Permission.objects.filter(content_type__app_label="tracker", content_type__model__in=CURATED_MODELS)
    editors, _ = Group.objects.get_or_create(name=ROLE_EDITORS)
    viewers, _ = Group.objects.get_or_create(name=ROLE_VIEWERS)
    # Both may read the import log and the jobs; importing itself needs add and change on what is imported,
    # and only who may start a job may retry or cancel it (tracker.curation.jobs), so nobody gets change_job.
    # Captures too: both read them; editors may ask for one (add_capture) but nobody changes a kept copy.
    import_log = Permission.objects.filter(
        content_type__app_label="tracker",
        codename__in=["view_importrun", "view_job", "view_capture", "view_linkcheck", "view_release"],
    )
    # Releases (issue 25): editors make one (add_release); nobody changes or deletes one, its files are for good.
    ask_capture = Permission.objects.filter(
        content_type__app_label="tracker", codename__in=["add_capture", "add_release"]
    )
    # Readings of articles (the review page): both read them; editors start and decide them, nobody deletes one.
    read_readings = Permission.objects.filter(content_type__app_label="tracker", codename="view_reading")
    decide = Permission.objects.filter(
        content_type__app_label="tracker", codename__in=["add_reading", "change_reading"]
    )
    editors.permissions.add(*tracker_perms, *import_log, *ask_capture, *read_readings, *decide)
    viewers.permissions.add(*tracker_perms.filter(codename__startswith="view_"), *import_log, *read_readings)
