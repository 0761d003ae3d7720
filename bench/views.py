"""The throughput reference: /requests/?country=XX without the filter stack.

Same queries (page rows with their prefetches, capped count), same template;
the country is looked up directly and the form is never bound or validated.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from tracker.explore import pagination
from tracker.explore.filters import REQUEST_SORTS, RequestFilter
from tracker.explore.views import COUNT_CAP, PER_PAGE
from tracker.models import ArmsRequest, Country, EquipmentType


def minimal_request_list(request):
    country = get_object_or_404(Country, iso2=request.GET["country"])
    keys = REQUEST_SORTS["-date"][1]
    rows = (
        ArmsRequest.objects.published()
        .for_list()
        .filter(Q(requester=country) | Q(supplier=country))
        .order_by(*pagination.ordering(keys))
    )
    page = pagination.paginate(rows, keys, "-date", PER_PAGE)
    context = {
        "filter": RequestFilter(queryset=ArmsRequest.objects.none()),
        "page": page,
        "errors": [],
        "count": pagination.count_up_to(rows, COUNT_CAP),
        "count_cap": COUNT_CAP,
        "countries": Country.objects.only("name", "iso2"),
        "types": EquipmentType.objects.only("name", "slug"),
        "systems": [],
        "chosen": {name: request.GET.getlist(name) for name in request.GET},
    }
    return render(request, "tracker/request_list.html", context)
