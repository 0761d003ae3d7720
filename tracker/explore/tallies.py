"""Counts per country and per system for the index pages (/countries/, /systems/ and their CSV).

Published records only. The counts come from the summary tables (summaries.index_columns()); count_columns()
is the same count made live, one GROUP BY per column, which the tests compare with them.
"""

import unicodedata
from dataclasses import dataclass, field

from django.db.models import Count, F

from tracker.models import ArmsRequest, Deployment, RequestItem

from .summaries import index_columns

COUNTRY_COLUMNS = ("asked", "asked_of", "deployed", "hosted")
SYSTEM_COLUMNS = ("requests", "deployments")


def count_by(queryset, name):
    """{value of name: rows}, in one GROUP BY; rows where it is empty are left out.

    Grouped by `name + 0`, not by the bare column: SQLite would walk the foreign key's index to spare
    itself a sort, reading the table in index order, three times slower at 100,000 requests than a plain
    scan (the `+` is SQLite's documented way to keep an index out of a plan). PostgreSQL hashes either way.
    """
    rows = queryset.order_by().filter(**{f"{name}__isnull": False}).annotate(key=F(name) + 0)
    return dict(rows.values_list("key").annotate(n=Count("pk")).values_list("key", "n"))


def count_columns(kind):
    """{column: {country or system pk: count}} of published records."""
    requests, deployments = ArmsRequest.objects.published(), Deployment.objects.published()
    if kind == "countries":
        return {
            "asked": count_by(requests, "requester"),
            "asked_of": count_by(requests, "supplier"),
            "deployed": count_by(deployments, "country"),
            "hosted": count_by(deployments, "host_country"),
        }
    # A request naming a system in two items counts once.
    items = RequestItem.objects.filter(request__in=requests, system__isnull=False).order_by()
    per_system = items.annotate(key=F("system") + 0).values_list("key").annotate(n=Count("request", distinct=True))
    return {"requests": dict(per_system.values_list("key", "n")), "deployments": count_by(deployments, "system")}


def folded(text):
    """A sort key that puts Réunion among the Rs and ignores case."""
    return "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c)).casefold()


@dataclass
class Tally:
    """One row of an index: the country or system, and its counts by column."""

    subject: object
    counts: dict = field(default_factory=dict)

    def __getattr__(self, name):  # tally.asked, tally.deployments: what templates read
        if name in COUNTRY_COLUMNS or name in SYSTEM_COLUMNS:
            return self.counts.get(name, 0)
        raise AttributeError(name)


def tallies(subjects, columns):
    """A Tally for every subject some column counts, in subjects' order."""
    return [
        Tally(subject, {name: counts[subject.pk] for name, counts in columns.items() if subject.pk in counts})
        for subject in subjects
        if any(subject.pk in counts for counts in columns.values())
    ]


def counted_ids(columns):
    return set().union(*columns.values())


def country_tallies(countries):
    """Each of countries (a queryset) that a published record names, with its four counts."""
    columns = index_columns("countries")
    return tallies(countries.filter(pk__in=counted_ids(columns)).defer("notes"), columns)


def system_tallies(systems):
    """Each of systems (a queryset) that a published record names, with its two counts."""
    columns = index_columns("systems")
    ids = counted_ids(columns)
    systems = systems.select_related("equipment_type", "origin_country").defer("description")
    # Read whole and kept when counted: a list of ids could be longer than a query may hold.
    return tallies((s for s in systems.iterator(chunk_size=2000) if s.pk in ids), columns)


# ?sort= for each index: (label, key of a Tally, descending first)
COUNTRY_SORTS = {
    "name": ("Name", lambda t: folded(t.subject.name)),
    "region": ("Region", lambda t: (folded(t.subject.region) or "~", folded(t.subject.subregion))),
    "asked": ("Requests made", lambda t: t.asked),
    "asked_of": ("Times asked", lambda t: t.asked_of),
    "deployed": ("Deployments", lambda t: t.deployed),
    "hosted": ("Hosted", lambda t: t.hosted),
}
SYSTEM_SORTS = {
    "designation": ("Designation", lambda t: folded(t.subject.designation)),
    "type": ("Type", lambda t: folded(t.subject.equipment_type.name)),
    "origin": ("Origin", lambda t: folded(t.subject.origin_country.name) if t.subject.origin_country else "~"),
    "requests": ("Requests", lambda t: t.requests),
    "deployments": ("Deployments", lambda t: t.deployments),
}


def sort_sign(sort):
    """('asked', True) for '-asked'."""
    return sort.lstrip("-"), sort.startswith("-")


def ordered(rows, sort, sorts, tie):
    """rows sorted by sort ('-asked': most first), ties by name (tie), always in the same order."""
    name, descending = sort_sign(sort)
    rows = sorted(rows, key=sorts[tie][1])
    return sorted(rows, key=sorts[name][1], reverse=descending)
