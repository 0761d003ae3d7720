"""Turning the country names found in spreadsheets and SIPRI registers into Country rows.

A name resolves through the ISO codes, our names, the ISO names and the aliases
below, compared without case, accents or punctuation, and only as a whole: a
bracket is part of the name ("PRC (Israel/Palestine)*" is the Popular Resistance
Committees, never China with a note). SIPRI's marks must agree with the kind of
what the name finds: `*` a non-state party, `**` an international organisation.
A name that resolves to nothing is reported by the caller, never guessed.
"""

import re
import unicodedata

from tracker.models import Country, CountryKind

# SIPRI's marks after a name, by number of stars, and the kind of party they mean.
MARKED_KINDS = {1: CountryKind.NON_STATE, 2: CountryKind.ORGANISATION}

# Other names -> our name (or ISO alpha-2 code). Keys are compared normalised.
ALIASES = {
    # SIPRI spellings and common short names
    "USSR": "Soviet Union",
    "Soviet Union (USSR)": "Soviet Union",
    "East Germany (GDR)": "East Germany",
    "GDR": "East Germany",
    "German Democratic Republic": "East Germany",
    "West Germany (FRG)": "DE",
    "West Germany": "DE",
    "FRG": "DE",
    "Germany (FRG)": "DE",
    "Yugoslavia (SFR)": "Yugoslavia",
    "SFR Yugoslavia": "Yugoslavia",
    "Yemen Arab Republic (North Yemen)": "North Yemen",
    "South Yemen (PDRY)": "South Yemen",
    "UAE": "AE",
    "U.A.E.": "AE",
    "Cote d'Ivoire": "CI",
    "Ivory Coast": "CI",
    "DR Congo": "CD",
    "DRC": "CD",
    "Congo (DRC)": "CD",
    "Zaire": "CD",
    "Congo": "CG",
    "Republic of Congo": "CG",
    "UK": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "USA": "US",
    "U.S.": "US",
    "United States of America": "US",
    "South Korea": "KR",
    "Korea, South": "KR",
    "North Korea": "KP",
    "Korea, North": "KP",
    "Viet Nam": "VN",
    "Bosnia-Herzegovina": "BA",
    "Bosnia and Herzegovina": "BA",
    "Macedonia": "MK",
    "Macedonia (FYROM)": "MK",
    "Swaziland": "SZ",
    "Burma": "MM",
    "Myanmar (Burma)": "MM",
    "Cape Verde": "CV",
    "Czech Republic": "CZ",
    "Turkey": "TR",
    "Turkiye": "TR",
    "East Timor": "TL",
    "Timor-Leste": "TL",
    "Brunei": "BN",
    "Laos": "LA",
    "Moldova": "MD",
    "Syria": "SY",
    "Iran": "IR",
    "Russia": "RU",
    "Russian Federation": "RU",
    "Tanzania": "TZ",
    "Bolivia": "BO",
    "Venezuela": "VE",
    "Vatican": "VA",
    "Palestine": "PS",
    "Gambia": "GM",
    "The Gambia": "GM",
    "Bahamas": "BS",
    "The Bahamas": "BS",
    "Micronesia": "FM",
    "Saint Vincent": "VC",
    "St Vincent and the Grenadines": "VC",
    "St Kitts and Nevis": "KN",
    "St Lucia": "LC",
    "Trinidad & Tobago": "TT",
    "Antigua & Barbuda": "AG",
    "Sao Tome and Principe": "ST",
    "Guinea Bissau": "GW",
    "Central African Rep.": "CF",
    "Central African Republic": "CF",
    "Dominican Rep.": "DO",
    "Equatorial Guinea": "GQ",
    "Taiwan (ROC)": "TW",
    "China (PRC)": "CN",
    "PRC": "CN",
    "ROC": "TW",
    "North Korea (DPRK)": "KP",
    "South Korea (ROK)": "KR",
    # Kosovo is not in ISO 3166-1; XK is the user-assigned code the EU and others give it.
    "XK": "Kosovo",
    # Older SIPRI spellings of the parties in tracker/data/parties.csv
    "PKK (Turkey)": "PKK (Turkiye)",
    "Huthi rebels (Yemen)": "Houthi rebels (Yemen)",
}


def marks(name):
    """How many of SIPRI's stars end the name: 'Hezbollah (Lebanon)*' -> 1, 'NATO**' -> 2."""
    text = (name or "").rstrip()
    return len(text) - len(text.rstrip("*"))


def normalise_name(name):
    """'Côte d’Ivoire ' -> 'cote divoire': no case, accents, punctuation or SIPRI's footnote stars."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ")
    text = re.sub(r"[*’'`.]", "", text)
    return re.sub(r"[^a-z0-9()]+", " ", text).strip()


class CountryResolver:
    """All countries loaded once (a few hundred rows), then looked up in memory."""

    def __init__(self):
        countries = list(Country.objects.all())
        self.by_key = {}
        for country in countries:
            for key in (country.name, country.official_name):
                if key:
                    self.by_key.setdefault(normalise_name(key), country)
            if country.iso2:
                self.by_key[country.iso2.lower()] = country
                self.by_key[country.iso3.lower()] = country
        by_iso2 = {c.iso2: c for c in countries if c.iso2}
        for alias, target in ALIASES.items():
            country = by_iso2.get(target) or self.by_key.get(normalise_name(target))
            if country:
                self.by_key.setdefault(normalise_name(alias), country)

    def resolve(self, name):
        """The Country the whole name names, or None; a marked name only to a party of the kind its mark says."""
        found = self.by_key.get(normalise_name(name))
        wanted = MARKED_KINDS.get(min(marks(name), 2))
        if found is not None and wanted is not None and found.kind != wanted:
            return None
        return found
