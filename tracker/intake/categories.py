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

# Which of our types agree with each SIPRI armament category: a description may refine its category
# (Aircraft -> helicopter), never contradict it (a Naval weapons "naval SAM system" stays a naval weapon).
# SIPRI's "Other" holds turrets and refuelling gear of every kind, so any type agrees with it.
CATEGORY_TYPES = {
    "Aircraft": {"combat-aircraft", "aircraft-other", "helicopter", "uav"},
    "Air defence systems": {"air-defence"},
    "Anti-submarine warfare weapons": {"naval-weapon"},
    "Armoured vehicles": {"armoured-vehicle"},
    # SIPRI files missile launchers (SSM launchers) under Artillery; our missile type holds their launchers.
    "Artillery": {"artillery", "missile"},
    "Engines": {"engine"},
    # Missiles: also torpedoes (naval weapons), loitering munitions (UAVs) and portable SAMs (MANPADS).
    "Missiles": {"missile", "naval-weapon", "uav", "air-defence"},
    # A "naval SAM system" is an air-defence system wherever it sits: typed alike in both layouts.
    "Naval weapons": {"naval-weapon", "air-defence"},
    "Satellites": {"satellite"},
    "Sensors": {"radar-sensor", "electronic-warfare"},
    "Ships": {"ship"},
}

# The head of a SIPRI description decides its type: the last words of the phrase, the longest match
# first ("anti-radar missile" is a missile, "combat aircraft radar" a radar, "tank destroyer" a vehicle,
# "destroyer" a ship). In "trainer/combat aircraft" the head follows the last slash. Tested on SIPRI's
# whole vocabulary (tests/data/sipri_vocabulary.csv). Hyphens are read as spaces.
HEADS = {
    "combat-aircraft": "fga aircraft, fga, fighter aircraft, fighter, bomber aircraft, bomber, ground attack aircraft, "
    "combat aircraft, strike aircraft, attack aircraft",
    "aircraft-other": "aircraft, ac, airship, trainer, tanker aircraft, aeroplane, airplane",
    "helicopter": "helicopter, heli",
    "uav": "uav, ucav, drone, loitering munition",
    "radar-sensor": "radar, radar system, sonar, eo system, recce system, search system, fire control, sensor, "
    "surveillance system, electro optical system, reconnaissance system, fire control system, "
    "coastal defence system",
    "electronic-warfare": "sigint system, elint system, ew system, jammer, esm system, signals intelligence system",
    "missile": "missile, sam, ssm, asm, bvraam, sraam, aam, abm, slbm, icbm, guided bomb, glide bomb, guided rocket, "
    "guided shell, atgm, missile launcher, ssm launcher, ssm tel",
    "air-defence": "portable sam, manpads, sam system, ad system, aa gun, anti aircraft gun, aa gun system, "
    "abm system, aa gun turret, air defence system, anti aircraft gun turret, anti aircraft gun system",
    "ship": "ship, boat, gunboat, craft, vessel, frigate, corvette, destroyer, cruiser, submarine, carrier, opv, fac, "
    "minesweeper, minehunter, minelayer, tug, icebreaker, aals, tanker, ssb",
    "naval-weapon": "torpedo, naval gun, naval mine, mine, asw mrl, naval mrl, depth charge, asw weapon, asw rocket",
    "armoured-vehicle": "apc, apv, ifv, tank, light tank, tank destroyer, arv, aev, afsv, alv, amv, av, armoured car, "
    "bridgelayer, chassis, vehicle, personnel carrier, apc turret, ifv turret, tank turret, av turret, "
    "vehicle turret, carrier turret, tank destroyer turret",
    "artillery": "gun, howitzer, mortar, mrl, rocket launcher, spg turret, mortar turret, gun turret",
    "engine": "engine, turbofan, turbojet, turboprop, turboshaft, gas turbine, turbine, nuclear reactor",
    "satellite": "satellite",
}
HEAD_TYPES = {head.strip(): slug for slug, heads in HEADS.items() for head in heads.split(",")}
LONGEST_HEAD = max(len(head.split()) for head in HEAD_TYPES)


def head_type(description):
    """The type the head of a description names, or None: "anti-ship/ASW torpedo" -> "naval-weapon"."""
    alternatives = re.sub(r"[-\s]+", " ", (description or "").lower()).split("/")
    for alternative in reversed(alternatives):  # the head follows the last slash; else the one before
        words = alternative.split()
        for n in range(min(LONGEST_HEAD, len(words)), 0, -1):
            slug = HEAD_TYPES.get(" ".join(words[-n:]))
            if slug:
                return slug
    return None


def sipri_type_slug(category="", description=""):
    """Our equipment-type slug for a SIPRI deal: its description's head where it agrees with the category,
    else the category. None when neither says anything we know, so the caller can report the row."""
    category = (category or "").strip()
    slug = head_type(description)
    if slug and (category not in CATEGORY_TYPES or slug in CATEGORY_TYPES[category]):
        return slug
    return SIPRI_CATEGORIES.get(category, slug)


def unroca_type_slug(category):
    return UNROCA_CATEGORIES.get((category or "").strip())
