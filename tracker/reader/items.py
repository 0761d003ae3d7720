"""Items: the equipment a sentence names, as phrases of the text with type, system, help, quantity and hedge.

A phrase grows left from its head over numbers and modifiers ("14 missile units", "several Russian-made
Sukhoi Su-30MK2 fighter jets") and a designation joins the equipment word beside it. The quantity is
kept only for an exact number at the start of the phrase, never after "some", "up to", "several".
"""

import dataclasses
import re

from . import words

NUMBER = re.compile(r"^\d{1,3}(,\d{3})*$|^\d+$")


@dataclasses.dataclass
class Item:
    start: int  # token indexes in the doc
    end: int
    equipment_type: str | None = None
    system: str | None = None
    system_type: str | None = None
    help_kind: str = "supply"
    quantity: int | None = None
    hedged: bool = False
    head: str = ""  # the equipment words matched
    help_start: int | None = None

    def key(self):
        """The same system, or the same words of the same type, is the same item said twice."""
        return (self.system or "", self.equipment_type or self.system_type or "", "" if self.system else self.head)


def number_value(token_text):
    text = token_text.lower()
    if NUMBER.match(text):
        return int(text.replace(",", ""))
    return words.NUMBERS.get(text)


def starts_sentence(doc, index, floor):
    return index <= floor or doc[index].is_sent_start or doc[index - 1].is_space


def part_of_phrase(doc, index, floor):
    """Can the token at index belong to an item phrase before its head (read right to left)?"""
    token, text = doc[index], doc[index].text
    if text.lower() in NOT_NAMES or token.is_space:
        return False
    if text == "-" or text.lower() in words.MODIFIERS or number_value(text) is not None:
        return True
    if any(c.isdigit() for c in text) or (text[:1].isupper() and not starts_sentence(doc, index, floor)):
        return True
    hyphened = (index > floor and doc[index - 1].text == "-") or (index + 1 < len(doc) and doc[index + 1].text == "-")
    return token.is_lower and hyphened  # "weapon-locating", "air-launched"


def grow_left(doc, start, floor):
    """The phrase's first token: back over numbers, modifiers, names, designations and hyphenated words."""
    while start > floor and part_of_phrase(doc, start - 1, floor):
        start -= 1
    return start


# A designation's shape: letters and digits ("Su-30MK2", "FK-3", "S-300", "Leopard 2A4", "PAC-3").
SHAPE = re.compile(r"(?<![\w-])(?:[A-Z][A-Za-z]{0,7}[- ]?\d{1,4}[A-Za-z0-9]*|[A-Z]{2,5})(?:[-/][A-Z0-9]+)*(?![\w-])")


NOT_NAMES = {"the", "a", "an", "in", "on", "at", "of", "by", "for", "and", "about", "some", "over", "up"}


def named_system(doc, item, head_start, parties):
    """The system a phrase names before its equipment word, as written: a designation's shape, else the
    capitalised words just before the head ("12 Rafale fighter jets", "Storm Shadow missiles")."""
    region = doc[item.start : head_start]
    found = [
        m.group(0)
        for m in SHAPE.finditer(region.text)
        if any(c.isdigit() for c in m.group(0)) and m.group(0).split()[0].lower() not in NOT_NAMES
    ]
    if found:
        return found[-1]
    end = head_start
    # Over a hyphenated modifier between the name and the head: "SWATHI weapon-locating radars".
    while end - 2 > item.start and doc[end - 2].text == "-" and doc[end - 1].is_lower and doc[end - 3].is_lower:
        end -= 3
    start = end
    while start > item.start and doc[start - 1].text[:1].isupper() and doc[start - 1].is_alpha:
        if any(p.start <= start - 1 < p.end for p in parties) or doc[start - 1].lower_ in NOT_NAMES:
            break
        if starts_sentence(doc, start - 1, -1):
            break
        start -= 1
    return doc[start:end].text if start < end else None


def items_in(doc, sentence, mentions):
    """The items of a sentence (a spaCy Span), in text order, one per phrase."""
    what = sorted((m for m in mentions if m.kind in ("system", "equipment")), key=lambda m: m.start)
    parties = [m for m in mentions if m.kind == "country"]
    items, used = [], set()
    for i, mention in enumerate(what):
        if i in used:
            continue
        item = Item(mention.start, mention.end)
        take(item, mention)
        # A designation and the equipment word right after it are one item ("FK-3 air defence system").
        for j in range(i + 1, len(what)):
            other = what[j]
            gap = doc[item.end : other.start]
            joined = not gap or (len(gap) == 1 and not gap[0].is_punct and gap[0].lower_ not in ("and", "or"))
            if j in used or not joined or "system" not in (mention.kind, other.kind):
                break
            take(item, other)
            item.end = other.end
            used.add(j)
        if item.end < sentence.end and doc[item.end].text.lower() in words.HEAD_NOUNS:
            item.end += 1
        head_start = mention.start if mention.kind == "equipment" else item.end
        item.start = grow_left(doc, item.start, sentence.start)
        if item.start > sentence.start and doc[item.start - 1].lower_ in words.POSSESSIVES:
            continue  # the asker's own equipment, not what is asked for
        if item.system is None:
            item.system = named_system(doc, item, head_start, parties)
        items.append(item)
    for item in items:
        describe(doc, sentence, item, mentions)
    return items


def take(item, mention):
    if mention.kind == "system":
        item.system, item.system_type = mention.value
    else:
        item.equipment_type = mention.value
        item.head = mention.text.lower()


def describe(doc, sentence, item, mentions):
    """Quantity, help kind and hedge, from the words just before the item and its own words."""
    first = doc[item.start]
    before = doc[item.start - 1].text.lower() if item.start > sentence.start else ""
    value = number_value(first.text)
    handed = before == "over" and item.start - 2 >= sentence.start and doc[item.start - 2].lower_ in words.HANDING
    two = doc[item.start - 2 : item.start].text.lower() if item.start - 2 >= sentence.start else ""
    approximate = (
        (before in words.APPROXIMATE and not handed) or first.text.lower() in words.APPROXIMATE or two in words.BOUNDS
    )
    if value is not None and not approximate:
        item.quantity = value
    helps = [m for m in mentions if m.kind == "help" and m.end <= item.start and item.start - m.end <= 12]
    cues = [m for m in mentions if m.kind in ("status", "item_hedge") and m.end <= item.start]
    if helps:
        nearest = max(helps, key=lambda m: m.end)
        if not any(c.start >= nearest.end for c in cues):
            item.help_kind, item.help_start = nearest.value, nearest.start
    if item.head in words.EQUIPMENT_HELP:
        item.help_kind = words.EQUIPMENT_HELP[item.head]
    elif (item.equipment_type or item.system_type) == "ammunition":
        item.help_kind = "munitions"
    item.hedged = any(m.kind == "item_hedge" and 0 <= item.start - m.end <= 2 for m in mentions)
