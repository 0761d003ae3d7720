import re

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render

from tracker.models import ArmsRequest, Country, Deployment, EquipmentType, System
from tracker.models.names import key_words

from . import claims, pagination, releases, reports, summaries, versions
from .errors import FilterError, form_errors
from .filters import DeploymentFilter, RequestFilter
from .kept import with_kept_copies
from .system_filter import public_systems
from .timelines import timeline

PER_PAGE = 50
COUNT_CAP = 1000  # a list page counts this many rows at most; its summary fragment counts them all
MATRIX_LIMIT = 40  # rows and columns on the page; the CSV has them all
SUGGESTIONS = 20  # systems suggested per keystroke


def filter_errors(filterset):
    """[(parameter, message)] for every bad query parameter, each labelled as its box is (errors.py)."""
    return form_errors(filterset.form)


def apply(filterset_class, request, queryset):
    """Bind the filters to the query string. A bad parameter filters to nothing, never to everything."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if filterset.is_valid():
        return filterset, filterset.qs, []
    return filterset, queryset.none(), filter_errors(filterset)


def paginate(request, filterset, rows, errors):
    """The page the ?after= or ?before= cursor names, or the first; a bad cursor is a named error."""
    after, before = request.GET.get("after", ""), request.GET.get("before", "")
    if request.GET.get("page", "1") not in ("", "1"):
        errors.append(FilterError("page", "Pages are no longer numbered: follow the Next and Previous links."))
    elif after and before:
        errors.append(
            FilterError("before", "Pages after and before at once: follow one Next or Previous link, not both.")
        )
    if not errors:
        sort, keys = filterset.filters["sort"].chosen(filterset.form.cleaned_data.get("sort"))
        try:
            return pagination.paginate(rows, keys, sort, PER_PAGE, after=after, before=before)
        except pagination.BadCursor as error:
            token = before or after
            errors.append(
                FilterError("before" if before else "after", f"{token[:20]!r}{'…' * (len(token) > 20)} {error}")
            )
    return pagination.Page(object_list=[], has_next=False, has_previous=False)


def choices_context(request, filterset):
    """What the filter forms offer: short lists only, and the values currently chosen.

    Systems are suggested as the user types (system_suggestions); only those chosen are rendered, and words
    that name several say so ("Sukhoi: 14 systems (Su-24, …)").
    """
    valid = filterset.is_valid()
    systems = filterset.form.cleaned_data.get("system", []) if valid else []
    return {
        "country_names": filterset.country_names(),  # what the country parameters were read from
        "types": EquipmentType.objects.only("name", "slug"),
        "systems": systems,
        "system_readings": systems.described() if systems else [],
        "chosen": {name: request.GET.getlist(name) for name in request.GET},
        "in_use": filters_in_use(request, filterset),
    }


def filters_in_use(request, filterset):
    """[(label, values as typed)] of the filters the query string sets: the folded filter panel names them,
    and how many systems words name ("System: Sukhoi (Sukhoi: 14 systems)")."""
    valid = filterset.is_valid()
    return [
        (
            filterset.filters[name].label,
            as_typed(request.GET.getlist(name), name, valid and filterset.form.cleaned_data),
        )
        for name in filterset.filters
        if name != "sort" and any(request.GET.getlist(name))
    ]


def as_typed(values, name, cleaned):
    readings = getattr(cleaned.get(name), "readings", ()) if cleaned else ()
    several = [f"{text}: {len(found)} systems" for text, found in readings if len(found) > 1]
    return ", ".join(value for value in values if value) + (f" ({'; '.join(several)})" if several else "")


def list_page(request, template, filterset_class, queryset, sizes=reports.one_row_each):
    """sizes(page, rows, cap, whole): (records, rows of the list's CSV), the links say both (reports/sizes.py)."""
    filterset, rows, errors = apply(filterset_class, request, queryset)
    page = paginate(request, filterset, rows, errors)
    whole = errors or not (page.has_previous or page.has_next)  # the whole set is on this page: no need to count it
    count, csv_rows = sizes(page, rows, COUNT_CAP, whole)
    context = {
        "filter": filterset,
        "page": page,
        "errors": errors,
        "count": count,
        "csv_rows": csv_rows,
        "count_cap": COUNT_CAP,
        **choices_context(request, filterset),
    }
    return render(request, template, context, status=400 if errors else 200)


def summary(request, template, filterset_class, queryset, extra=None):
    """What a list page leaves out because it reads the whole filtered set: the exact count, the timeline.

    extra(filterset, rows) adds to the context, and may give the count itself (from the summary tables)."""
    filterset, rows, errors = apply(filterset_class, request, queryset)
    context = {"filter": filterset, "errors": errors, "count": 0}
    if not errors:
        context |= extra(filterset, rows) if extra else {"count": rows.count()}
    return render(request, template, context, status=400 if errors else 200)


def csv_response(request, kind, filterset_class, queryset, report):
    filterset, qs, errors = apply(filterset_class, request, queryset)
    if errors:
        return error_page(request, errors)
    base_url = request.build_absolute_uri("/").rstrip("/")
    return report(reports.filename_for(kind, filterset), qs, base_url, filterset)


def error_page(request, errors):
    return render(request, "tracker/bad_request.html", {"errors": errors}, status=400)


# ------------------------------------------------------------------- pages


def home(request):
    """Every figure from the summary tables: the home page reads no more rows at a million requests than at ten."""
    m = summaries.everything(limit=8)
    context = {
        **summaries.totals(m),
        # Newest on the site first, read in order from an index (ordering by created_at sorted every row).
        "latest_requests": ArmsRequest.objects.published().for_list().latest_published_first()[:8],
        "top_requesters": [(c, m.row_totals[c.pk]) for c in m.rows[:6]],
        "top_suppliers": [(c, m.column_totals[c.pk]) for c in m.columns[:6]],
        "matrix": m,
    }
    return render(request, "tracker/home.html", context)


def request_list(request):
    requests = ArmsRequest.objects.published().for_list()
    return list_page(request, "tracker/request_list.html", RequestFilter, requests, sizes=reports.one_row_per_item)


def request_summary(request):
    return summary(
        request,
        "tracker/request_summary.html",
        RequestFilter,
        ArmsRequest.objects.published(),
        extra=lambda filterset, rows: request_summary_counts(filterset, rows, request.GET),
    )


def request_summary_counts(filterset, rows, params):
    counts = summaries.timeline_counts(filterset, rows)
    return {"count": sum(counts.values()), "timeline": timeline(counts, params)}


def request_csv(request):
    return csv_response(
        request,
        "requests",
        RequestFilter,
        ArmsRequest.objects.published(),
        reports.request_report,
    )


def request_record_csv(request):
    """The same requests as /requests.csv, one row per request (its items in one cell)."""
    published = ArmsRequest.objects.published()
    return csv_response(request, "requests-by-record", RequestFilter, published, reports.record_report)


def request_detail(request, pk):
    requests = claims.with_disputed(ArmsRequest.objects.published().for_detail())  # reads claims only if any
    arms_request = get_object_or_404(with_kept_copies(requests), pk=pk)
    return render(
        request,
        "tracker/request_detail.html",
        {
            "r": arms_request,
            "copies_public": settings.EVIDENCE_PUBLIC,
            **versions.current(request, "request", arms_request),
            **claims.page_context(arms_request),  # "sources differ" beside disputed fields
            **releases.of("request", arms_request),  # the releases it is in
        },
    )


def matrix(request):
    filterset, rows, errors = apply(RequestFilter, request, ArmsRequest.objects.published())
    context = {
        "filter": filterset,
        "errors": errors,
        "matrix": None if errors else summaries.who_asked_whom(filterset, rows, limit=MATRIX_LIMIT),
        **choices_context(request, filterset),
    }
    return render(request, "tracker/matrix.html", context, status=400 if errors else 200)


def matrix_csv(request):
    filterset, rows, errors = apply(RequestFilter, request, ArmsRequest.objects.published())
    if errors:
        return error_page(request, errors)
    m = summaries.who_asked_whom(filterset, rows)
    label = "{0.name} ({0.code})".format  # both axes alike: Venezuela (VE)
    header = ["requester", "requester_iso2", *map(label, m.columns), "total"]
    body = [[label(row), row.iso2 or "", *[n for _, n in cells], total] for row, cells, _, total in m.grid()]
    body.append(["total", "", *[m.column_totals[c.pk] for c in m.columns], m.total])
    return reports.stream_csv(reports.filename_for("matrix", filterset), header, body)


def deployment_list(request):
    return list_page(
        request, "tracker/deployment_list.html", DeploymentFilter, Deployment.objects.published().for_list()
    )


def deployment_summary(request):
    return summary(request, "tracker/deployment_summary.html", DeploymentFilter, Deployment.objects.published())


def deployment_csv(request):
    return csv_response(
        request,
        "deployments",
        DeploymentFilter,
        Deployment.objects.published(),
        reports.deployment_report,
    )


def deployment_detail(request, pk):
    deployment = get_object_or_404(with_kept_copies(Deployment.objects.published().for_list()), pk=pk)
    return render(
        request,
        "tracker/deployment_detail.html",
        {
            "d": deployment,
            "copies_public": settings.EVIDENCE_PUBLIC,
            **versions.current(request, "deployment", deployment),
            **releases.of("deployment", deployment),
        },
    )


PROFILE_ROWS = 20


def country_detail(request, code):
    if re.fullmatch(r"[0-9]{1,17}", code):
        country = get_object_or_404(Country.objects.in_public_use(), pk=code, iso2__isnull=True)
    elif len(code) == 2:
        country = get_object_or_404(Country.objects.states(), iso2=code.upper())
    else:
        raise Http404("Countries are named by their ISO alpha-2 code, e.g. /countries/VE/.")
    requests = ArmsRequest.objects.published().for_list()
    deployments = Deployment.objects.published().for_list()
    context = {
        "country": country,
        "asked": requests.filter(requester=country)[:PROFILE_ROWS],
        "was_asked": requests.filter(supplier=country)[:PROFILE_ROWS],
        "deployed": deployments.filter(country=country)[:PROFILE_ROWS],
        "hosted": deployments.filter(host_country=country)[:PROFILE_ROWS],
        **summaries.country_counts(country),
        "timeline": timeline(summaries.periods(summaries.involving(country)), {"country": country.code}),
    }
    return render(request, "tracker/country_detail.html", context)


def system_detail(request, slug):
    systems = System.objects.in_public_use().select_related("equipment_type", "origin_country")
    system = get_object_or_404(systems, slug=slug)
    requests = ArmsRequest.objects.published().asking_for(system)
    counts = summaries.system_periods(system)
    deployments = Deployment.objects.published().filter(system=system)
    context = {
        "system": system,
        "requests": requests.leading(PROFILE_ROWS),
        "request_count": sum(counts.values()),
        "deployments": deployments.leading(PROFILE_ROWS),
        "deployment_count": summaries.system_deployments(system),
        "timeline": timeline(counts, {"system": system.slug}),
    }
    return render(request, "tracker/system_detail.html", context)


def system_suggestions(request):
    """GET ?q=su-3: up to SUGGESTIONS systems the text names as the system filter reads it (a designation, its
    first characters, or manufacturer words: system_filter.py), as JSON for the filter form."""
    text = request.GET.get("q", "")[:100]
    if not key_words(text):
        return JsonResponse([], safe=False)
    found = public_systems().suggestions(text, SUGGESTIONS)
    return JsonResponse(
        [{"slug": s.slug, "designation": s.designation, "manufacturer": s.manufacturer} for s in found], safe=False
    )
