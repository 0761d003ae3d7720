"""How SIPRI's and UNROCA's categories map onto our equipment types (tracker/reference.py).

The type slugs are the stable keys the mappings (and the importer) rely on.
"""

import re

# SIPRI Arms Transfers Database "armament category" -> our type slug.
SIPRI_CATEGORIES = {
    "Aircraft": "aircraft-other",
    "Air defence systems": "air-defence",
    "Anti-submarine warfare weapons": "naval-weapon",
    "Armoured vehicles": "armoured-vehicle",
    "Artillery": "artillery",
    "Engines": "engine",
    "Missiles": "missile",
    "Naval weapons": "naval-weapon",
    "Other": "other",
    "Satellites": "satellite",
    "Sensors": "radar-sensor",
    "Ships": "ship",
}

# UN Register of Conventional Arms categories (seven plus one) -> our type slug.
UNROCA_CATEGORIES = {
    "I. Battle tanks": "armoured-vehicle",
    "II. Armoured combat vehicles": "armoured-vehicle",
    "III. Large-calibre artillery systems": "artillery",
    "IV. Combat aircraft": "combat-aircraft",
    "IV a) Combat aircraft: manned": "combat-aircraft",
    "IV b) Combat aircraft: unmanned": "uav",
    "V. Attack helicopters": "helicopter",
    "V a) Attack helicopters: manned": "helicopter",
    "V b) Attack helicopters: unmanned": "uav",
    "VI. Warships": "ship",
    "VII. Missiles and missile launchers": "missile",
    "VII a) Missiles and missile launchers": "missile",
    "VII b) Man-portable air-defence systems": "air-defence",
    "Small arms and light weapons": "small-arms",
}

# SIPRI's weapon descriptions ("FGA aircraft", "SAM", "UAV"...) say more than its
# category; the first whole word or phrase found decides ("tank" is not "tanker").
SIPRI_DESCRIPTION_WORDS = [
    ("uav", "uav"),
    ("ucav", "uav"),
    ("drone", "uav"),
    ("loitering munition", "uav"),
    ("helicopter", "helicopter"),
    ("fga aircraft", "combat-aircraft"),
    ("fighter", "combat-aircraft"),
    ("bomber", "combat-aircraft"),
    ("ground attack", "combat-aircraft"),
    ("combat aircraft", "combat-aircraft"),
    ("jammer", "electronic-warfare"),
    ("ew system", "electronic-warfare"),
    ("elint", "electronic-warfare"),
    ("sam system", "air-defence"),
    ("manpads", "air-defence"),
    ("portable sam", "air-defence"),
    ("aa gun", "air-defence"),
    ("radar", "radar-sensor"),
    ("sonar", "radar-sensor"),
    ("sam", "missile"),
    ("missile", "missile"),
    ("torpedo", "naval-weapon"),
    ("submarine", "ship"),
    ("frigate", "ship"),
    ("corvette", "ship"),
    ("patrol craft", "ship"),
    ("tank", "armoured-vehicle"),
    ("apc", "armoured-vehicle"),
    ("ifv", "armoured-vehicle"),
    ("armoured", "armoured-vehicle"),
    ("mrl", "artillery"),
    ("artillery", "artillery"),
    ("rocket launcher", "artillery"),
    ("howitzer", "artillery"),
    ("mortar", "artillery"),
    ("gun", "artillery"),
    ("tanker", "aircraft-other"),
    ("engine", "engine"),
    ("turbofan", "engine"),
    ("satellite", "satellite"),
    ("aircraft", "aircraft-other"),
]


def sipri_type_slug(category="", description=""):
    """Our equipment-type slug for a SIPRI deal: its description first, then its category.

    Returns None when neither says anything we recognise, so the caller can
    report the row instead of guessing.
    """
    words = (description or "").lower()
    for needle, slug in SIPRI_DESCRIPTION_WORDS:
        if re.search(rf"\b{re.escape(needle)}\b", words):
            return slug
    return SIPRI_CATEGORIES.get((category or "").strip())


def unroca_type_slug(category):
    return UNROCA_CATEGORIES.get((category or "").strip())
