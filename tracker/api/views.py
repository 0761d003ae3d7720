"""The API's views: thin DRF views over the pages' FilterSets and keyset pagination, JSON written by the database.

Lists bind the page's FilterSet (tracker/explore/filters.py) through django-filter's DRF backend, so
the same query string means the same rows, and a bad value is a 400 naming the parameter. They page
with the page's keyset cursors (never OFFSET, never a full COUNT) and stream as JSON Lines on request.
Every read answers a conditional GET from the data version before it runs any other query.
"""

import json
from functools import partial

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from tracker.explore import pagination
from tracker.explore import views as pages
from tracker.explore.filters import DeploymentFilter, RequestFilter
from tracker.models import ArmsRequest, Country, Deployment, Source, System

from . import bulk, parameters
from .freshness import Validators
from .records import DeploymentRecords, RequestRecords
from .serializers import (
    CountryDetailSerializer,
    CountrySerializer,
    DeploymentSerializer,
    Problem,
    RequestSerializer,
    SourceSerializer,
    SystemDetailSerializer,
    SystemSerializer,
    page_of,
)

PROBLEM = OpenApiResponse(Problem, description="What is wrong, with the bad parameters named.")
MISSING = OpenApiResponse(Problem, description="No published record by that key (a draft's is missing too).")


NOT_MODIFIED = OpenApiResponse(description="Not modified since the ETag (If-None-Match) given.")


def documented(operation, summary, response, params=(), errors=None, lines=None):
    """The view's GET in the OpenAPI document: its answer (as JSON Lines too, for a list), parameters, errors."""
    responses = {(200, "application/json"): response, (304, "application/json"): NOT_MODIFIED}
    if lines:
        responses[(200, bulk.MEDIA_TYPE)] = OpenApiResponse(lines, description="One record per line (JSON Lines).")
    for status, answer in (errors or {400: PROBLEM}).items():
        responses[(status, "application/problem+json")] = answer
    get = extend_schema(
        operation_id=operation, summary=summary, description=summary + ".", responses=responses, parameters=list(params)
    )
    return extend_schema_view(get=get)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing a bad value with the parameter named, and keeping the bound FilterSet."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            # The form's own messages, as the pages show them. django-filter's translate_validation
            # formats each message with % again, so a value quoted in one ("%", "%s") was a 500.
            raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
        view.filterset = filterset
        return filterset.qs


def base_url(request):
    return request.build_absolute_uri("/").rstrip("/")


def wants_lines(request):
    return request.accepted_renderer.format == bulk.JSONLinesRenderer.format


def page_link(request, name, cursor):
    """This address with the cursor `name` (after or before) set, every other parameter kept; None for none."""
    if not cursor:
        return None
    query = request.GET.copy()
    for key in ("after", "before", "page"):
        query.pop(key, None)
    query[name] = cursor
    return request.build_absolute_uri(request.path) + "?" + query.urlencode()


def page_response(request, page, results):
    return Response(
        {
            "next": page_link(request, "after", page.next_cursor),
            "previous": page_link(request, "before", page.previous_cursor),
            "results": results,
        }
    )


def refuse(errors):
    """A 400 naming each parameter, from [(parameter, message)]."""
    named = {}
    for name, message in errors:
        named.setdefault(name, []).append(message)
    raise ValidationError(named)


class FormatNamed:
    def perform_content_negotiation(self, request, force=False):
        # DRF answers an unknown ?format= with a bare 404; it is a bad parameter like any other.
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            formats = ", ".join(dict.fromkeys(renderer.format for renderer in self.get_renderers()))
            refuse([("format", f"{request.GET.get('format', '')[:20]!r} is not a format here: use {formats}.")])


class ReadView(FormatNamed, GenericAPIView):
    """Every API read: a 304 from the data version before any other query, then read(); validators from
    the answer's own bytes (tracker/api/freshness.py) and caching headers on 200s."""

    validators = None

    def get(self, request, *args, **kwargs):
        self.validators = Validators(request, request.accepted_media_type)
        response = self.validators.not_modified(request)
        return self.read(request, *args, **kwargs) if response is None else response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.validators is None or response.status_code != 200 or response.has_header("ETag"):
            return response  # an error, a 304, or a JSON Lines download stamped by bulk.download
        response.render()
        return self.validators.answer(request, response)

    def read(self, request, *args, **kwargs):
        raise NotImplementedError


