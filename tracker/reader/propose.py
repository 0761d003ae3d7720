"""From an article to proposals: requests (who asked whom for what, when, how sure) and deployments.

A request starts at a sentence with an asking cue ("asked", "signed", "delivered"…) and a party; its
items come from that sentence and from the next ones that go on about it ("He also asked for…"). The
asker is the party nearest before the cue ("Caracas needs"), or the country a named person speaks
for ("Maduro requested"); the one asked comes after the cue, or after "to", "from", "with", or as
the maker of an item ("Russian-made"). No party named: the unknown party, never a guess. A request
without items is not proposed: "seeking regime change" asks for no equipment.
"""

import dataclasses

from . import words
from .dates import dates_in
from .items import items_in
from .lexicon import lexicon
from .people import people

FAMILIES = {"country": "who", "system": "what", "equipment": "what"}


@dataclasses.dataclass
class Proposal:
    requester: object
    supplier: object
    status: str
    cue: object  # the Mention of the first sentence's cue
    sentences: list = dataclasses.field(default_factory=list)  # spaCy spans
    items: list = dataclasses.field(default_factory=list)
    channel: str = "unknown"
    hedged: bool = False
    people: list = dataclasses.field(default_factory=list)
    later: list = dataclasses.field(default_factory=list)  # sentences that moved its status on (a delivery)


def longest(mentions):
    """Per family, the longest of overlapping mentions (a cue inside a longer cue is the longer one)."""
    kept = []
    for mention in sorted(mentions, key=lambda m: (m.start - m.end, m.start)):
        family = FAMILIES.get(mention.kind, mention.kind)
        if not any(
            FAMILIES.get(k.kind, k.kind) == family and k.start < mention.end and mention.start < k.end for k in kept
        ):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def general(proposal):
    return all(item.head in words.GENERAL for item in proposal.items)


def negated(doc, mention, floor):
    return any(doc[i].lower_ in words.NEGATIONS for i in range(max(floor, mention.start - 3), mention.start))


