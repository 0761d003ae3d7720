"""/api/claims/: where sources disagree, one object per source's value, as /claims.csv has one row each.

Filtered as /api/requests/ (the same FilterSet and cursors), a page holds the claims of up to 50 disputed
requests: per disputed field, the record's preferred value once per source behind it (preferred: true),
then each differing claim. Published requests only. /api/claims.jsonl (or ?format=jsonl) streams them all,
a chunk of requests at a time, one object a line.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.explore import views as pages
from tracker.explore.claims import CLAIM_COLUMNS, claim_rows
from tracker.explore.filters import RequestFilter
from tracker.explore.reports.streaming import CHUNK, chunks
from tracker.models import ArmsRequest, ClaimField, Credibility, Reliability
from tracker.models.claims import disputed_requests

from . import bulk, parameters
from .serializers import page_of
from .views import PROBLEM, FilterBackend, ReadView, base_url, documented, page_response, refuse, wants_lines


class ClaimSerializer(serializers.Serializer):
    """Describes one claim row (written by claim_json, not by this serializer)."""

    request_id = serializers.IntegerField()
    request_url = serializers.URLField(help_text="The request's page.")
    field = serializers.ChoiceField(choices=ClaimField.choices)
    item_id = serializers.IntegerField(allow_null=True, help_text="For a quantity: the request's item.")
    item = serializers.CharField(allow_null=True, help_text="The item, in the source's words.")
    preferred = serializers.BooleanField(help_text="The record's own value, as the sources without a claim give it.")
    value = extend_schema_field({"type": ["string", "null"]})(
        serializers.CharField(
            allow_null=True,
            help_text="A status, a date at its precision (2025, 2025-10, 2025-10-17) or an exact quantity; "
            "null for a range (see low and high).",
        )
    )
    low = serializers.IntegerField(allow_null=True, help_text="The quantity, or the low end of a range.")
    high = serializers.IntegerField(allow_null=True, help_text="The high end of a range; equal to low if exact.")
    words = serializers.CharField(help_text='The source\'s own words for the value: "about 60", "up to 300".')
    source_id = serializers.IntegerField(help_text="/api/sources/<id>/")
    source_outlet = serializers.CharField()
    source_title = serializers.CharField()
    source_url = serializers.CharField(help_text="The source's web address, or empty.")
    source_reliability = serializers.ChoiceField(choices=Reliability.choices)
    credibility = serializers.ChoiceField(choices=Credibility.choices)
    quote = serializers.CharField()


NULLABLE = {"item_id", "item", "value", "low", "high"}


def claim_json(row):
    out = dict(zip(CLAIM_COLUMNS, row, strict=True))
    for name in NULLABLE:
        if out[name] == "" or out[name] is None:
            out[name] = None
    out["preferred"] = out["preferred"] == "yes"
    if out["value"] is not None:
        out["value"] = str(out["value"])
    return out


@documented(
    "claims_list",
    "Where sources disagree: each source's value of each disputed field of the published requests filtered as "
    "/requests/",
    page_of(ClaimSerializer),
    parameters.REQUESTS,
    errors={400: PROBLEM},
    lines=ClaimSerializer,
)
class ClaimList(ReadView):
    filter_backends = [FilterBackend]
    filterset_class = RequestFilter

    def get_queryset(self):
        fields = ("id", "date", "status", "requester__name", "supplier__name")
        return ArmsRequest.objects.published().select_related("requester", "supplier").only(*fields)

    def read(self, request, *args, **kwargs):
        rows = self.filter_queryset(self.get_queryset()).filter(disputed_requests())
        if wants_lines(request):
            return self.lines(request, rows)
        errors = []
        page = pages.paginate(request, self.filterset, rows, errors)
        if errors:
            refuse(errors)
        found = claim_rows([row.pk for row in page], base_url(request), rows.db)
        return page_response(request, page, [claim_json(row) for row in found])

    def lines(self, request, rows):
        rows, url = rows.using(rows.db), base_url(request)  # the reader chosen now, not when the response streams

        def body():
            for ids in chunks(rows.values_list("pk", flat=True).iterator(chunk_size=CHUNK)):
                text = "".join(bulk.line(claim_json(row)) for row in claim_rows(ids, url, rows.db))
                if text:
                    yield text.encode()

        return bulk.download(request, "claims", self.filterset, body, rows.db, self.validators)
