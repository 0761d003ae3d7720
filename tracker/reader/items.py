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


def grow_left(doc, start, floor):
    """The phrase's first token: back over numbers, modifiers, capitalised words and hyphens."""
    while start > floor:
        token = doc[start - 1]
        text = token.text
        if (
            text.lower() in words.MODIFIERS
            or number_value(text) is not None
            or (text[:1].isupper() and start - 1 > floor and not token.is_sent_start)
        ):
            start -= 1
            continue
        if text[:1].isupper() and token.is_sent_start:
            start -= 1
        break
    return start


def items_in(doc, sentence, mentions):
    """The items of a sentence (a spaCy Span), in text order, one per phrase."""
    what = sorted((m for m in mentions if m.kind in ("system", "equipment")), key=lambda m: m.start)
    items, used = [], set()
    for i, mention in enumerate(what):
        if i in used:
            continue
        item = Item(mention.start, mention.end)
        take(item, mention)
        # A designation and the equipment word right after it are one item ("FK-3 air defence system").
        for j in range(i + 1, len(what)):
            other = what[j]
            if other.start - item.end > 1 or j in used:
                break
            take(item, other)
            item.end = other.end
            used.add(j)
        if item.end < sentence.end and doc[item.end].text.lower() in words.HEAD_NOUNS:
            item.end += 1
        item.start = grow_left(doc, item.start, sentence.start)
        if item.start > sentence.start and doc[item.start - 1].lower_ in words.POSSESSIVES:
            continue  # the asker's own equipment, not what is asked for
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
    if value is not None and before not in words.APPROXIMATE and first.text.lower() not in words.APPROXIMATE:
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
