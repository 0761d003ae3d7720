"""Deployments on a world map: the page, and the compact JSON its script draws from.

The map answers the list's query string (DeploymentFilter, the same 400s). A deployment with coordinates is a
marker that says how precisely they place it; one known only by its host country is counted on that country's
shape (ISO numeric, the key of Natural Earth's shapes); one with neither is counted as not drawable.
"""

from django.db.models import Count, FloatField
from django.db.models.functions import Cast, Coalesce, Substr
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from tracker.models import Country, Deployment

from .filters import DeploymentFilter
from .views import apply, choices_context

MAX_POINTS = 20_000  # markers sent at most, the newest records first; the response says how many more there are
LABEL_CHARS = 80


@require_safe
def deployment_map(request):
    """The page: filters, the map (drawn by assets/js/map.js from map.json), its legend. Reads no deployment."""
    filterset, _, errors = apply(DeploymentFilter, request, Deployment.objects.none())
    context = {
        "filter": filterset,
        "errors": errors,
        **choices_context(request, filterset),
    }
    return render(request, "tracker/deployment_map.html", context, status=400 if errors else 200)


def bad_request(errors):
    """A 400 naming every bad parameter, as JSON."""
    return JsonResponse({"errors": [{"parameter": name, "message": message} for name, message in errors]}, status=400)


@require_safe
@gzip_page
def deployment_map_json(request):
    """Published deployments matching the filters, for the map: at most four queries after the filters' own.

    {"count": all matching, "points": [[id, lat, lon, precision, label, place], …] (at most MAX_POINTS, newest
    records first; place is where, in words: the location, else the region, else the host country, or ""),
    "points_total": all with coordinates, "countries": [[ISO numeric, code, name, count], …] for those placed only
    by a host country that has a shape, "unplaced": those with neither, "record_url": "/deployments/0/"}
    """
    _, rows, errors = apply(DeploymentFilter, request, Deployment.objects.published())
    if errors:
        return bad_request(errors)
    # Newest records first (the id's order: the list's sorts would make SQLite walk an index over every row).
    placed = rows.with_coordinates().order_by("-pk")
    placed = placed.annotate(
        what=Substr("description", 1, LABEL_CHARS),
        lat=Cast("latitude", FloatField()),
        lon=Cast("longitude", FloatField()),
    )
    fields = ("pk", "lat", "lon", "location_precision", "country__iso2", "country__name", "unit", "what")
    places = ("location", "region", "host_country__name")
    points = [
        [pk, lat, lon, precision, label(iso2, name, unit, what), cut(location or region or host or "")]
        for pk, lat, lon, precision, iso2, name, unit, what, location, region, host in placed.values_list(
            *fields, *places
        )[: MAX_POINTS + 1]
    ]
    points_total = len(points) if len(points) <= MAX_POINTS else rows.with_coordinates().order_by().count()
    # Grouped by an expression, not the column: SQLite would walk the host_country index and read every row at
    # random (four times slower at 100,000 deployments). 0 stands for no host country.
    by_host = dict(
        rows.without_coordinates()
        .order_by()
        .annotate(host=Coalesce("host_country", 0))
        .values_list("host")
        .annotate(n=Count("id"))
    )
    countries = [
        [numeric, iso2 or str(pk), name, by_host.pop(pk)]
        for pk, numeric, iso2, name in Country.objects.filter(pk__in=by_host)
        .exclude(numeric="")
        .values_list("pk", "numeric", "iso2", "name")
    ]
    countries.sort(key=lambda c: (-c[-1], c[2]))
    unplaced = sum(by_host.values())  # no host country, or a party with no ISO code: no shape to draw it on
    return JsonResponse(
        {
            "count": points_total + sum(c[-1] for c in countries) + unplaced,
            "points": points[:MAX_POINTS],
            "points_total": points_total,
            "countries": countries,
            "unplaced": unplaced,
            "record_url": reverse("deployment-detail", args=[0]),
        }
    )


def label(iso2, name, unit, what):
    return f"{iso2 or name}: {cut(unit or what)}"


def cut(text):
    return text[: LABEL_CHARS - 1] + "…" if len(text) >= LABEL_CHARS else text
