"""Scoring for `make test-articles`: one reader proposal (read_article --json) against an analyst's truth (.json).

The truth files use the labels of ../shared/articles/README.md ("combat aircraft", "under negotiation",
"new supply"); the reader prints our stored values ("combat-aircraft", "negotiating", "supply"). Both are
mapped to stored values here, from the same lists the models use, so a renamed label cannot drift silently.

Needs Django set up (it reads the choices of tracker.models).
"""

import csv
import re
from collections import Counter
from dataclasses import dataclass, field

from tracker.models.equipment import variant_key
from tracker.models.requests import HelpKind, RequestStatus
from tracker.reference import EQUIPMENT_TYPES, PARTIES_CSV


def _label_map(pairs):
    """{label or value, lowercased: stored value} for (value, label) pairs."""
    mapping = {}
    for value, label in pairs:
        mapping[value.lower()] = value
        mapping[label.lower()] = value
    return mapping


TYPES = _label_map((slug, name) for slug, name, _description in EQUIPMENT_TYPES)
STATUSES = _label_map(RequestStatus.choices)
KINDS = _label_map(HelpKind.choices)


def stored(mapping, label):
    """The stored value of a truth label or a proposed value; an unknown one is kept (it then matches nothing)."""
    if label is None:
        return None
    return mapping.get(str(label).strip().lower(), str(label).strip().lower())


def unknown_party_names():
    """Names of the parties that stand for "not known" (kind unknown in parties.csv), casefolded."""
    with open(PARTIES_CSV, encoding="utf-8", newline="") as handle:
        return {row["name"].casefold() for row in csv.DictReader(handle) if row["kind"] == "unknown"}


def split_article(text):
    """(headers, body) of an article file: header lines, a blank line, then the body (offsets count from it)."""
    head, _, body = text.partition("\n\n")
    headers = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    return headers, body


# ------------------------------------------------------------------ parties, dates, numbers


def truth_party(value):
    """A truth party: an ISO alpha-2 code, a party's name as written, or None (the text names none)."""
    if value is None:
        return None
    return value if re.fullmatch(r"[A-Z]{2}", value) else value.casefold()


def proposed_party(value, unknown):
    """A proposed party {"code", "name"} as a key comparable with truth_party; the unknown party is None."""
    if not value:
        return None
    if value.get("code"):
        return value["code"].upper()
    name = (value.get("name") or "").casefold()
    return None if not name or name in unknown else name


def proposed_pair(request, unknown):
    return proposed_party(request.get("requester"), unknown), proposed_party(request.get("supplier"), unknown)


def precision(date):
    """0 no date, 1 year, 2 month, 3 day (anything longer than a day counts as a day)."""
    if not date:
        return 0
    date = str(date)
    if re.fullmatch(r"\d{4}", date):
        return 1
    if re.fullmatch(r"\d{4}-\d{2}", date):
        return 2
    return 3


_ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
    *("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"),
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n):
    """English words for 0 <= n < 1,000,000: 24 -> "twenty-four", 1500 -> "one thousand five hundred"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("-" + _ONES[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + (" and " + number_words(rest) if rest else "")
    rest = n % 1000
    return number_words(n // 1000) + " thousand" + (" " + number_words(rest) if rest else "")


def number_written(n, text):
    """Whether the exact number n is written in text, as digits ("1,000", "1000") or English words."""
    try:
        n = int(n)
    except (TypeError, ValueError):
        return False
    digits = {str(n), f"{n:,}", f"{n:,}".replace(",", " "), f"{n:,}".replace(",", ".")}
    # Not part of a longer number: "14" is not in "140" nor in "1,400".
    if any(re.search(rf"(?<![\d,.]){re.escape(d)}(?![\d]|[,.]\d)", text) for d in digits):
        return True
    if not 0 <= n < 1_000_000:
        return False
    words = [number_words(n)]
    words += [w.replace(" and ", " ") for w in words]
    words += {1: ["a", "an", "single"], 2: ["pair"], 12: ["dozen"], 100: ["a hundred"], 1000: ["a thousand"]}.get(n, [])
    pattern = "|".join(re.escape(w).replace(r"\-", "[- ]").replace(r"\ ", r"\s+") for w in words)
    return re.search(rf"\b(?:{pattern})\b", text, re.IGNORECASE) is not None


def sentence_around(body, start, end):
    """The sentence(s) of body holding [start, end): from the last stop before to the first stop after."""
    stops = [m.end() for m in re.finditer(r"[.!?][\"”’)]*\s|\n", body)]
    first = max((s for s in stops if s <= start), default=0)
    last = min((s for s in stops if s >= end), default=len(body))
    return body[first:last]


def same_system(truth, proposed):
    """The truth's system named by the proposal: equal but for case, spaces, hyphens and accents, or the
    proposal's first words ("Patriot" in "Patriot PAC-3"); a bare "Su-30" never stands for "Su-30MK2"."""
    if not truth or not proposed:
        return False
    if isinstance(proposed, dict):
        proposed = proposed.get("designation") or proposed.get("name") or ""
    key, words = variant_key(truth), str(proposed).split()
    return any(variant_key(" ".join(words[:n])) == key for n in range(1, len(words) + 1))


# ------------------------------------------------------------------ one article


@dataclass
class Score:
    truth: int = 0  # truth requests
    proposed: int = 0  # proposed requests
    found: int = 0  # truth requests matched by a proposal (recall's numerator; precision's too, one-to-one)
    items: int = 0  # truth items of matched requests
    types: int = 0  # of those, with a proposed item of the same type
    systems: int = 0  # truth items naming a system
    systems_found: int = 0
    status: int = 0  # matched requests whose status is right (information, no goal)
    bad_quotes: list = field(default_factory=list)
    bad_quantities: list = field(default_factory=list)
    finer_dates: list = field(default_factory=list)
    negatives: int = 0  # requests proposed from an article whose truth has none
    missed: list = field(default_factory=list)  # truth requests no proposal matched
    wrong: list = field(default_factory=list)  # proposals matching no truth request
    systems_missed: list = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    def add(self, other):
        for name, value in vars(other).items():
            if name != "error":
                setattr(self, name, getattr(self, name) + value)