class Reading:
    def __init__(self, article):
        self.article = article
        self.lex = lexicon()
        self.doc = self.lex.nlp(article.body)
        self.mentions = longest(self.lex.mentions(self.doc))
        self.sentences = [s for s in self.doc.sents if s.text.strip()]
        countries = [m for m in self.mentions if m.kind == "country"]
        self.speaks_for, self.named = people(self.doc, countries)
        self.requests, self.deployments = [], []

    def says(self, cue, sentence):
        """A cue that tells of a request: not negated, not "the request" told before."""
        if negated(self.doc, cue, sentence.start):
            return False
        noun = cue.text.lower() in ("request", "requests")
        return not (noun and cue.start > sentence.start and self.doc[cue.start - 1].lower_ in words.DEFINITE)

    def within(self, sentence, kinds=None):
        return [
            m for m in self.mentions if sentence.start <= m.start < sentence.end and (kinds is None or m.kind in kinds)
        ]

    def read(self):
        last = None
        for index, sentence in enumerate(self.sentences):
            found = self.within(sentence)
            cues = [m for m in found if m.kind == "status" and self.says(m, sentence)]
            items = items_in(self.doc, sentence, found)
            if cues:
                # "signed a Letter of Request" asks; the letter decides over the verb before it.
                cue = next((c for c in cues if c.text.lower() == "letter of request"), cues[0])
                proposal = self.proposal_at(sentence, found, cue, last)
                merged = self.merge(proposal, items, sentence, index, found) if proposal else None
                if merged:
                    last = merged
                    continue
            if last and items and self.goes_on(sentence, found, last, index):
                self.add_items(last, items, sentence)
        # General cooperation is a request only when asked for ("seeking expanded military cooperation"),
        # not when agreed in principle ("agreed to step up military cooperation").
        self.requests = [r for r in self.requests if r.items and (r.status == "requested" or not general(r))]
        self.find_deployments()
        return self

    # ------------------------------------------------------------ requests

    def parties(self, sentence, found):
        """The sentence's parties, without those that only qualify a noun ("the NATO country France")."""
        return [
            m
            for m in found
            if m.kind == "country" and not (m.end < sentence.end and self.doc[m.end].lower_ in words.MODIFIED)
        ]

    def toward(self, sentence, mention):
        """Is the party the one asked or dealt with: "to Moscow", "from Russia", "with the NATO country France"."""
        for i in range(mention.start - 1, max(sentence.start, mention.start - 4) - 1, -1):
            word = self.doc[i].lower_
            if word in words.TOWARD:
                return True
            if not (
                word in ("the", "a", "an")
                or word in words.MODIFIED
                or self.doc[i].is_punct
                or self.doc[i].text[:1].isupper()
            ):
                return False
        return False

    def proposal_at(self, sentence, found, cue, last):
        countries = self.parties(sentence, found)
        what = [m for m in found if m.kind in ("system", "equipment")]
        origin = [c for c in countries if c.meaning.form == "demonym" and any(0 <= w.start - c.end <= 3 for w in what)]
        before = [c for c in countries if c.end <= cue.start and c not in origin]
        after = [c for c in countries if c.start >= cue.end and c not in origin]
        toward = [c for c in countries if self.toward(sentence, c)]
        if cue.text.lower() in words.GIVER_FIRST:
            supplier = (before[-1].value if before else None) or (origin[0].value if origin else None)
            requester = next((c.value for c in after if c.value != supplier), None)
            if requester is None:  # "China delivered the first components": the request China supplies
                self.update_supplied(supplier, cue, sentence)
                return None
        else:
            askers = [c for c in before if c not in toward]
            requester = askers[-1].value if askers else self.person_before(sentence, cue)
            subject = {t.lower_ for t in self.doc[max(sentence.start, cue.start - 4) : cue.start]}
            starts = self.doc[sentence.start].lower_ in words.PRONOUNS
            if requester is None and last and (starts or subject & {"he", "she", "they"} or self.near(last, sentence)):
                requester = last.requester  # "He also asked for…", "the letter asks for…": the asker before
            if requester is None:  # "on the agenda of the Iranian Air Force", "received by a Ukrainian brigade"
                requester = next(
                    (
                        c.value
                        for c in after
                        if self.doc[max(c.start - 3, 0) : c.start].text.split()
                        and {"of", "by"} & {t.lower_ for t in self.doc[max(c.start - 3, 0) : c.start]}
                    ),
                    None,
                )
            # The one asked: right after the cue ("asked Russian President…"), after to/from/with, or the maker.
            object_ = [c for c in after if c.start - cue.end <= 3]
            spoken_to = [c for c in before if c.end < cue.start and self.doc[c.end].lower_ in words.ADDRESSEES]
            others = [c for c in [*object_, *toward, *origin, *spoken_to] if c.value != requester]
            supplier = others[0].value if others else None
        if requester is None or requester == supplier:
            return None
        return Proposal(requester, supplier, cue.value, cue, hedged=self.hedged_at(sentence, cue))

    def hedged_at(self, sentence, cue):
        hedges = [m for m in self.within(sentence) if m.kind == "request_hedge" and m.start < cue.start]
        return bool(hedges) or self.reported_that(sentence, cue)

    def near(self, last, sentence):
        """The sentence comes right after the last request's (at most one sentence between)."""
        return bool(last.sentences) and self.sentences.index(sentence) - self.sentences.index(last.sentences[-1]) <= 2

    def update_supplied(self, supplier, cue, sentence):
        for known in reversed(self.requests):
            if supplier and known.supplier == supplier and known.items:
                known.status = cue.value
                known.later.append(sentence)
                return

    def person_before(self, sentence, cue):
        for i in range(cue.start - 1, sentence.start - 1, -1):
            country = self.speaks_for.get(self.doc[i].text)
            if country:
                return country
        return None

    def merge(self, proposal, items, sentence, index, found):
        """Into the request for the same pair (or the same asker, when this one names no other party)."""
        going_on = any(t.lower_ in words.GOING_ON for t in sentence)
        for known in reversed(self.requests):
            gap = index - self.sentences.index(known.sentences[-1])
            same_pair = known.requester == proposal.requester and known.supplier == proposal.supplier
            if not items:  # a cue without items only dates an adjacent request of the same pair
                if same_pair and gap <= 1:
                    known.sentences.append(sentence)
                    return known
                continue
            same = known.requester == proposal.requester and proposal.supplier in (known.supplier, None)
            alike = known.hedged == proposal.hedged and (
                known.status == proposal.status or not known.items or (proposal.supplier is None and gap <= 1)
            )
            if same and alike and (gap <= 2 or going_on or not known.items):
                self.add_items(known, items, sentence)
                return known
        if not items and proposal.supplier is None:  # nothing asked of anyone yet: no pending request
            return None
        proposal.sentences.append(sentence)
        self.add_items(proposal, items, sentence)
        self.requests.append(proposal)
        return proposal

    def goes_on(self, sentence, found, last, index):
        """A sentence without a cue adds to the last request only right after it, naming no other party."""
        if not last.sentences or self.sentences.index(last.sentences[-1]) != index - 1:
            return False
        parties = {m.value for m in found if m.kind == "country"}
        return parties <= {last.requester, last.supplier} and any(m.kind == "help" for m in found)

    def add_items(self, proposal, items, sentence):
        seen = {item.key() for item in proposal.items}
        for item in items:
            if item.key() not in seen:
                proposal.items.append(item)
                seen.add(item.key())
        if sentence not in proposal.sentences:
            proposal.sentences.append(sentence)

    # ------------------------------------------------------------ details

    def details(self, proposal):
        found = [m for s in proposal.sentences for m in self.within(s)]
        channels = [m for m in found if m.kind == "channel"]
        proposal.channel = channels[0].value if channels else "unknown"
        later = [m for s in proposal.later for m in self.within(s)]
        if proposal.status == "delivered" and any(m.kind == "partly" for m in [*found, *later]):
            proposal.status = "partly_delivered"
        spans = [(s.start_char, s.end_char) for s in proposal.sentences]
        named = [name for start, _end, name in sorted(self.named) if any(a <= start < b for a, b in spans)]
        proposal.people = list(dict.fromkeys(named))
        for item in proposal.items:
            item.hedged = item.hedged or proposal.hedged
        return proposal

    def reported_that(self, sentence, cue):
        text = self.doc[sentence.start : cue.start].text.lower()
        return any(f"{w} that" in text for w in ("reported", "reports", "claimed", "rumoured", "alleged"))

    def date_of(self, proposal):
        """The earliest date in the request's own sentences, else in the sentence after each; dates of
        when something was said ("said on Tuesday") only from its own sentences, and only when no other."""
        own = [d for s in proposal.sentences for d in self.dates(s)]
        following = []
        for sentence in proposal.sentences:
            index = self.sentences.index(sentence) + 1
            if index < len(self.sentences) and self.sentences[index] not in proposal.sentences:
                following += self.dates(self.sentences[index])
        order = {"year": 0, "month": 1, "day": 2}
        for group in ([d for d in own if not self.reported(d)], [d for d in following if not self.reported(d)]):
            if group:
                return min(
                    group, key=lambda d: (d.date if d.precision == "day" else d.date.replace(day=1), order[d.precision])
                )
        said = [d for d in own if self.reported(d)]
        return min(said, key=lambda d: d.date) if said else None

    def dates(self, sentence):
        return dates_in(sentence.text, sentence.start_char, self.article.published, self.article.precision)

    def reported(self, found):
        before = self.article.body[max(0, found.start - 25) : found.start].lower().split()
        return any(word.strip(",.") in words.REPORTING for word in before[-3:])

    # ------------------------------------------------------------ deployments

    def find_deployments(self):
        for sentence in self.sentences:
            found = self.within(sentence)
            for cue in (m for m in found if m.kind == "deploy"):
                deployment = self.deployment_at(sentence, found, cue)
                if deployment and all(d["quote"][1:] != deployment["quote"][1:] for d in self.deployments):
                    self.deployments.append(deployment)
                    break

    def deployment_at(self, sentence, found, cue):
        before = [m for m in found if m.kind == "country" and m.end <= cue.start]
        if not before or negated(self.doc, cue, sentence.start):
            return None
        country = before[-1]
        forces = [m for m in found if m.kind == "forces" and country.end <= m.start and m.end <= cue.end]
        where_start = cue.end
        if self.doc[cue.end - 1].lower_ != "in":
            if cue.end < sentence.end and self.doc[cue.end].lower_ in ("in", "to"):
                where_start = cue.end + 1
            else:
                return None
        where_end = where_start
        while where_end < sentence.end and (
            self.doc[where_end].text[:1].isupper() or self.doc[where_end].lower_ in ("the", "of", "and")
        ):
            where_end += 1
        while where_end > where_start and self.doc[where_end - 1].lower_ in ("the", "of", "and"):
            where_end -= 1
        if where_end == where_start:
            return None
        what = forces[0].text if forces else cue.text
        where = self.doc[where_start:where_end].text
        return {"country": country.value, "what": what, "where": where, "quote": (country.start, where_end)}
