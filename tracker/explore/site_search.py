"""/search/?q=: one box for everything public, results grouped by kind, each kind with its count.

Requests and deployments match as their lists' ?q= does (the same QuerySet method, so "all N" opens
exactly those rows), counted as the full-text index reads them; systems, persons, countries and
sources match by name as the user types it (models/names.py): each word typed begins a word of the
name, the same on both databases. Only what the public may see: published records, and systems,
persons, parties and sources that one of them uses (a name made for a draft is never found).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.urls import reverse

from tracker.models import ArmsRequest, Citation, Country, Deployment, Person, Source, System
from tracker.models import search as full_text
from tracker.models.equipment import variant_key
from tracker.models.names import key_words

from . import pagination
from .errors import form_errors
from .filters import DEPLOYMENT_SORTS, REQUEST_SORTS

RECORDS_SHOWN = 10  # requests and deployments listed per kind; "all N" opens the list
NAMES_SHOWN = 20  # systems, persons, countries, sources listed per kind
MAX_LENGTH = 200  # as the lists' ?q=
RELATED = {"requests": ("requester", "supplier"), "deployments": ("country",)}


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=MAX_LENGTH, required=False)


@dataclass
class Group:
    """One kind of result: its rows (up to shown), how many match (capped), and where to see them all."""

    kind: str
    title: str
    one: str  # "1 person"
    rows: list = field(default_factory=list)
    count: int = 0
    cap: int = 0
    all_url: str = ""

    @property
    def more(self):
        return self.count > len(self.rows)

    @property
    def count_display(self):
        return f"{self.cap:,}+" if self.count > self.cap else f"{self.count:,}"

    @property
    def label(self):
        """ "3 requests", "1 person", "20+ systems"."""
        return f"1 {self.one}" if self.count == 1 else f"{self.count_display} {self.title.lower()}"


def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "tracker/search.html", {"q": "", "errors": form_errors(form)}, status=400)
    text = form.cleaned_data["q"]
    # Punctuation alone ("--", "%") names nothing; the lists would take it as no filter at all.
    groups = [group for group in find(text) if group.count] if full_text.words(text) else []
    return render(request, "tracker/search.html", {"q": text, "groups": groups, "errors": []})


def find(text):
    """Every kind, in the order of the page: the records first, then the names; but a system or a country the
    text names (Su-30MK2, Venezuela, VEN) comes first, its page before the records that mention it."""
    return named_first(
        text,
        [
            records(
                "requests",
                "Requests",
                "request",
                ArmsRequest.objects.published().matching_counted(text),
                REQUEST_SORTS,
                list_url("request-list", q=text),
            ),
            records(
                "deployments",
                "Deployments",
                "deployment",
                Deployment.objects.published().matching_counted(text),
                DEPLOYMENT_SORTS,
                list_url("deployment-list", q=text),
            ),
            names(
                "systems",
                "Systems",
                "system",
                System.objects.in_public_use().named(text).select_related("equipment_type").order_by("designation"),
            ),
            names(
                "persons",
                "Persons",
                "person",
                Person.objects.in_public_use().named(text).select_related("country").order_by("name"),
            ),
            names(
                "countries",
                "Countries and parties",
                "country or party",
                Country.objects.named(text),
            ),
            names(
                "sources",
                "Sources",
                "source",
                Source.objects.in_public_use()
                .named(text)
                .annotate(
                    cites_requests=Exists(Citation.objects.filter(source=OuterRef("pk"), request__published=True)),
                    cites_deployments=Exists(
                        Citation.objects.filter(source=OuterRef("pk"), deployment__published=True)
                    ),
                )
                .order_by("outlet", "title"),
            ),
        ],
    )


def named_first(text, groups):
    """groups with those holding the system or country text names exactly moved first, that row first in its group."""
    first = []
    for group in groups:
        exact = [row for row in group.rows if names_exactly(text, group.kind, row)]
        if exact:
            group.rows = exact + [row for row in group.rows if row not in exact]
            first.append(group.kind)
    return [g for g in groups if g.kind in first] + [g for g in groups if g.kind not in first]


def names_exactly(text, kind, row):
    """The row is the system (designation up to case, spaces and hyphens) or country (name or code) text names."""
    if kind == "systems":
        return variant_key(row.designation) == variant_key(text)
    if kind == "countries":
        code = text.strip().upper()
        return code in (row.iso2, row.iso3) or key_words(text) in (key_words(row.name), key_words(row.official_name))
    return False


def records(kind, title, one, matched, sorts, all_url):
    """The newest RECORDS_SHOWN matches by keyset (no sort of every match), and how many match, up to FEW + 1.

    matched: (rows, count) from matching_counted(), which is the lists' ?q= (the same rows as "all").
    """
    rows, count = matched
    sort, (_, keys) = next(iter(sorts.items()))
    rows = rows.select_related(*RELATED[kind]).defer("notes", "internal_notes", "search_text")
    page = pagination.paginate(rows, keys, sort, RECORDS_SHOWN)
    return Group(kind, title, one, list(page), count, full_text.FEW, all_url)


def names(kind, title, one, rows):
    """Up to NAMES_SHOWN names; one more is read only to say there are more."""
    found = list(rows[: NAMES_SHOWN + 1])
    return Group(kind, title, one, found[:NAMES_SHOWN], len(found), NAMES_SHOWN)


def list_url(name, **params):
    return f"{reverse(name)}?{urlencode(params)}"
