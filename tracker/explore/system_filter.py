"""The ?system= parameter: what people type, a designation or manufacturer words, read to systems, then to their ids.

`su-30mk2` (a slug), `Su-30MK2`, `SU 30 MK2` and `su30mk2` name that system alone (the same designation up to
case, spaces and hyphens); words name every system whose designation they begin (`Su-30`: the Su-30 family) or,
failing that, whose manufacturer (and designation) they begin (`Sukhoi`: every Sukhoi; `Almaz-Antey S-400`).
Several: repeat the parameter or separate them by commas or semicolons; slugs may also be separated by spaces, as
links made before words were read. Text that names nothing is an error with what it may mean; text naming very
many systems is an error too (type more), so the list's query stays an IN over a few ids on the items' index.

The public systems are read once per data version (as the country names: country_filter.kept_per_version), a few
thousand short rows, and matched here in Python, the same on both databases; /systems/suggest/ reads the same.
"""

import difflib
import re

import django_filters
from django import forms

from tracker.models import System
from tracker.models.equipment import variant_key
from tracker.models.names import key_words, starts_words

from .country_filter import RepeatedWordsField, kept_per_version, shown

SEPARATORS = re.compile(r"\s*[,;]\s*")
MOST_SYSTEMS = 200  # systems one piece of text may name: more says "type more"
MOST_PIECES = 50
SHOWN_NAMES = 6  # designations a reading lists before "and N more"


class Entry:
    """A public system and its keys for matching."""

    __slots__ = ("system", "words", "maker", "variant", "tails")

    def __init__(self, system):
        self.system = system
        self.words = key_words(system.designation)
        self.maker = key_words(system.manufacturer)
        self.variant = variant_key(system.designation)
        # The designation without spaces and punctuation from each of its words on: "su30" begins "su30mk2".
        self.tails = ["".join(self.words[i:]) for i in range(len(self.words))]

    def designation_matches(self, typed):
        compact = "".join(typed)
        return starts_words(typed, self.words) or (
            len(compact) >= 2 and any(tail.startswith(compact) for tail in self.tails)
        )

    def maker_matches(self, typed):
        """Some words begin the manufacturer's; any others match the designation."""
        rest = [word for word in typed if not any(m.startswith(word) for m in self.maker)]
        return len(rest) < len(typed) and (not rest or self.designation_matches(rest))


class SystemCatalogue:
    """The systems the public may name, and what a piece of text names among them."""

    def __init__(self, systems):
        self.entries = [Entry(s) for s in systems]
        self.by_slug = {e.system.slug: e.system for e in self.entries}
        self.by_variant = {}
        for e in self.entries:
            self.by_variant.setdefault(e.variant, []).append(e.system)

    def exact(self, text):
        """The system a slug or a designation (up to case, spaces and hyphens) names: [] or a few variants."""
        found = self.by_slug.get(text.strip().lower())
        return [found] if found else list(self.by_variant.get(variant_key(text), []))

    def matching(self, text):
        """Designations the words begin; failing those, systems whose manufacturer (and designation) they begin."""
        typed = key_words(text)
        if not typed:
            return []
        found = [e.system for e in self.entries if e.designation_matches(typed)]
        return found or [e.system for e in self.entries if e.maker_matches(typed)]

    def read(self, text):
        """[(piece as typed, its systems)], or raises ValidationError naming what names nothing."""
        text = text.strip().strip(",;").strip()
        if not text:
            return []
        whole = self.exact(text)
        if whole:
            return [(text, whole)]
        slugs = text.split()
        if len(slugs) > 1 and all(s.lower() in self.by_slug for s in slugs):
            return [(s, [self.by_slug[s.lower()]]) for s in slugs]
        pieces = [p for p in SEPARATORS.split(text) if p]
        if len(pieces) > MOST_PIECES:
            raise forms.ValidationError(f"{shown(text)} lists more than {MOST_PIECES} systems.")
        readings, problems = [], []
        for piece in pieces:
            found = self.exact(piece) or self.matching(piece)
            if not found:
                problems.append(self.unknown(piece))
            elif len(found) > MOST_SYSTEMS:
                problems.append(f"{shown(piece)} names {len(found):,} systems: type more of a designation.")
            else:
                readings.append((piece, found))
        if problems:
            raise forms.ValidationError(problems)
        return readings

    def unknown(self, text):
        names = {e.system.designation for e in self.entries} | {e.system.manufacturer for e in self.entries}
        close = difflib.get_close_matches(text, sorted(n for n in names if n), n=3, cutoff=0.7)
        message = f"Unknown system or manufacturer: {shown(text)}."
        return message + (f" Did you mean {', '.join(close)}?" if close else "")

    def suggestions(self, text, limit):
        """Up to limit systems for the box's suggestions: the one named exactly first, then those the words name."""
        found = self.exact(text)
        seen = {s.pk for s in found}
        found += [s for s in self.matching(text) if s.pk not in seen]
        return found[:limit]


def read_catalogue(using):
    systems = System.objects.using(using).in_public_use().only("slug", "designation", "manufacturer")
    return SystemCatalogue(systems.order_by("designation"))


def public_systems():
    return kept_per_version("systems", read_catalogue)


class Systems(list):
    """The systems chosen, and .readings: [(text as typed, [systems it names])]."""

    readings = ()

    def described(self):
        """Each piece of text that names several systems, as a page says it: "Sukhoi: 14 systems (Su-24, …)"."""
        return [describe(text, systems) for text, systems in self.readings if len(systems) > 1]


def describe(text, systems):
    names = ", ".join(s.designation for s in systems[:SHOWN_NAMES])
    more = f" and {len(systems) - SHOWN_NAMES} more" if len(systems) > SHOWN_NAMES else ""
    return f"{text}: {len(systems)} systems ({names}{more})"


class SystemListField(RepeatedWordsField):
    """Repeated query parameters, each a designation, a slug, manufacturer words, or a list of them."""

    def __init__(self, *, catalogue=public_systems, **kwargs):
        self.catalogue = catalogue
        super().__init__(**kwargs)

    def clean(self, value):
        values = super().clean(value)
        for text in values:
            if len(text) > 1000 or "\x00" in text:
                raise forms.ValidationError(f"System {text[:20]!r}… is not valid.")
        if not values:
            return Systems()
        catalogue, readings, errors = self.catalogue(), [], []
        for text in values:
            try:
                readings += catalogue.read(text)
            except forms.ValidationError as error:
                errors += error.messages
        if errors:
            raise forms.ValidationError(list(dict.fromkeys(errors)))
        chosen = Systems({s.pk: s for _, found in readings for s in found}.values())
        chosen.readings = readings
        return chosen


class SystemFilter(django_filters.Filter):
    field_class = SystemListField


def system_filter(method):
    return SystemFilter(label="System", method=method)
