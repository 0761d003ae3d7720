"""The English cue words the reader looks for, each with what it means in our stored values.

Lower-case phrases, matched whole words on spaCy tokens (hyphens are their own tokens, as in the text).
"""

# What a sentence says happened to a request: the first cue of a sentence decides ("requested the
# delivery of" is a request, not a delivery).
STATUS = {
    "requested": "asked, asks, ask, asking, requested, requests, request, requesting, sought, seeks, seek, seeking, "
    "wants, want, wanted, needs, appealed for, appeals for, called for, calls for, pleaded for, urged, "
    "letter of request, on the agenda, plans to buy, plans to purchase, intends to buy, hopes to buy, "
    "wants to buy, is interested in buying, applied for, placed a request, submitted a request",
    "negotiating": "negotiating, negotiate, negotiates, negotiations, in talks, talks on, talks about, discussing",
    "agreed": "signed, agreed, agreed to supply, approved, cleared, procured, ordered, bought, purchased, "
    "contract for, deal for, deal to buy, will supply, will deliver, pledged, promised, committed",
    "delivered": "delivered, delivers, handed over, hands over, arrived, have arrived, has arrived, received, "
    "receives, shipped, transferred, supplied, acquired, delivery of, deliveries of, shipment of, shipments of",
    "refused": "refused, refuses, rejected, rejects, declined, declines, turned down, turning down, turns down, "
    "denied, ruled out, rules out, refusing, rejecting",
    "withdrawn": "withdrew, withdrawn, cancelled, canceled, scrapped",
}
PARTLY = "first components, first batch, first delivery, first deliveries, first part, first units"

CHANNELS = {
    "letter": "letter, letters, missive, letter of request",
    "meeting": "meeting, met with, talks with",
    "visit": "visit, visited, visiting",
    "call": "phone call, telephone call, call with, phone conversation, video call",
    "note": "diplomatic note, note verbale",
    "contract": "contract",
}

HELP = {
    "repair": "repair, repairs, repaired, repairing, restore, restoring, restoration, restored, overhaul, overhauls, "
    "overhauled, maintenance, servicing, fix, refurbish, refurbishment",
    "spares": "spare parts, spares, replacement parts",
    "upgrade": "upgrade, upgrades, upgrading, modernisation, modernization, modernise, modernize",
    "training": "training, train, instructors, trainers",
    "cooperation": "cooperation, co-operation, financing, logistical support, funding",
}

# A hedge on the whole request (before its cue) or on one item (just before it).
REQUEST_HEDGES = (
    "reportedly, allegedly, rumoured, rumored, media reported, reports said, is said to, are said to, "
    "is believed to, potential, possible, unconfirmed, may have, could be"
)
ITEM_HEDGES = "possibly, almost certainly, probably, perhaps, likely, maybe"
NEGATIONS = {"not", "never", "no", "n't", "without"}

# Words news uses for equipment, plural forms included -> our type slug (tracker/reference.py).
EQUIPMENT = {
    "combat-aircraft": "fighter jets, fighter jet, fighters, fighter, warplanes, warplane, combat aircraft, bombers, "
    "bomber, fighter aircraft, attack aircraft, multipurpose fighters, multirole fighters, fighter planes, jets",
    "aircraft-other": "military aircraft, aircraft, transport aircraft, trainer aircraft, planes, airplanes",
    "helicopter": "helicopters, helicopter, attack helicopters, transport helicopters",
    "uav": "drones, drone, unmanned aerial vehicles, unmanned aerial vehicle, uavs, uav, loitering munitions, "
    "kamikaze drones, attack drones",
    "radar-sensor": "radars, radar, radar systems, radar system, passive detection devices, sensors, "
    "surveillance systems, omnidirectional radars",
    "electronic-warfare": "jammers, jammer, gps jammers, electronic warfare systems, electronic warfare",
    "missile": "missiles, missile, missile units, missile supplies, cruise missiles, ballistic missiles, "
    "anti-ship missiles, missile launchers, missile launcher, launchers, launcher, atgms, anti-tank missiles, rockets",
    "air-defence": "air defense system, air defence system, air defense systems, air defence systems, "
    "air-defence system, air-defense system, air defences, air defenses, anti-aircraft systems, "
    "surface-to-air missile systems, sam systems, manpads, air defense, air defence",
    "ship": "warships, warship, frigates, frigate, corvettes, corvette, submarines, submarine, patrol boats, "
    "patrol vessels, destroyers",
    "armoured-vehicle": "tanks, tank, battle tanks, armoured vehicles, armored vehicles, infantry fighting vehicles, "
    "apcs, armoured personnel carriers, armored personnel carriers",
    "artillery": "howitzers, howitzer, artillery, artillery systems, mortars, mortar, rocket launchers, "
    "rocket launcher, multiple rocket launchers, multiple rocket launcher, artillery pieces",
    "small-arms": "rifles, small arms, machine guns, assault rifles, light weapons",
    "ammunition": "ammunition, shells, artillery shells, rounds, munitions, bombs",
    "engine": "engines, engine",
    "satellite": "satellites, satellite",
    "other": "military equipment, equipment, logistical support, financing plan, military instructors, "
    "military cooperation",
}
# Equipment phrases that are a kind of help, not a thing: their item's help kind.
EQUIPMENT_HELP = {
    "logistical support": "cooperation",
    "financing plan": "cooperation",
    "military cooperation": "cooperation",
    "military instructors": "training",
}
GENERAL = {"military cooperation", "logistical support", "financing plan"}
# Nouns that may follow a designation and belong to its item ("Patriot batteries", "Rafale jets").
HEAD_NOUNS = {"batteries", "battery", "systems", "system", "units", "unit", "complexes", "complex", "variant"}
# Words an item phrase may start with before its head ("the modern FK-3", "several Russian-made Sukhoi").
MODIFIERS = {"modern", "new", "additional", "advanced", "unspecified", "used", "second-hand", "more", "several",
             "latest", "older", "further", "extra", "sophisticated", "surplus", "made", "built", "-", "military",
             "other", "multipurpose", "long-range", "short-range", "medium-range", "heavy", "light"}  # fmt: skip
