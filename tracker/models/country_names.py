"""Country names as people write them: ISO codes, our names, ISO names, SIPRI's names and common aliases.

Shared by the importer (tracker/intake/country_names.py reads spreadsheets and SIPRI registers with it)
and the public filters (a country parameter may be `VE`, `VEN`, `Venezuela` or `venezuela`). Names are
compared whole, without case, accents or punctuation; a party without ISO code is also named by its number.
"""

import difflib
import re
import unicodedata
from collections import defaultdict
from functools import cached_property

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
    "HoR (Libya)": "Libya HoR",  # the classic register of October 2025
    "Palestinian Islamic Jihad (Israel/Palestine)": "PIJ (Israel/Palestine)",  # October 2025 too
}


def normalise_name(name):
    """'Côte d’Ivoire ' -> 'cote divoire': no case, accents, punctuation or SIPRI's footnote stars."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ")
    text = re.sub(r"[*’'`.]", "", text)
    return re.sub(r"[^a-z0-9()]+", " ", text).strip()


def words(text):
    """The words of a normalised name, brackets dropped: 'hezbollah (lebanon)' -> ['hezbollah', 'lebanon']."""
    return re.findall(r"[a-z0-9]+", text)


NUMBER = re.compile(r"[0-9]{1,17}")  # ASCII digits only: str.isdigit() also accepts '²'


class CountryNames:
    """Countries looked up by code or name in memory: built from one query of a few hundred rows.

    A code is an ISO alpha-2 or alpha-3 code (any case) or the number of a party without ISO code.
    A name is our name, the ISO name or an alias, compared whole after normalise_name(); an alias
    never shadows a name. A name two rows share is ambiguous: lookup() returns both.
    """

    def __init__(self, countries):
        self.countries = list(countries)
        self.words_of = {}  # normalised name -> its words, as suggestions() needs them

    # Built on first use: a page without a country parameter only lists the rows (600 names normalised: 15 ms).
    @cached_property
    def codes(self):
        codes = {}
        for country in self.countries:
            if country.iso2:
                codes[country.iso2.lower()] = codes[country.iso3.lower()] = country
            else:
                codes[str(country.pk)] = country
        return codes

    @cached_property
    def names(self):
        names = defaultdict(dict)  # normalised name -> {pk: country}
        for country in self.countries:
            for name in (country.name, country.official_name):
                if name:
                    names[normalise_name(name)][country.pk] = country
        by_iso2 = {c.iso2: c for c in self.countries if c.iso2}
        for alias, target in ALIASES.items():
            named = list(names.get(normalise_name(target), {}).values())
            key, found = normalise_name(alias), by_iso2.get(target) or (named[0] if len(named) == 1 else None)
            if found is not None and key not in names and key not in self.codes:
                names[key] = {found.pk: found}
        return names

    def named(self, name):
        found = list(self.names.get(normalise_name(name), {}).values())
        return found[0] if len(found) == 1 else None

    def lookup(self, text):
        """Every country text names, as a code or else as a whole name: none, one, or several (ambiguous)."""
        text = (text or "").strip()
        if NUMBER.fullmatch(text):
            text = str(int(text))
        if text.lower() in self.codes:
            return [self.codes[text.lower()]]
        return sorted(self.names.get(normalise_name(text), {}).values(), key=lambda c: c.name)

    def suggestions(self, text, limit=8):
        """Countries text may mean: each of its words starts a word of one of their names; else close spellings."""
        wanted = words(normalise_name(text))
        if not wanted:
            return []
        found = {}
        for key, countries in self.names.items():
            have = self.words_of.get(key) or self.words_of.setdefault(key, words(key))
            if all(any(w.startswith(x) for w in have) for x in wanted):
                found.update(countries)
        if not found:
            close = difflib.get_close_matches(normalise_name(text), list(self.names), n=limit, cutoff=0.75)
            for key in close:
                found.update(self.names[key])
        first = wanted[0]
        ranked = sorted(found.values(), key=lambda c: (not normalise_name(c.name).startswith(first), c.name))
        return ranked[:limit]
