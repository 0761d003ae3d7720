"""/api/requests/<id>/versions/ and /api/requests/<id>/versions/<n>/ (deployments too): a record's published
versions (tracker/models/record_versions.py), and the record at one of them in the API record's own shape.

A version is read from its revision, so it is written here in Python, key for key as records.py writes the
current record; the rows it names are as they stood then, and a source's evidence (later captures) is null.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from tracker.models import ArmsRequest, Deployment
from tracker.models.record_versions import published_versions_of, state_at

from .serializers import TIMESTAMP, DeploymentSerializer, Problem, RequestSerializer, partial
from .views import ReadView, documented

MISSING = OpenApiResponse(Problem, description="No published version by that number (a draft state has none).")


class VersionFields(serializers.Serializer):
    version = serializers.IntegerField(help_text="This version's number: the record's n-th published state.")
    version_date = serializers.DateTimeField(format=TIMESTAMP, help_text="When this version was published (UTC).")
    latest_version = serializers.IntegerField(help_text="The number of the record's latest published version.")
    withdrawn = serializers.BooleanField(help_text="The record is no longer published; its versions still are.")


class RequestVersionSerializer(VersionFields, RequestSerializer):
    """A request as it stood at one published version; url and html_url are that version's."""


class DeploymentVersionSerializer(VersionFields, DeploymentSerializer):
    """A deployment as it stood at one published version; url and html_url are that version's."""


class VersionRef(serializers.Serializer):
    version = serializers.IntegerField()
    date = serializers.DateTimeField(format=TIMESTAMP, help_text="When it was published (UTC).")
    url = serializers.URLField(help_text="The record at this version, in this API.")
    html_url = serializers.URLField(help_text="Its permanent page, to cite.")


class VersionList(serializers.Serializer):
    id = serializers.IntegerField()
    withdrawn = serializers.BooleanField(help_text="The record is no longer published; its versions still are.")
    versions = VersionRef(many=True, help_text="Oldest first, numbered from 1.")


def stamp(moment):
    return moment.strftime(TIMESTAMP) if moment else None


def country(request, c):
    if c is None:
        return None
    code = c.iso2 or str(c.pk)
    return {
        "code": code,
        "name": c.name,
        "url": request.build_absolute_uri(f"/api/countries/{code}/"),
        "html_url": request.build_absolute_uri(f"/countries/{code}/"),
    }


def person(request, p):
    if p is None:
        return None
    return {"name": p.name, "title": p.title, "country": country(request, p.country) if p.country_id else None}


def equipment_type(t):
    return None if t is None else {"slug": t.slug, "name": t.name}


def system(request, s):
    if s is None:
        return None
    return {
        "slug": s.slug,
        "designation": s.designation,
        "url": request.build_absolute_uri(f"/api/systems/{s.slug}/"),
        "html_url": request.build_absolute_uri(s.get_absolute_url()),
    }


def source(request, s):
    return {
        "id": s.pk,
        "url": request.build_absolute_uri(f"/api/sources/{s.pk}/"),
        "outlet": s.outlet,
        "title": s.title,
        "author": s.author,
        "web_url": s.link or None,
        "published": partial(s.published_on, s.published_precision),
        "published_precision": s.published_precision or None,
        "kind": s.kind,
        "reliability": s.reliability,
        "captured_at": None,
        "capture_sha256": None,
        "gone": None,
        "gone_checked_at": None,
    }


def citations(request, record):
    return [
        {"quote": c.quote, "location": c.location, "credibility": c.credibility, "source": source(request, c.source)}
        for c in record.citations.all()
    ]


def item(request, i):
    return {
        "equipment_type": equipment_type(i.equipment_type),
        "system": system(request, i.system),
        "description": i.description,
        "help_kind": i.help_kind,
        "hedged": i.hedged,
        "quantity_requested": i.quantity_requested,
        "quantity_requested_estimated": i.quantity_requested_estimated,
        "quantity_delivered": i.quantity_delivered,
        "quantity_delivered_estimated": i.quantity_delivered_estimated,
        "deliveries": [{"year": d.year, "quantity": d.quantity, "estimated": d.estimated} for d in i.deliveries.all()],
    }