# ----------------------------------------------------------------- records


class RecordList(ReadView):
    """A list page's rows as JSON: same FilterSet, same sort, same cursors as the page."""

    filter_backends = [FilterBackend]
    records_class = RequestRecords
    kind = ""

    def read(self, request, *args, **kwargs):
        rows = self.filter_queryset(self.get_queryset())
        filterset = self.filterset
        sort, keys = filterset.filters["sort"].chosen(filterset.form.cleaned_data.get("sort"))
        records = self.records_class(base_url(request))
        if wants_lines(request):
            body = partial(bulk.records_body, records, rows, keys)
            return bulk.download(request, self.kind, filterset, body, records.using, self.validators)
        errors = []
        page = pages.paginate(request, filterset, rows, errors)
        if errors:
            refuse(errors)
        found = records.by_ids([row.pk for row in page])
        return page_response(request, page, [json.loads(found[row.pk]) for row in page])


@documented(
    "requests_list",
    "Published requests, filtered as /requests/",
    page_of(RequestSerializer),
    parameters.REQUESTS,
    lines=RequestSerializer,
)
class RequestList(RecordList):
    filterset_class = RequestFilter
    records_class = RequestRecords
    kind = "requests"

    def get_queryset(self):
        # Only what the sort keys read: the records' JSON comes in one more query, by id.
        fields = ("id", "date", "status", "requester__name", "supplier__name")
        return ArmsRequest.objects.published().select_related("requester", "supplier").only(*fields)


@documented(
    "deployments_list",
    "Published deployments, filtered as /deployments/",
    page_of(DeploymentSerializer),
    parameters.DEPLOYMENTS,
    lines=DeploymentSerializer,
)
class DeploymentList(RecordList):
    filterset_class = DeploymentFilter
    records_class = DeploymentRecords
    kind = "deployments"

    def get_queryset(self):
        fields = ("id", "start_date", "status", "country__name")
        return Deployment.objects.published().select_related("country").only(*fields)


class RecordDetail(ReadView):
    renderer_classes = [JSONRenderer]
    records_class = RequestRecords
    noun = ""

    def read(self, request, pk, **kwargs):
        # A draft is a 404 exactly like an id nobody used.
        if not self.get_queryset().filter(pk=pk).exists():
            raise NotFound(f"No published {self.noun} has the id {pk}.")
        return Response(json.loads(self.records_class(base_url(request)).by_ids([pk])[pk]))


@documented("requests_retrieve", "One published request", RequestSerializer, errors={404: MISSING})
class RequestDetail(RecordDetail):
    records_class = RequestRecords
    noun = "request"

    def get_queryset(self):
        return ArmsRequest.objects.published()


@documented("deployments_retrieve", "One published deployment", DeploymentSerializer, errors={404: MISSING})
class DeploymentDetail(RecordDetail):
    records_class = DeploymentRecords
    noun = "deployment"

    def get_queryset(self):
        return Deployment.objects.published()


# ------------------------------------------------ countries, systems, sources


def plain_page(request, rows, keys, sort):
    """Keyset paging for lists without filters: the page's own rules for ?after=, ?before= and ?page=."""
    after, before = request.GET.get("after", ""), request.GET.get("before", "")
    if request.GET.get("page", "1") not in ("", "1"):
        refuse([("page", "Pages are not numbered: follow the next and previous links.")])
    if after and before:
        refuse([("before", "Give ?after= or ?before=, not both.")])
    try:
        return pagination.paginate(rows, keys, sort, pages.PER_PAGE, after=after, before=before)
    except pagination.BadCursor as error:
        token = before or after
        refuse([("before" if before else "after", f"{token[:20]!r}{'…' * (len(token) > 20)} {error}")])


