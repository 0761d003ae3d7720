"""Who asked whom as a network: the matrix's filtered counts as countries (nodes) and requests (arrows).

The page and the panel beside the matrix are drawn by assets/js/network.js from network.json, which answers
RequestFilter's query string (the same 400s) plus ?links=N, the number of strongest links to show.
"""

from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from tracker.models import ArmsRequest

from . import summaries
from .filters import RequestFilter
from .maps import bad_request
from .views import apply, choices_context

LINK_CHOICES = [10, 20, 40, 80, 160, 320]
DEFAULT_LINKS = 40
MAX_LINKS = 500
REGIONS = ["Americas", "Europe", "Africa", "Asia", "Oceania"]  # the order round the circle; others come last
NOT_FILTERS = ("page", "after", "before", "sort", "links")  # parameters of a page, not of the filtered set


class LinksForm(forms.Form):
    links = forms.IntegerField(min_value=1, max_value=MAX_LINKS, required=False)


def links_asked(request):
    """(number of links, errors): ?links= is a whole number from 1 to MAX_LINKS; absent means DEFAULT_LINKS."""
    value = request.GET.get("links", "").strip()[:20]
    form = LinksForm({"links": value})
    if not form.is_valid():
        return DEFAULT_LINKS, [("links", f"{value!r} is not a number of links: use a whole number, 1 to {MAX_LINKS}.")]
    return form.cleaned_data["links"] or DEFAULT_LINKS, []


@require_safe
def network(request):
    """The page: the request filters and the network (drawn by the script). Reads no request itself."""
    filterset, _, errors = apply(RequestFilter, request, ArmsRequest.objects.none())
    links, link_errors = links_asked(request)
    errors = errors + link_errors
    context = {
        "filter": filterset,
        "errors": errors,
        "links": links,
        "link_choices": sorted({*LINK_CHOICES, links}),
        **choices_context(request, filterset),
    }
    return render(request, "tracker/network.html", context, status=400 if errors else 200)


def list_url(base, query, **pair):
    """The request list for the current filters with pair's parameters set (each replacing its own)."""
    params = query.copy()
    for name in (*NOT_FILTERS, *pair):
        params.pop(name, None)
    params.update(pair)
    return f"{base}?{params.urlencode()}"


@require_safe
@gzip_page
def network_json(request):
    """The strongest links among the filtered requests, and the countries at their ends.

    {"total": requests, "pairs": distinct requester → asked pairs, "requests_shown": requests on the links shown,
    "links": [[requester code, asked code, count, list URL], …] strongest first,
    "nodes": [{"code", "name", "region", "asked", "was_asked", "url"}, …] in order round the circle}.
    A node's counts are over every filtered request, not only the links shown.
    """
    filterset, rows, errors = apply(RequestFilter, request, ArmsRequest.objects.published())
    limit, link_errors = links_asked(request)
    if errors or link_errors:
        return bad_request(errors + link_errors)
    found = summaries.strongest_links(filterset, rows, limit)
    countries, base = found.countries, reverse("request-list")
    ends = sorted((countries[pk] for pk in {pk for r, s, _ in found.links for pk in (r, s)}), key=place_on_circle)
    return JsonResponse(
        {
            "total": sum(found.row_totals.values()),
            "pairs": found.pairs,
            "requests_shown": sum(n for _, _, n in found.links),
            "links": [
                [
                    countries[r].code,
                    countries[s].code,
                    n,
                    list_url(base, request.GET, requester=countries[r].code, supplier=countries[s].code),
                ]
                for r, s, n in found.links
            ],
            "nodes": [
                {
                    "code": c.code,
                    "name": c.name,
                    "region": c.region if c.region in REGIONS else "",
                    "asked": found.row_totals[c.pk],
                    "was_asked": found.column_totals[c.pk],
                    "url": list_url(base, request.GET, country=c.code),
                }
                for c in ends
            ],
        }
    )


def place_on_circle(country):
    """Round the circle by region, then sub-region, then name, so neighbours sit together."""
    region = REGIONS.index(country.region) if country.region in REGIONS else len(REGIONS)
    return (region, country.subregion, country.name)
