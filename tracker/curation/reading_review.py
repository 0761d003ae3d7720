"""A reading's review page as data: the highlighted article, the source's form, each proposal's form with its
items, the supporting sentences its citation will quote, and the records it may repeat."""

import dataclasses
import re

from django.urls import reverse

from tracker.dates import parse_partial
from tracker.models import ArmsRequest, Country, EquipmentType, Source, System

from . import highlights, reading_claims
from .reading_forms import (
    DeploymentForm,
    ItemForm,
    RequestForm,
    SourceForm,
    deployment_initial,
    item_initial,
    named_errors,
    request_initial,
    source_initial,
)

DUPLICATES_SHOWN = 5
SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s|$)|\n")


@dataclasses.dataclass
class Proposal:
    key: str
    kind: str  # request or deployment
    number: int
    found: dict  # what the reader proposed
    decision: dict | None
    form: object
    items: list = dataclasses.field(default_factory=list)  # [(ItemForm, item as proposed)]
    quote: str = ""
    location: str = ""
    duplicates: list = dataclasses.field(default_factory=list)
    more_duplicates: bool = False
    claim_offers: list = dataclasses.field(default_factory=list)  # existing requests it differs from (reading_claims)

    @property
    def label(self):
        return f"{self.kind.capitalize()} {self.number}"

    @property
    def record_url(self):
        record = (self.decision or {}).get("record")
        model = "armsrequest" if self.kind == "request" else "deployment"
        return reverse(f"admin:tracker_{model}_change", args=[record]) if record else ""

    def is_valid(self):
        valid = self.form.is_valid()
        return all([valid, *(item.is_valid() for item, _found in self.items)])

    def errors(self):
        found = named_errors(self.label, self.form)
        for n, (item, _found) in enumerate(self.items, 1):
            found += named_errors(f"{self.label}, item {n}", item)
        return found


def sentence_around(body, start, end):
    """(start, end) of the sentence(s) holding body[start:end]: the quote a citation keeps."""
    before = [m.end() for m in SENTENCE_END.finditer(body, 0, start)]
    begin = before[-1] if before else 0
    after = SENTENCE_END.search(body, max(end - 1, begin))
    finish = after.end() if after else len(body)
    if body[finish - 1 : finish] == "\n":
        finish -= 1
    while begin < finish and body[begin].isspace():
        begin += 1
    return begin, finish


def paragraph_of(body, offset):
    """1-based, counting non-empty lines: the lines before the offset's own, and its own."""
    return sum(1 for line in body[:offset].split("\n")[:-1] if line.strip()) + 1


def support(body, found):
    """The citation's quote (the request's sentence and each item's, in the article's order) and location."""
    quotes = [found.get("quote"), *(item.get("quote") for item in found.get("items", []))]
    spans = sorted({sentence_around(body, q["start"], q["end"]) for q in quotes if highlights.well_formed(q)})
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    paragraphs = sorted({paragraph_of(body, start) for start, _end in merged})
    where = "paragraph" if len(paragraphs) == 1 else "paragraphs"
    return " … ".join(body[s:e] for s, e in merged), f"{where} {', '.join(map(str, paragraphs))}" if merged else ""


class Review:
    """Everything the page shows and the POST checks, bound to data when there is some."""

    def __init__(self, reading, data=None):
        self.reading, self.data = reading, data
        rows = list(Country.objects.order_by("name").values_list("pk", "name", "iso2"))
        self.countries = [(pk, name) for pk, name, _iso2 in rows]
        by_name = {name.lower(): pk for pk, name, _iso2 in rows} | {iso2: pk for pk, _name, iso2 in rows if iso2}
        self.types = list(EquipmentType.objects.order_by("name").values_list("slug", "name"))
        self.source = self.source_of(reading)
        graded = self.source.pk is not None and self.source.citations.exists()
        self.source_form = SourceForm(data, instance=self.source, prefix="source", graded=graded, **self.initial())
        self.proposals = [self.proposal(*row, by_name) for row in reading.proposals()]

    def initial(self):
        return {} if self.source.pk else {"initial": source_initial(self.reading)}

    @staticmethod
    def source_of(reading):
        if reading.source_id:
            return reading.source
        found = Source.objects.of_page(reading.url)
        return found or Source(url=reading.url)

    def proposal(self, key, kind, index, found, decision, by_name):
        options = {"prefix": key, "countries": self.countries}
        if kind == "request":
            form = RequestForm(self.data, initial=request_initial(found, by_name), **options)
            items = [
                (
                    ItemForm(
                        self.data,
                        prefix=f"{key}-item-{n}",
                        initial=item_initial(item),
                        types=self.types,
                        checked=form.accepted,
                    ),
                    item,
                )
                for n, item in enumerate(found.get("items", []))
            ]
        else:
            form, items = DeploymentForm(self.data, initial=deployment_initial(found, by_name), **options), []
        quote, location = support(self.reading.body, found)
        proposal = Proposal(key, kind, index + 1, found, decision, form, items, quote, location)
        if decision is None and kind == "request":
            self.find_duplicates(proposal, by_name)
        return proposal

    def find_duplicates(self, proposal, by_name):
        found = proposal.found
        requester, supplier = (by_name_of(found.get(role), by_name) for role in ("requester", "supplier"))
        if requester is None or supplier is None:
            return
        date, precision = date_of(found)
        designations = [item["system"] for item in found.get("items", []) if item.get("system")]
        systems = System.objects.filter(designation__in=designations) if designations else ()
        source = self.source if self.source.pk else None
        rows = ArmsRequest.objects.possible_duplicates(requester, supplier, date, precision, systems, source)
        shown = list(rows.select_related("requester", "supplier").order_by("-date", "-id")[: DUPLICATES_SHOWN + 1])
        proposal.duplicates, proposal.more_duplicates = shown[:DUPLICATES_SHOWN], len(shown) > DUPLICATES_SHOWN
        proposal.claim_offers = reading_claims.offers(found, proposal.duplicates)

    def is_valid(self):
        valid = [p.is_valid() for p in self.proposals if p.decision is None]  # decided ones are written already
        if not self.accepted():
            return all(valid)
        source_valid = self.source_form.is_valid()
        article_grade = source_valid and self.source_form.cleaned_data.get("credibility")
        for p in self.accepted():
            if p.form.is_valid() and not p.form.cleaned_data.get("credibility") and not article_grade:
                p.form.add_error("credibility", "Choose a grade here, or one for the article's claims (Source).")
        return all(valid) and source_valid and all(p.form.is_valid() for p in self.accepted())

    def accepted(self):
        return [p for p in self.proposals if p.decision is None and p.form.accepted]

    def errors(self):
        found = [e for p in self.proposals if p.decision is None for e in p.errors()]
        return (named_errors("Source", self.source_form) if self.accepted() else []) + found

    def paragraphs(self):
        return highlights.paragraphs(self.reading.body, highlights.spans_of(self.reading.proposal))


def by_name_of(party, by_name):
    party = party or {}
    return by_name.get(party.get("code") or "") or by_name.get((party.get("name") or "").lower())


def date_of(found):
    try:
        return parse_partial(found["date"]) if found.get("date") else (None, "")
    except ValueError:
        return None, ""
