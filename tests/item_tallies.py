"""Who asked whom per type and per system counted live, and the filters the item tallies answer (for test_tallies)."""

from collections import Counter

from tracker.models import EquipmentType, RequestItem, System
from tracker.models.tallies import SystemPairTally, TypeCountryTally, TypePairTally, TypePeriodTally

KEYS = {
    TypePairTally: ("equipment_type", "requester", "supplier", "status"),
    TypeCountryTally: ("equipment_type", "country", "side", "status"),
    SystemPairTally: ("system", "requester", "supplier", "status"),
    TypePeriodTally: ("equipment_type", "year", "month", "date_precision"),
}


def live_item_tallies(requests, dates):
    """Who asked whom per type and per system, and each type's periods (dates: {request id: period key}): a
    request once per type (or system) its items name."""
    pairs = {
        r["id"]: (r["requester"], r["supplier"], r["status"])
        for r in requests.values("id", "requester", "supplier", "status")
    }
    type_pair, type_country, system_pair, type_period = Counter(), Counter(), Counter(), Counter()
    items = RequestItem.objects.filter(request__in=requests).values_list("request", "equipment_type", "system")
    for request_id, type_id in {(r, t) for r, t, _ in items}:
        requester, supplier, status = pairs[request_id]
        type_period[(type_id, *dates[request_id])] += 1
        type_pair[(type_id, requester, supplier, status)] += 1
        type_country[(type_id, requester, "r", status)] += 1
        type_country[(type_id, supplier, "s", status)] += 1
    for request_id, system_id in {(r, s) for r, _, s in items if s is not None}:
        system_pair[(system_id, *pairs[request_id])] += 1
    return {
        TypePairTally: type_pair,
        TypeCountryTally: type_country,
        SystemPairTally: system_pair,
        TypePeriodTally: type_period,
    }


def item_filters():
    """One type or one system (the item tallies answer), alone and with the other filters; two (counted live)."""
    types = list(EquipmentType.objects.filter(request_items__isnull=False).distinct().values_list("slug", flat=True))
    systems = list(
        System.objects.in_public_use().filter(request_items__isnull=False).distinct().values_list("slug", flat=True)
    )
    queries = [f"type={slug}" for slug in types] + [f"system={slug}" for slug in systems]
    for one in queries[:1] + queries[-1:]:
        queries += [f"{one}&status=delivered&status=agreed", f"{one}&country=RU", f"{one}&requester=VE&supplier=RU"]
    both = f"type={types[0]}&system={systems[0]}" if types and systems else ""
    return [*queries, f"type={','.join(types[:2])}", f"system={','.join(systems[:2])}", both]