# The cues whose subject gives (supplier first): "China delivered … to Serbia", "Germany refused Ukraine's …".
GIVER_FIRST = {"delivered", "delivers", "handed over", "hands over", "shipped", "transferred", "supplied", "arrived",
               "have arrived", "has arrived", "will supply", "will deliver", "agreed to supply", "pledged", "promised",
               "committed", "approved", "cleared", "refused", "refuses", "rejected", "rejects", "declined",
               "declines", "turned down", "denied", "ruled out", "rules out", "turning down", "turns down",
               "refusing", "rejecting"}  # fmt: skip
# Before these a country is the one asked or dealt with, not the asker: "a letter to Moscow", "talks with France".
TOWARD = {"to", "from", "with", "by", "toward", "towards", "through", "via"}
# An item after these is the asker's own ("its unmanned aerial vehicles", "Venezuela's air defense"), not asked for.
# Between "to"/"with" and the party it introduces: "to his German counterpart", "with the NATO country France".
BETWEEN = {"the", "a", "an", "his", "her", "their", "its", "our", "country", "member", "ally", "state", "partner"}
POSSESSIVES = {"its", "their", "his", "her", "our", "'s", "’s"}
# A party before the cue followed by these is the one spoken to: "told an Iranian official that Caracas needs".
ADDRESSEES = {"official", "officials", "counterpart", "counterparts", "government", "delegation", "side", "envoy",
              "ambassador", "minister", "president", "leader", "authorities"}  # fmt: skip
# After these a party names a kind of country, not a party to the request: "the NATO country France".
MODIFIED = {"country", "member", "ally", "allies", "state", "partner", "partners", "nation", "members"}
# A date right after these is when something was said or reported, not when it was asked.
REPORTING = {"said", "says", "reported", "reports", "told", "announced", "noted", "wrote", "confirmed", "stated",
             "interview", "statement", "tweeted", "added"}  # fmt: skip
# A cue sentence with these goes on about the request before it, however far ("also sought").
GOING_ON = {"also", "additionally", "further", "moreover"}
# "the request" names a request already told, it does not make one: "The request reflects lessons…".
DEFINITE = {"the", "this", "that", "these", "those"}
PRONOUNS = {"he", "she", "they", "it", "the", "his", "her", "their"}

# Deployments: forces put somewhere. The cue, then "in/to <place>".
DEPLOYMENT_CUES = (
    "deployed, deploys, deploy, deploying, stationed, concentrates forces, concentrated forces, "
    "sent troops, sends troops, troops in, forces in, military presence in, have arrived in, has arrived in, arrived in"
)
FORCES = (
    "troops, forces, soldiers, instructors, military instructors, personnel, advisers, advisors, "
    "contingent, warships, fighter jets, aircraft carrier, military presence, presence"
)

NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "a dozen": 12, "two dozen": 24,
}  # fmt: skip
# Words before a number that make it approximate or a bound: no quantity then ("some 1,000", "up to 300").
APPROXIMATE = {"some", "about", "around", "approximately", "roughly", "nearly", "almost", "over", "more", "than",
               "up", "least", "minimum", "maximum", "several", "dozens", "hundreds", "thousands", "few", "many",
               "estimated", "possibly", "perhaps"}  # fmt: skip

BOUNDS = {"up to", "more than", "fewer than", "less than", "at least", "at most", "as many", "no more"}
HANDING = {"handed", "hands", "hand", "handing", "turned", "turns", "passed", "signed"}  # "handed over four tanks"
TITLES = {"president", "minister", "commander", "spokesman", "spokeswoman", "spokesperson", "chief", "general",
          "admiral", "secretary", "premier", "chancellor", "king", "prince", "ambassador", "envoy", "director",
          "leader", "head", "marshal", "colonel"}  # fmt: skip


def phrases(text):
    return [p.strip() for p in text.split(",") if p.strip()]
