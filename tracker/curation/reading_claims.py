"""The reader proposes a differing claim (issue 25): when a proposal's possible duplicate is an existing request
whose status, date or an item's quantity asked differs from what the article says, the review page offers to
record the article as that request's source with its claims, instead of a new request.

Accepting the offer writes a citation of the article's source on the existing request and one Claim per
difference, in one revision of that request; no new request. The request's own values stay the preferred ones.
"""

import dataclasses

from tracker.dates import format_partial, parse_partial, period_end
from tracker.models import Citation, Claim, ClaimField, RequestItem, RequestStatus


@dataclasses.dataclass
class Difference:
    field: str
    item: object  # the existing request's item, for a quantity
    recorded: str  # the request's value, as a page writes it
    said: str  # the article's
    claim: dict  # the Claim's own columns

    @property
    def label(self):
        return ClaimField(self.field).label


@dataclasses.dataclass
class Offer:
    record: object
    differences: list


def overlap(first, first_precision, second, second_precision):
    """Do two partial dates' periods share a day? (A year and a month in it do: no disagreement.)"""
    return first <= period_end(second, second_precision) and second <= period_end(first, first_precision)


def differences(found, record, items):
    """What the article (a proposal's found dict) says that the existing request records otherwise."""
    out = []
    status = found.get("status")
    if status in RequestStatus.values and status != record.status:
        label = RequestStatus(status).label
        out.append(Difference(ClaimField.STATUS, None, record.get_status_display(), label, {"status": status}))
    date, precision = article_date(found)
    if (
        date is not None
        and record.date is not None
        and not overlap(date, precision, record.date, record.date_precision)
    ):
        said = format_partial(date, precision)
        claim = {"date": date, "date_precision": precision}
        out.append(Difference(ClaimField.DATE, None, record.date_display, said, claim))
    for said in found.get("items", []):
        quantity = said.get("quantity_requested")
        item = matching_item(said, items)
        if quantity is None or item is None or item.quantity_requested in (None, quantity):
            continue
        claim = {"item": item, "low": quantity, "high": quantity}
        out.append(Difference(ClaimField.QUANTITY_ASKED, item, f"{item.quantity_requested:,}", f"{quantity:,}", claim))
    return out


def article_date(found):
    try:
        return parse_partial(found["date"]) if found.get("date") else (None, "")
    except ValueError:
        return None, ""


def matching_item(said, items):
    """The existing item the article's item is about: the same system, or the only item of the only kind."""
    system = (said.get("system") or "").lower()
    same = [i for i in items if system and i.system and i.system.designation.lower() == system]
    if len(same) == 1:
        return same[0]
    return items[0] if len(items) == 1 and not system else None


def offers(found, duplicates):
    """[Offer] for the possible duplicates that differ from the article: one query for their items."""
    if not duplicates:
        return []
    items = {}
    for item in RequestItem.objects.filter(request__in=duplicates).select_related("system").order_by("pk"):
        items.setdefault(item.request_id, []).append(item)
    found_offers = []
    for record in duplicates:
        differing = differences(found, record, items.get(record.pk, []))
        if differing:
            found_offers.append(Offer(record, differing))
    return found_offers


def chosen_offer(proposal, data):
    """The offer the curator ticked for this proposal (its record's id in <key>-claim-on), or None."""
    wanted = (data or {}).get(f"{proposal.key}-claim-on", "")
    return next((o for o in proposal.claim_offers if str(o.record.pk) == wanted), None)


def write_claims(offer, source, quote, location, credibility):
    """The citation of the article on the existing request and a claim per difference; returns the request's id."""
    record = offer.record
    citation = Citation.objects.create(
        source=source, request=record, quote=quote, location=location[:120], credibility=credibility
    )
    for difference in offer.differences:
        Claim.objects.create(request=record, citation=citation, field=difference.field, **difference.claim)
    return record.pk
