"""The reader's matchers, built from our reference data: who (countries, parties), what (systems, equipment), cues.

spaCy's blank English pipeline tokenises and splits sentences (no model is loaded); PhraseMatchers made
with make_doc find whole tokens only, so "Iran" never matches inside "Iranian". Names, demonyms,
capitals and designations match as written (ORTH: "Turkey", not a turkey); cue words in any case.
Built once per process and again when the countries, parties or systems change.
"""

import csv
import dataclasses
import threading
from pathlib import Path

from django.db.models import Count, Max

from tracker.models import Country, System
from tracker.models.country_names import ALIASES
from tracker.models.equipment import variant_key

from . import words

COUNTRY_WORDS = Path(__file__).resolve().parent.parent / "data" / "country_words.csv"
_lock = threading.Lock()
_built = {}


@dataclasses.dataclass(frozen=True)
class Meaning:
    kind: str  # country, system, equipment, status, partly, channel, help, request_hedge, item_hedge, deploy, forces
    value: object  # iso2 or party name; system (designation, type slug); type slug; status; …
    form: str = ""  # for countries: name, demonym, capital, metonym


@dataclasses.dataclass(frozen=True)
class Mention:
    meaning: Meaning
    start: int  # token index in the doc
    end: int
    start_char: int
    end_char: int
    text: str

    @property
    def kind(self):
        return self.meaning.kind

    @property
    def value(self):
        return self.meaning.value


class Lexicon:
    def __init__(self):
        import spacy
        from spacy.matcher import PhraseMatcher

        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self.exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.anycase = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.meanings = {}
        self.types = {}  # variant_key(designation) -> type slug, for systems named only before an equipment word
        self.add_countries()
        self.add_systems()
        for kind, table in (("status", words.STATUS), ("channel", words.CHANNELS), ("help", words.HELP)):
            for value, text in table.items():
                self.add(self.anycase, Meaning(kind, value), words.phrases(text))
        for slug, text in words.EQUIPMENT.items():
            self.add(self.anycase, Meaning("equipment", slug), words.phrases(text))
        self.add(self.anycase, Meaning("partly", True), words.phrases(words.PARTLY))
        self.add(self.anycase, Meaning("request_hedge", True), words.phrases(words.REQUEST_HEDGES))
        self.add(self.anycase, Meaning("item_hedge", True), words.phrases(words.ITEM_HEDGES))
        self.add(self.anycase, Meaning("deploy", True), words.phrases(words.DEPLOYMENT_CUES))
        self.add(self.anycase, Meaning("forces", True), words.phrases(words.FORCES))

    def add(self, matcher, meaning, texts):
        key = f"{meaning.kind}|{meaning.value}|{meaning.form}"
        self.meanings[self.nlp.vocab.strings.add(key)] = meaning
        docs = [self.nlp.make_doc(t) for t in dict.fromkeys(texts) if t]
        if docs:
            matcher.add(key, docs)

    def add_countries(self):
        names = {}
        for country in Country.objects.only("iso2", "name", "official_name"):
            value = country.iso2 or country.name
            for text in (country.name, country.official_name):
                if text:
                    names.setdefault((value, "name"), set()).add(text)
        by_name = {c.name: (c.iso2 or c.name) for c in Country.objects.only("iso2", "name")}
        for alias, target in ALIASES.items():
            value = target if len(target) == 2 and target.isupper() else by_name.get(target)
            if value:
                names.setdefault((value, "name"), set()).add(alias)
        if COUNTRY_WORDS.exists():
            with COUNTRY_WORDS.open(encoding="utf-8") as file:
                for row in csv.DictReader(file):
                    names.setdefault((row["iso2"], row["kind"]), set()).add(row["word"])
        for (value, form), texts in names.items():
            variants = set(texts) | {f"the {t}" for t in texts if form == "metonym"}
            self.add(self.exact, Meaning("country", value, form), variants)

    def add_systems(self):
        designations = {}
        for designation, slug in System.objects.values_list("designation", "equipment_type__slug").iterator(
            chunk_size=5000
        ):
            for alternative in designation.split("/"):  # SIPRI's "Storm Shadow/SCALP" names two
                self.types.setdefault(variant_key(alternative), slug)
                if usable_designation(alternative):
                    designations.setdefault(alternative.strip(), slug)
        for designation, slug in designations.items():
            self.add(self.exact, Meaning("system", (designation, slug)), [designation])
            self.types.setdefault(variant_key(designation), slug)

    def mentions(self, doc):
        """Every match, longest first where two overlap in the same family (who, what, cues)."""
        found = []
        for match_id, start, end in [*self.exact(doc), *self.anycase(doc)]:
            span = doc[start:end]
            found.append(Mention(self.meanings[match_id], start, end, span.start_char, span.end_char, span.text))
        return found


def usable_designation(designation):
    """A designation that names a system on its own in prose: letters and digits ("Su-35", "Leopard-2A4") or
    several words. One plain word ("Commander", "Storm", "Patriot") is also an English word or a name; such a
    system is found only before an equipment word ("Patriot batteries"), by items.py."""
    text = (designation or "").strip()
    if len(text) < 2 or text.islower() or "(" in text or not any(c.isalpha() for c in text):
        return False
    return any(c.isdigit() for c in text) or (" " in text and not text.split()[-1].islower())


def signature():
    countries = Country.objects.aggregate(n=Count("id"), last=Max("id"))
    systems = System.objects.aggregate(n=Count("id"), last=Max("id"))
    return (countries["n"], countries["last"], systems["n"], systems["last"], COUNTRY_WORDS.exists())


def lexicon():
    """The process's Lexicon, rebuilt when the reference data changed."""
    key = signature()
    with _lock:
        if key not in _built:
            _built.clear()
            _built[key] = Lexicon()
        return _built[key]
