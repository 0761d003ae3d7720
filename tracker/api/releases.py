"""/api/releases/ and /api/releases/<tag>/: the published releases, newest first, each with its files (name, bytes,
rows, SHA-256 and address). Not answered from the data version (a release changes no record): releases are few."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from tracker.models import Release

from .views import FormatNamed


class ReleaseFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    bytes = serializers.IntegerField()
    rows = serializers.IntegerField(allow_null=True, help_text="Data rows or lines; null for datapackage.json.")
    sha256 = serializers.CharField(help_text="SHA-256 of the file, 64 hex digits: it never changes.")
    url = serializers.SerializerMethodField()

    def get_url(self, entry) -> str:
        tag = self.context["release"].tag
        return self.context["request"].build_absolute_uri(reverse("release-file", args=[tag, entry["name"]]))


class ReleaseSerializer(serializers.Serializer):
    tag = serializers.CharField(help_text="The day it was made (2026-12-06), then .2, .3 for more that day.")
    number = serializers.IntegerField(help_text="1, 2, 3… in the order published.")
    published_at = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%SZ")
    html_url = serializers.SerializerMethodField()
    requests = serializers.IntegerField()
    deployments = serializers.IntegerField()
    added = serializers.IntegerField(help_text="Records added since the release before (CHANGES.csv).")
    changed = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    files = serializers.SerializerMethodField()

    def get_html_url(self, release) -> str:
        return self.context["request"].build_absolute_uri(release.get_absolute_url())

    @extend_schema_field(ReleaseFileSerializer(many=True))
    def get_files(self, release) -> list:
        context = {**self.context, "release": release}
        return ReleaseFileSerializer(release.manifest, many=True, context=context).data


class ReleaseList(FormatNamed, GenericAPIView):
    renderer_classes = [JSONRenderer]
    serializer_class = ReleaseSerializer
    pagination_class = None

    @extend_schema(
        operation_id="releases_list",
        summary="The published releases, newest first",
        responses=inline_serializer("ReleaseList", {"results": ReleaseSerializer(many=True)}),
    )
    def get(self, request):
        releases = Release.objects.published().latest_first()
        return Response({"results": self.get_serializer(releases, many=True).data})


class ReleaseDetail(FormatNamed, GenericAPIView):
    renderer_classes = [JSONRenderer]
    serializer_class = ReleaseSerializer

    @extend_schema(operation_id="releases_retrieve", summary="One published release, by its tag")
    def get(self, request, tag):
        release = Release.objects.published().filter(tag=tag).first()
        if release is None:
            raise NotFound(f"No published release has the tag {tag!r}.")
        return Response(self.get_serializer(release).data)
