"""The shapes of the API's resources, for the OpenAPI document and, for countries, systems and sources, the output.

Requests and deployments are written by the database (records.py); their serializers here only
describe them, and tests/test_api.py validates real responses against this document. Countries,
systems and sources are few and small: these serializers write them, and their nested forms in
records.py must read the same (tested too).
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.dates import DatePrecision
from tracker.models import (
    Channel,
    CountryKind,
    Credibility,
    DeploymentStatus,
    HelpKind,
    Reliability,
    RequestStatus,
    SourceKind,
)


def absolute(context, path):
    return context["request"].build_absolute_uri(path)


def partial(date, precision):
    """'2025', '2025-10' or '2025-10-17' (as records.py and the CSV write a partial date)."""
    if date is None:
        return None
    return date.isoformat()[: {"year": 4, "month": 7}.get(precision, 10)]


PARTIAL_DATE = "A date at its precision: 2025-10-17 (day), 2025-10 (month) or 2025 (year); null if not reported."
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"  # to the second, in UTC (TIME_ZONE), as sql.Dialect.timestamp() writes it
FIRST_PUBLISHED = "When the record was first published (UTC); kept if it is unpublished and published again."
LAST_CHANGED = "When the record was last changed (UTC): an edit, a revert or an import that changed it."
VERSION = "The number of the record's latest published version (its n-th published state); null if none is on file."
VERSION_URL = "That version's permanent page, to cite: /requests/<id>/v/<n>/ (it never changes)."
PRECISION = {"choices": DatePrecision.choices, "allow_null": True, "help_text": "day, month or year"}


class Link(serializers.URLField):
    """An absolute link (the API resource's `url`, its page's `html_url`)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)


# ----------------------------------------------------------- nested forms