class SimpleList(ReadView):
    keys = []
    sort = ""
    kind = ""

    def read(self, request, *args, **kwargs):
        rows = self.get_queryset()
        context = self.get_serializer_context()
        if wants_lines(request):
            rows = rows.using(rows.db)  # the reader chosen now (a replica?), not when the response streams
            ordered = rows.order_by(*pagination.ordering(self.keys))
            render = lambda obj: self.serializer_class(obj, context=context).data  # noqa: E731

            def body():
                return bulk.python_lines(ordered.iterator(chunk_size=bulk.CHUNK), render)

            return bulk.download(request, self.kind, None, body, rows.db, self.validators)
        page = plain_page(request, rows, self.keys, self.sort)
        return page_response(request, page, self.serializer_class(page.object_list, many=True, context=context).data)


@documented(
    "countries_list",
    "Countries and parties",
    page_of(CountrySerializer),
    parameters.PLAIN_LIST,
    lines=CountrySerializer,
)
class CountryList(SimpleList):
    """Every ISO state, and every other party a published record names."""

    serializer_class = CountrySerializer
    keys = [pagination.Key("name"), pagination.Key("id")]
    sort = "name"
    kind = "countries"

    def get_queryset(self):
        return Country.objects.public()


@documented(
    "systems_list",
    "Systems named by published records",
    page_of(SystemSerializer),
    parameters.PLAIN_LIST,
    lines=SystemSerializer,
)
class SystemList(SimpleList):
    """Every system a published record names."""

    serializer_class = SystemSerializer
    keys = [pagination.Key("slug")]
    sort = "slug"
    kind = "systems"

    def get_queryset(self):
        return System.objects.in_public_use().select_related("equipment_type", "origin_country")


def country_named(code):
    """The party a /countries/<code>/ address names, as the page finds it; NotFound otherwise."""
    if code.isascii() and code.isdigit() and len(code) <= 17:
        found = Country.objects.in_public_use().filter(pk=int(code), iso2__isnull=True).first()
    elif len(code) == 2:
        found = Country.objects.states().filter(iso2=code.upper()).first()
    else:
        raise NotFound("Countries are named by their ISO alpha-2 code (/api/countries/VE/) or a party's number.")
    if found is None:
        raise NotFound(f"No country or party is known by {code[:20]!r}.")
    return found


@documented(
    "countries_retrieve", "One country or party, with its counts", CountryDetailSerializer, errors={404: MISSING}
)
class CountryDetail(ReadView):
    renderer_classes = [JSONRenderer]
    serializer_class = CountryDetailSerializer

    def read(self, request, code, **kwargs):
        country = country_named(code)
        requests, deployments = ArmsRequest.objects.published(), Deployment.objects.published()
        country.counts = {
            "requests_made": requests.filter(requester=country).count(),
            "requests_received": requests.filter(supplier=country).count(),
            "deployments": deployments.filter(country=country).count(),
            "deployments_hosted": deployments.filter(host_country=country).count(),
        }
        return Response(self.get_serializer(country).data)


@documented("systems_retrieve", "One system, with its counts", SystemDetailSerializer, errors={404: MISSING})
class SystemDetail(ReadView):
    renderer_classes = [JSONRenderer]
    serializer_class = SystemDetailSerializer

    def read(self, request, slug, **kwargs):
        systems = System.objects.in_public_use().select_related("equipment_type", "origin_country")
        system = systems.filter(slug=slug).first()
        if system is None:
            raise NotFound(f"No system is known by {slug[:40]!r}.")
        system.counts = {
            "requests": ArmsRequest.objects.published().asking_for(system).count(),
            "deployments": Deployment.objects.published().filter(system=system).count(),
        }
        return Response(self.get_serializer(system).data)


@documented("sources_retrieve", "One source cited by a published record", SourceSerializer, errors={404: MISSING})
class SourceDetail(ReadView):
    renderer_classes = [JSONRenderer]
    serializer_class = SourceSerializer

    def read(self, request, pk, **kwargs):
        source = Source.objects.cited_publicly().with_evidence().filter(pk=pk).first()
        if source is None:
            raise NotFound(f"No source cited by a published record has the id {pk}.")
        return Response(self.get_serializer(source).data)