def _span(quote):
    if isinstance(quote, dict) and isinstance(quote.get("start"), int) and isinstance(quote.get("end"), int):
        return quote["start"], quote["end"]
    return None


def _overlap(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0])) if a and b else 0


def _pair_name(requester, supplier):
    return f"{requester or '?'} asks {supplier or 'unnamed'}"


def check_quotes(body, proposal):
    """Every quote of the proposal (requests, items, deployments) must be the body's text at its offsets."""
    bad = []
    places = [(f"request {n}", r.get("quote")) for n, r in enumerate(proposal.get("requests", []), 1)]
    places += [
        (f"request {n} item {m}", item.get("quote"))
        for n, r in enumerate(proposal.get("requests", []), 1)
        for m, item in enumerate(r.get("items", []), 1)
    ]
    places += [(f"deployment {n}", d.get("quote")) for n, d in enumerate(proposal.get("deployments", []), 1)]
    for where, quote in places:
        text = quote.get("text") if isinstance(quote, dict) else None
        span = _span(quote)
        if not text:
            bad.append(f"{where}: no quote")
        elif text not in body:
            bad.append(f"{where}: {text[:70]!r} is not in the text")
        elif span is None or body[span[0] : span[1]] != text:
            bad.append(f"{where}: offsets {span} do not give {text[:50]!r}")
    return bad


def check_quantities(body, proposal):
    """A proposed quantity must be written, as digits or words, in the item's quote or its sentence."""
    bad = []
    for n, request in enumerate(proposal.get("requests", []), 1):
        for m, item in enumerate(request.get("items", []), 1):
            quantity = item.get("quantity_requested", item.get("quantity"))
            if quantity is None:
                continue
            quote = item.get("quote") or request.get("quote") or {}
            text = quote.get("text") or ""
            span = _span(quote)
            if span is None and text in body and text:
                span = (body.index(text), body.index(text) + len(text))
            context = text + "\n" + (sentence_around(body, *span) if span else "")
            if not number_written(quantity, context):
                bad.append(f"request {n} item {m}: quantity {quantity} is not written in {text[:60]!r}")
    return bad


def score(body, truth, proposal, unknown):
    """Score one article's proposal against its truth (see make test-articles in the Makefile)."""
    result = Score()
    truths, proposals = truth.get("requests", []), proposal.get("requests", [])
    result.truth, result.proposed = len(truths), len(proposals)
    result.bad_quotes = check_quotes(body, proposal)
    result.bad_quantities = check_quantities(body, proposal)
    if not truths:
        result.negatives = len(proposals)

    # One-to-one by requester and asked country; among several with one pair, the most overlapping quotes.
    candidates = []
    for t, request in enumerate(truths):
        key = (truth_party(request["requester"]), truth_party(request["supplier"]))
        quote = request.get("quote") or ""
        t_span = (body.find(quote), body.find(quote) + len(quote)) if quote in body else None
        for p, proposed in enumerate(proposals):
            if proposed_pair(proposed, unknown) == key:
                candidates.append((-_overlap(t_span, _span(proposed.get("quote"))), t, p))
    pairs, used_t, used_p = [], set(), set()
    for _, t, p in sorted(candidates):
        if t not in used_t and p not in used_p:
            pairs.append((t, p))
            used_t.add(t)
            used_p.add(p)
    result.found = len(pairs)
    result.missed = [
        _pair_name(r["requester"], r["supplier"]) + f" ({r.get('date')}, {r.get('status')})"
        for t, r in enumerate(truths)
        if t not in used_t
    ]
    result.wrong = [
        _pair_name(*proposed_pair(r, unknown)) + f" ({r.get('date')}, {r.get('status')})"
        for p, r in enumerate(proposals)
        if p not in used_p
    ]

    for t, p in pairs:
        request, proposed = truths[t], proposals[p]
        truth_types = Counter(stored(TYPES, i["equipment_type"]) for i in request["items"])
        proposed_types = Counter(stored(TYPES, i.get("equipment_type")) for i in proposed.get("items", []))
        result.items += len(request["items"])
        result.types += sum((truth_types & proposed_types).values())
        result.status += stored(STATUSES, request.get("status")) == stored(STATUSES, proposed.get("status"))
        if precision(proposed.get("date")) > precision(request.get("date")):
            result.finer_dates.append(
                f"{_pair_name(request['requester'], request['supplier'])}: "
                f"proposed {proposed.get('date')}, the text gives {request.get('date')}"
            )
    # Unmatched proposals cannot be finer than the article's own date either.
    published = truth.get("published")
    for p, proposed in enumerate(proposals):
        if p not in used_p and precision(proposed.get("date")) > precision(published):
            result.finer_dates.append(f"request {p + 1}: proposed {proposed.get('date')}, published {published}")

    # Systems: anywhere among the article's proposed items, each proposed item used once.
    offered = [i.get("system") for r in proposals for i in r.get("items", []) if i.get("system")]
    named = list(offered)
    for request in truths:
        for item in request["items"]:
            if item.get("system"):
                result.systems += 1
                hit = next((n for n, s in enumerate(offered) if same_system(item["system"], s)), None)
                if hit is not None:
                    result.systems_found += 1
                    offered.pop(hit)
                else:
                    result.systems_missed.append(f"system {item['system']!r} not found (proposed: {named})")
    return result