def request_body(request, r):
    return {
        "requester": country(request, r.requester),
        "supplier": country(request, r.supplier),
        "requested_by": person(request, r.requested_by),
        "addressed_to": person(request, r.addressed_to),
        "date": partial(r.date, r.date_precision),
        "date_precision": r.date_precision or None,
        "date_estimated": r.date_estimated,
        "channel": r.channel,
        "status": r.status,
        "summary": r.summary,
        "notes": r.notes,
        "items": [item(request, i) for i in r.items.all()],
        "citations": citations(request, r),
    }


def deployment_body(request, d):
    return {
        "country": country(request, d.country),
        "host_country": country(request, d.host_country),
        "equipment_type": equipment_type(d.equipment_type),
        "system": system(request, d.system),
        "unit": d.unit,
        "description": d.description,
        "quantity": d.quantity,
        "personnel": d.personnel,
        "location": d.location,
        "region": d.region,
        "latitude": None if d.latitude is None else float(d.latitude),
        "longitude": None if d.longitude is None else float(d.longitude),
        "start": partial(d.start_date, d.start_precision),
        "start_precision": d.start_precision or None,
        "end": partial(d.end_date, d.end_precision),
        "end_precision": d.end_precision or None,
        "status": d.status,
        "purpose": d.purpose,
        "notes": d.notes,
        "citations": citations(request, d),
    }


class Versions(ReadView):
    renderer_classes = [JSONRenderer]
    model = ArmsRequest
    kind = "request"

    def versions(self, pk):
        found = published_versions_of(self.model, pk)
        if not found:
            raise NotFound(f"No {self.kind} with the id {pk} was ever published.")
        return found

    def withdrawn(self, pk):
        return not self.model.objects.published().filter(pk=pk).exists()

    def links(self, request, pk, number):
        return {
            "url": request.build_absolute_uri(f"/api/{self.kind}s/{pk}/versions/{number}/"),
            "html_url": request.build_absolute_uri(f"/{self.kind}s/{pk}/v/{number}/"),
        }


class VersionListView(Versions):
    def read(self, request, pk, **kwargs):
        found = self.versions(pk)
        listed = [{"version": v.number, "date": stamp(v.date), **self.links(request, pk, v.number)} for v in found]
        return Response({"id": pk, "withdrawn": self.withdrawn(pk), "versions": listed})


class VersionDetailView(Versions):
    def read(self, request, pk, number, **kwargs):
        found = self.versions(pk)
        if not 1 <= number <= len(found):
            raise NotFound(f"This {self.kind} has no published version {number}: it has {len(found)}.")
        state = state_at(self.model, pk, found[number - 1])
        if state is None:
            raise NotFound(f"This {self.kind} has no published version {number}.")
        r, links = state.record, self.links(request, pk, number)
        head = {
            "id": r.pk,
            **links,
            "record_uid": str(r.uid),
            "first_published": stamp(r.published_at),
            "last_changed": stamp(r.updated_at),
            "version": number,
            "version_url": links["html_url"],
            "version_date": stamp(state.version.date),
            "latest_version": len(found),
            "withdrawn": self.withdrawn(pk),
        }
        body = request_body(request, r) if self.model is ArmsRequest else deployment_body(request, r)
        return Response(head | body)


LIST_SUMMARY = "The published versions of one {}, each with its permanent page"
DETAIL_SUMMARY = "One {} as it stood at a published version"


@documented("requests_versions_list", LIST_SUMMARY.format("request"), VersionList, errors={404: MISSING})
class RequestVersionList(VersionListView):
    pass


@documented(
    "requests_versions_retrieve", DETAIL_SUMMARY.format("request"), RequestVersionSerializer, errors={404: MISSING}
)
class RequestVersionDetail(VersionDetailView):
    pass


@documented("deployments_versions_list", LIST_SUMMARY.format("deployment"), VersionList, errors={404: MISSING})
class DeploymentVersionList(VersionListView):
    model, kind = Deployment, "deployment"


@documented(
    "deployments_versions_retrieve",
    DETAIL_SUMMARY.format("deployment"),
    DeploymentVersionSerializer,
    errors={404: MISSING},
)
class DeploymentVersionDetail(VersionDetailView):
    model, kind = Deployment, "deployment"
