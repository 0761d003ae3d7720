"""Country parameters (?requester=, ?supplier=, ?country=, ?host=): codes or names, one or several.

`VE`, `ve`, `VEN`, `Venezuela` and `venezuela` all name Venezuela; a party without ISO code is named
by its number or its name (SIPRI's: `Hezbollah (Lebanon)`). Several countries: repeat the parameter
(?supplier=RU&supplier=CN) or list them in one value, separated by commas or semicolons (`RU,CN`,
`Russia, China`) or, for codes only, spaces (`RU CN`). A value is read as the fewest countries that
cover it, so a name holding a comma stays whole (`Korea, Republic of`, `Bonaire, Saint Eustatius and
Saba`). A name that matches nothing, or more than one country, is an error naming the parameter and
suggesting what it may mean; nothing is guessed.

The public countries are read once per FilterSet (one query, a few hundred rows), whatever the number
of country parameters, and the filter forms' suggestions use the same rows.
"""

import functools
import re

import django_filters
from django import forms
from django.db import connections, router
from django.utils.html import format_html_join

from tracker.models import Country, DataVersion
from tracker.models.country_names import CountryNames

LIST_SEPARATORS = re.compile(r"\s*[,;]\s*")
CODE_SEPARATORS = re.compile(r"[,;\s]+")
LONGEST_NAME = 4  # pieces between commas one name may span ("Congo, The Democratic Republic of the" is 2)
MOST_PIECES = 100
SHOWN = 40  # characters of a bad value repeated in a message
MOST_PROBLEMS = 5  # bad parts of one value explained, each with its suggestions


class PublicCountryNames(CountryNames):
    @functools.cached_property
    def datalist_options(self):
        """The filter forms' suggestions: an <option> per country, its code (or kind) beside its name."""
        return format_html_join(
            "", '<option value="{}">{}</option>', ((c.name, c.iso2 or c.get_kind_display()) for c in self.countries)
        )


_kept = {}  # (what, database alias) -> (data version, what was read), shared by the process's threads


def public_country_names():
    """Every country the public may name: ISO states, and other parties once in public use.

    Reading them is 20 ms at 100,000 requests, a third of the request list's time: kept_per_version.
    """
    return kept_per_version("countries", read_public_country_names)


def kept_per_version(what, read):
    """read(database alias), kept until the public data's version (models/freshness.py: one query over 16 rows)
    moves. Committed versions only grow, so a kept read is never older than its version; inside a transaction,
    which may see its own uncommitted writes, nothing is kept or shared."""
    using = router.db_for_read(Country)  # a replica, or the primary after a write
    if connections[using].in_atomic_block:
        return read(using)
    version, _ = DataVersion.objects.using(using).current()
    kept = _kept.get((what, using))
    if kept is None or kept[0] != version:
        kept = _kept[(what, using)] = (version, read(using))
    return kept[1]


def read_public_country_names(using):
    return PublicCountryNames(Country.objects.using(using).public().defer("notes"))


def label(country):
    return f"{country.name} ({country.code})"


def shown(text):
    """Text as a message repeats it: quoted, and cut short."""
    return "'" + text[:SHOWN] + "…" * (len(text) > SHOWN) + "'"


def read_value(value, names):
    """(countries, []) for one parameter value, or ([], error messages) when part of it names no one country."""
    value = value.strip().strip(",;").strip()
    if not value:
        return [], []
    whole = names.lookup(value)
    if len(whole) == 1:
        return whole, []
    pieces = LIST_SEPARATORS.split(value)
    if len(pieces) > MOST_PIECES:
        return [], [f"{shown(value)} lists more than {MOST_PIECES} countries."]
    found = cover(pieces, names)
    if found is not None:
        return found, []
    codes = CODE_SEPARATORS.split(value)
    if len(codes) > 1 and all(len(names.lookup(code)) == 1 and len(code) <= 3 for code in codes):
        return [names.lookup(code)[0] for code in codes], []
    missing = uncovered(pieces, names)
    problems = [problem(piece, names) for piece in missing[:MOST_PROBLEMS]]
    if len(missing) > MOST_PROBLEMS:
        problems.append(f"{len(missing) - MOST_PROBLEMS} more parts of {shown(value)} name no country.")
    return [], problems


def segments(pieces, start, names):
    """(end, country) for every run of pieces from start that names exactly one country."""
    for end in range(start + 1, min(start + LONGEST_NAME, len(pieces)) + 1):
        found = names.lookup(", ".join(pieces[start:end]))
        if len(found) == 1:
            yield end, found[0]


def cover(pieces, names):
    """The fewest countries whose names, in order, make up the pieces; None if no such reading exists."""
    best = [None] * (len(pieces) + 1)  # best[i]: the shortest list of countries covering pieces[:i]
    best[0] = []
    for start in range(len(pieces)):
        if best[start] is None:
            continue
        for end, country in segments(pieces, start, names):
            if best[end] is None or len(best[start]) + 1 < len(best[end]):
                best[end] = [*best[start], country]
    return best[-1]


def uncovered(pieces, names):
    """The pieces no name covers; the whole value if none is covered ("Korea, Rep."), or if each is but they
    do not fit together."""
    covered = set()
    for start in range(len(pieces)):
        for end, _ in segments(pieces, start, names):
            covered.update(range(start, end))
    missing = [piece for i, piece in enumerate(pieces) if i not in covered]
    return missing if covered and missing else [", ".join(pieces)]


def problem(text, names):
    """What is wrong with text, and what it may mean."""
    found = names.lookup(text)
    if len(found) > 1:
        return f"{shown(text)} names several countries: {', '.join(map(label, found))}. Give its code."
    looks_like_code = len(text) <= 3 and " " not in text
    message = f"Unknown country code: {text}." if looks_like_code else f"Unknown country: {shown(text)}."
    suggestions = names.suggestions(text)
    if suggestions:
        message += f" Did you mean {', '.join(map(label, suggestions))}?"
    return message


class RepeatedWordsField(forms.Field):
    """A query parameter given once or repeated, each value words typed by a person: a list of the non-blank ones."""

    widget = forms.SelectMultiple

    def to_python(self, value):
        if not value:
            return []
        return [value] if isinstance(value, str) else [v for v in value if v and v.strip()]


class CountryListField(RepeatedWordsField):
    """Repeated query parameters, each a country's code or name, or a list of them; cleans to Countries."""

    def __init__(self, *, names=public_country_names, **kwargs):
        self.names = names
        super().__init__(**kwargs)

    def clean(self, value):
        values = super().clean(value)
        if not values:
            return []
        for text in values:
            if len(text) > 1000:
                raise forms.ValidationError(f"Country {text[:20]!r}… is too long.")
        names, countries, errors = self.names(), [], []
        for text in values:
            found, problems = read_value(text, names)
            countries += found
            errors += problems
        if errors:
            raise forms.ValidationError(list(dict.fromkeys(errors)))
        return list({c.pk: c for c in countries}.values())


class CountryFilter(django_filters.Filter):
    field_class = CountryListField


def country_filter(label, method):
    return CountryFilter(label=label, method=method)


class CountryNamesOnce:
    """A FilterSet mixin: its country parameters and its form's suggestions share one read of the countries."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_names = functools.cache(public_country_names)
        for f in self.filters.values():
            if isinstance(f, CountryFilter):
                f.extra["names"] = self.country_names
