"""Turning the country names found in spreadsheets and SIPRI registers into Country rows.

A name resolves through the ISO codes, our names, the ISO names and the aliases
(tracker/models/country_names.py, shared with the public filters), compared
without case, accents or punctuation, and only as a whole: a bracket is part of
the name ("PRC (Israel/Palestine)*" is the Popular Resistance Committees, never
China with a note). SIPRI's marks must agree with the kind of what the name
finds: `*` a non-state party, `**` an international organisation. A name that
resolves to nothing is reported by the caller, never guessed.
"""

from tracker.models import Country, CountryKind
from tracker.models.country_names import ALIASES, normalise_name

# SIPRI's marks after a name, by number of stars, and the kind of party they mean.
MARKED_KINDS = {1: CountryKind.NON_STATE, 2: CountryKind.ORGANISATION}


def marks(name):
    """How many of SIPRI's stars end the name: 'Hezbollah (Lebanon)*' -> 1, 'NATO**' -> 2."""
    text = (name or "").rstrip()
    return len(text) - len(text.rstrip("*"))


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