class CountryRef(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, or the number of a party without one.")
    name = serializers.CharField()
    url = Link()
    html_url = Link()


class TypeRef(serializers.Serializer):
    slug = serializers.SlugField(help_text="The value of the `type` filter.")
    name = serializers.CharField()


class SystemRef(serializers.Serializer):
    slug = serializers.SlugField(help_text="The value of the `system` filter.")
    designation = serializers.CharField()
    url = Link()
    html_url = Link()


class PersonRef(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    country = CountryRef(allow_null=True)


class SourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    outlet = serializers.CharField()
    title = serializers.CharField()
    author = serializers.CharField()
    web_url = serializers.SerializerMethodField(help_text="The publication's own address (http or https), if any.")
    published = serializers.SerializerMethodField(help_text=PARTIAL_DATE)
    published_precision = serializers.SerializerMethodField(help_text="day, month or year; null if undated.")
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    reliability = serializers.ChoiceField(choices=Reliability.choices, help_text="Admiralty grade, A (best) to F.")
    # The evidence (issue 21), from Source.objects.with_evidence(); records.py writes the same.
    captured_at = serializers.DateTimeField(
        source="kept_at", format=TIMESTAMP, allow_null=True, help_text="When the latest copy kept was fetched (UTC)."
    )
    capture_sha256 = serializers.CharField(
        source="kept_sha256", allow_null=True, help_text="SHA-256 of that copy's body, 64 hex digits."
    )
    gone = serializers.BooleanField(
        allow_null=True,
        help_text="The original is no longer online (404 or 410 twice, a day apart); null if unchecked.",
    )
    gone_checked_at = serializers.DateTimeField(
        source="last_checked_at", format=TIMESTAMP, allow_null=True, help_text="The latest check of the original (UTC)."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, source):
        return absolute(self.context, reverse("api-source-detail", args=[source.pk]))

    @extend_schema_field({"type": ["string", "null"], "format": "uri"})
    def get_web_url(self, source):
        return source.link or None

    @extend_schema_field({"type": ["string", "null"]})
    def get_published(self, source):
        return partial(source.published_on, source.published_precision)

    @extend_schema_field({"type": ["string", "null"], "enum": ["day", "month", "year", None]})
    def get_published_precision(self, source):
        return source.published_precision or None


class CitationSerializer(serializers.Serializer):
    quote = serializers.CharField(help_text="The source's words that support the claim.")
    location = serializers.CharField(help_text="Page, paragraph or timestamp.")
    credibility = serializers.ChoiceField(choices=Credibility.choices, help_text="Admiralty grade, 1 (best) to 6.")
    source = SourceSerializer()


class DeliverySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quantity = serializers.IntegerField(allow_null=True, help_text="null: delivered, number not reported.")
    estimated = serializers.BooleanField()


class ItemSerializer(serializers.Serializer):
    equipment_type = TypeRef()
    system = SystemRef(allow_null=True)
    description = serializers.CharField(help_text="What was asked, in the source's words.")
    help_kind = serializers.ChoiceField(choices=HelpKind.choices)
    hedged = serializers.BooleanField(help_text="The source hedges this item.")
    quantity_requested = serializers.IntegerField(allow_null=True, help_text="null when no source gives it.")
    quantity_requested_estimated = serializers.BooleanField()
    quantity_delivered = serializers.IntegerField(allow_null=True)
    quantity_delivered_estimated = serializers.BooleanField()
    deliveries = DeliverySerializer(many=True, help_text="Deliveries by year (SIPRI's), oldest first.")


# ------------------------------------------------------------- records


class RequestSerializer(serializers.Serializer):
    """A published arms request: requester asks supplier (the asked country) for its items."""

    id = serializers.IntegerField()
    url = Link()
    html_url = Link()
    record_uid = serializers.UUIDField(help_text="The record's key in every database (the CSV's record_uid).")
    first_published = serializers.DateTimeField(format=TIMESTAMP, help_text=FIRST_PUBLISHED)
    last_changed = serializers.DateTimeField(format=TIMESTAMP, help_text=LAST_CHANGED)
    version = serializers.IntegerField(allow_null=True, help_text=VERSION)
    version_url = serializers.URLField(allow_null=True, help_text=VERSION_URL)
    requester = CountryRef()
    supplier = CountryRef(help_text="The country asked.")
    requested_by = PersonRef(allow_null=True)
    addressed_to = PersonRef(allow_null=True)
    date = serializers.CharField(allow_null=True, help_text=PARTIAL_DATE)
    date_precision = serializers.ChoiceField(**PRECISION)
    date_estimated = serializers.BooleanField(help_text="The source gives the date as an estimate.")
    channel = serializers.ChoiceField(choices=Channel.choices)
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    summary = serializers.CharField()
    notes = serializers.CharField()
    items = ItemSerializer(many=True)
    citations = CitationSerializer(many=True, help_text="Best first: credibility, then order of entry.")


class DeploymentSerializer(serializers.Serializer):
    """A published deployment: a country puts assets somewhere."""

    id = serializers.IntegerField()
    url = Link()
    html_url = Link()
    record_uid = serializers.UUIDField()
    first_published = serializers.DateTimeField(format=TIMESTAMP, help_text=FIRST_PUBLISHED)
    last_changed = serializers.DateTimeField(format=TIMESTAMP, help_text=LAST_CHANGED)
    version = serializers.IntegerField(allow_null=True, help_text=VERSION)
    version_url = serializers.URLField(allow_null=True, help_text=VERSION_URL)
    country = CountryRef(help_text="The deploying country.")
    host_country = CountryRef(allow_null=True)
    equipment_type = TypeRef(allow_null=True)
    system = SystemRef(allow_null=True)
    unit = serializers.CharField()
    description = serializers.CharField()
    quantity = serializers.IntegerField(allow_null=True)
    personnel = serializers.IntegerField(allow_null=True)
    location = serializers.CharField()
    region = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    start = serializers.CharField(allow_null=True, help_text=PARTIAL_DATE)
    start_precision = serializers.ChoiceField(**PRECISION)
    end = serializers.CharField(allow_null=True, help_text=PARTIAL_DATE + " null while ongoing.")
    end_precision = serializers.ChoiceField(**PRECISION)
    status = serializers.ChoiceField(choices=DeploymentStatus.choices)
    purpose = serializers.CharField()
    notes = serializers.CharField()
    citations = CitationSerializer(many=True)


# ------------------------------------------------- countries and systems


class CountrySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, or the number of a party without one.")
    name = serializers.CharField()
    official_name = serializers.CharField()
    iso2 = serializers.CharField(allow_null=True)
    iso3 = serializers.CharField(allow_null=True)
    kind = serializers.ChoiceField(choices=CountryKind.choices)
    region = serializers.CharField()
    subregion = serializers.CharField()
    notes = serializers.SerializerMethodField(help_text="What a party without ISO code is.")
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    requests_url = serializers.SerializerMethodField(help_text="Requests involving it, on either side.")
    deployments_url = serializers.SerializerMethodField(help_text="Its deployments.")

    def get_notes(self, country) -> str:
        return "" if country.iso2 else country.notes

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, country):
        return absolute(self.context, reverse("api-country-detail", args=[country.code]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, country):
        return absolute(self.context, country.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_requests_url(self, country):
        return absolute(self.context, f"{reverse('api-request-list')}?country={country.code}")

    @extend_schema_field(OpenApiTypes.URI)
    def get_deployments_url(self, country):
        return absolute(self.context, f"{reverse('api-deployment-list')}?country={country.code}")


class CountryCounts(serializers.Serializer):
    requests_made = serializers.IntegerField()
    requests_received = serializers.IntegerField()
    deployments = serializers.IntegerField()
    deployments_hosted = serializers.IntegerField()


class CountryDetailSerializer(CountrySerializer):
    counts = CountryCounts(help_text="Published records naming it.")


class SystemSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The value of the `system` filter.")
    designation = serializers.CharField()
    equipment_type = TypeRef()
    manufacturer = serializers.CharField()
    origin_country = serializers.SerializerMethodField()
    description = serializers.CharField()
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    requests_url = serializers.SerializerMethodField()
    deployments_url = serializers.SerializerMethodField()

    @extend_schema_field(CountryRef(allow_null=True))
    def get_origin_country(self, system):
        country = system.origin_country
        if country is None:
            return None
        return {
            "code": country.code,
            "name": country.name,
            "url": absolute(self.context, reverse("api-country-detail", args=[country.code])),
            "html_url": absolute(self.context, country.get_absolute_url()),
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, system):
        return absolute(self.context, reverse("api-system-detail", args=[system.slug]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, system):
        return absolute(self.context, system.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_requests_url(self, system):
        return absolute(self.context, f"{reverse('api-request-list')}?system={system.slug}")

    @extend_schema_field(OpenApiTypes.URI)
    def get_deployments_url(self, system):
        return absolute(self.context, f"{reverse('api-deployment-list')}?system={system.slug}")


class SystemCounts(serializers.Serializer):
    requests = serializers.IntegerField()
    deployments = serializers.IntegerField()


class SystemDetailSerializer(SystemSerializer):
    counts = SystemCounts(help_text="Published records naming it.")


def page_of(serializer_class):
    """The shape of one page of a list: its records and the cursors' links."""
    name = serializer_class.__name__.replace("Serializer", "") + "Page"
    fields = {
        "next": serializers.URLField(allow_null=True, help_text="The next page; null on the last."),
        "previous": serializers.URLField(allow_null=True, help_text="The previous page; null on the first."),
        "results": serializer_class(many=True),
    }
    return type(name, (serializers.Serializer,), fields)


class InvalidParam(serializers.Serializer):
    name = serializers.CharField(help_text="The query parameter.")
    label = serializers.CharField(help_text="The same filter as the site's forms name it (`From` for `date_from`).")
    reason = serializers.CharField()


# RFC 9457's problem document; "invalid-params" (as in its example) names every bad query parameter.
Problem = type(
    "Problem",
    (serializers.Serializer,),
    {
        "type": serializers.CharField(help_text="about:blank: the status says what kind of problem it is."),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "invalid-params": InvalidParam(many=True, required=False),
    },
)
