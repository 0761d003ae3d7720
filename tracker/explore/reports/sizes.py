"""How many rows a list's CSV will have, said beside its link: a list page counts its records, and the
requests' CSV has one row per item ("1 request matches" and a file of 4 rows, said nowhere, read as wrong).

Counted within the page's own budget: no query when the page holds every record (their items are
prefetched), else in the one capped count the page makes anyway (views.COUNT_CAP).
"""

from django.db.models import Count, Q

from tracker.models import count_up_to


def one_row_each(page, rows, cap, whole):
    """(records, CSV rows) of a list whose CSV has a row per record (deployments)."""
    count = len(page) if whole else count_up_to(rows, cap)
    return count, count


def one_row_per_item(page, rows, cap, whole):
    """(requests, rows of /requests.csv): a row per item, one for a request without items.

    Beyond cap, both are "more than cap" (the rows are then summed over the first cap + 1 requests only).
    """
    if whole:
        return len(page), sum(max(1, len(r.items.all())) for r in page.object_list)
    # The capped count the page makes anyway, joined to the items: Django cannot aggregate over a slice's
    # annotations, so the first cap + 1 ids are a subquery here.
    first = rows.order_by().values("pk")[: cap + 1]
    found = (
        rows.model.objects.using(rows.db)
        .filter(pk__in=first)
        .aggregate(
            count=Count("pk", distinct=True), with_items=Count("items"), without=Count("pk", filter=Q(items=None))
        )
    )
    return found["count"], found["with_items"] + found["without"]
