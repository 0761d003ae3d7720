"""How alike two descriptions of a SIPRI deal are: a file's deal and a record, in either layout or edition.

Each side is reduced to its facts (the evidence both layouts carry): requester, supplier, order year and
its estimate mark, designation, type, numbers ordered and delivered, delivery years, TIV per unit, and a
digest of all it says. likeness() scores a pair in whole points, so that two equally good candidates tie
exactly (tracker/intake/matching.py keeps those apart).
"""

import re
import unicodedata
from typing import NamedTuple

# Words SIPRI writes before a designation in one edition and not in another ("Al Shibl", "EL/W-2085").
PREFIXES = {"al", "el"}
TIV = re.compile(r"SIPRI TIV per unit(?: in this deal)? (\d+(?:\.\d+)?)")


class Facts(NamedTuple):
    requester: int | None
    supplier: int | None
    year: int
    year_estimated: bool
    words: frozenset  # the designation's words and numbers
    name: str  # the designation without case, spaces, hyphens or known prefixes
    type_id: int | None
    asked: int | None
    delivered: int | None
    years: frozenset  # years with deliveries
    tiv: float | None
    said: int  # digest of summary, notes, status and numbers: the same text is the same deal


def words_of(designation):
    """'EL/W-2085' -> ('el', 'w', '2085'); 'Mi-24V/Mi-35' -> ('mi', '24', 'v', 'mi', '35'); accents dropped."""
    plain = unicodedata.normalize("NFKD", (designation or "").lower()).encode("ascii", "ignore").decode()
    plain = re.sub(r"\s*\([^)]*\)\s*$", "", plain)  # "Aditya (Ship)": our own qualifier, not SIPRI's
    return re.findall(r"[a-z]+|\d+", plain)


def facts(requester, supplier, year, year_estimated, designation, type_id, asked, delivered, years, tiv, said):
    found = words_of(designation)
    name = "".join(w for n, w in enumerate(found) if n or w not in PREFIXES or len(found) == 1)
    return Facts(
        requester,
        supplier,
        year,
        bool(year_estimated),
        frozenset(found),
        name,
        type_id,
        asked,
        delivered,
        frozenset(years),
        tiv,
        said,
    )


def tiv_of(notes):
    found = TIV.search(notes or "")
    return float(found[1]) if found else None


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def distinctive(word):
    return len(word) >= 3 or any(c.isdigit() for c in word)


def designation_likeness(a, b):
    """40 the same name, 28 one's words hold the other's ('Shibl' / 'Al Shibl', 'RBS-70-3' / 'RBS-70 Mk-3
    Bolide'), 14 a distinctive word or number shared, else 0."""
    if a.name and a.name == b.name:
        return 40
    small, large = sorted((a.words, b.words), key=len)
    if small and small <= large and any(distinctive(w) for w in small):
        return 28
    if any(distinctive(w) for w in a.words & b.words):
        return 14
    return 0


def likeness(a, b):
    """A whole-point score, or 0 when the two cannot be one deal (a shared requester and supplier is assumed)."""
    gap = abs(a.year - b.year)
    if gap > 2 or (gap == 2 and not (a.year_estimated or b.year_estimated)):
        return 0
    named = designation_likeness(a, b)
    if not named:
        return 0
    score = named + (20, 8, 2)[gap] + (a.year_estimated == b.year_estimated)
    score += 10 if a.type_id == b.type_id else -30
    if a.asked is not None and b.asked is not None:
        score += 10 if a.asked == b.asked else -3
    if a.delivered is not None and b.delivered is not None:
        score += 8 if a.delivered == b.delivered else 0
    elif a.delivered is None and b.delivered is None:
        score += 2
    if a.years and b.years:
        shared = len(a.years & b.years)
        score += 12 if a.years == b.years else 6 * shared // len(a.years | b.years) + 2 if shared else -8
    elif not a.years and not b.years:
        score += 3
    if a.tiv is not None and b.tiv is not None:
        score += 8 if abs(a.tiv - b.tiv) < 1e-9 else -2
    if a.said == b.said:
        score += 20
    # A shared word alone is little: the numbers must agree as well.
    return score if score >= (70 if named == 14 else 55) else 0
