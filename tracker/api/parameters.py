"""The query parameters of the API's lists, as the OpenAPI document describes them (docs/exploring.md, "Filters").

The FilterSets decide what they mean; this only says it. drf-spectacular finds the filters through
django-filter's backend; these descriptions replace its guesses, name by name.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from tracker.explore.filters import DEPLOYMENT_SORTS, REQUEST_SORTS
from tracker.models import DeploymentStatus, Reliability, RequestStatus

COUNTRY = "ISO 3166-1 alpha-2 code, any case, or the number of a party without one (/api/countries/)."
SEVERAL = " Several values (repeated, or comma-separated) match any of them."
REPEATED = " Several values (repeated) match any of them."


def query(name, description, kind=OpenApiTypes.STR, many=False, enum=None, **extra):
    if many:
        return OpenApiParameter(
            name,
            {"type": "array", "items": {"type": "string", **({"enum": enum} if enum else {})}},
            description=description + (REPEATED if enum else SEVERAL),
            explode=True,
            style="form",
            **extra,
        )
    return OpenApiParameter(name, kind, description=description, enum=enum, **extra)


def year(name, description):
    return OpenApiParameter(name, {"type": "integer", "minimum": 1900, "maximum": 2100}, description=description)


CURSORS = [
    query("after", "The cursor of the page after another: follow `next`."),
    query("before", "The cursor of the page before another: follow `previous`."),
]
FORMAT = query(
    "format",
    "`jsonl` for every matching record as JSON Lines, one a line, streamed (or ask for the list's `.jsonl` "
    "address, or send `Accept: application/jsonl`).",
    enum=["json", "jsonl"],
)
TYPE = query("type", "Equipment type slug (`uav`, `radar-sensor`, `electronic-warfare`, …).", many=True)
SYSTEM = query(
    "system",
    "A system's designation or slug (`Su-30MK2`, `su-30mk2`, see /api/systems/), or words naming several: "
    "the start of designations (`Su-30`) or a manufacturer (`Sukhoi`, `Almaz-Antey S-400`).",
    many=True,
)
SEARCH = query("q", "Words, all of which must appear (as prefixes) in the record's text.")

REQUESTS = [
    query("country", "Either side of the request: " + COUNTRY, many=True),
    query("requester", "The asking country: " + COUNTRY, many=True),
    query("supplier", "The country asked: " + COUNTRY, many=True),
    TYPE,
    SYSTEM,
    query("status", "Status of the request.", many=True, enum=list(RequestStatus.values)),
    query(
        "date_from",
        "`2025-10-17`, `2025-10` or `2025`: requests whose date (at its precision) reaches this period. "
        "Undated requests match no date range.",
    ),
    query("date_to", "`2025-10-17`, `2025-10` or `2025`: requests whose date (at its precision) starts by then."),
    query(
        "reliability",
        "Minimum source grade: `B` means at least one citation from an A or B source.",
        enum=list(Reliability.values),
    ),
    year("delivered_in", "Requests with an item delivered in that year (deliveries by year, SIPRI's)."),
    year("delivered_from", "Requests with an item delivered in or after that year."),
    year(
        "delivered_to",
        "Requests with an item delivered in or before that year; with `delivered_from`, one delivery inside the range.",
    ),
    query("disputed", "`1`: only requests where a cited source gives another value (/api/claims/).", enum=["1"]),
    SEARCH,
    query("sort", "Order of the rows (default `-date`, newest first, undated last).", enum=list(REQUEST_SORTS)),
    *CURSORS,
    FORMAT,
]

DEPLOYMENTS = [
    query("country", "The deploying country: " + COUNTRY, many=True),
    query("host", "The host country: " + COUNTRY, many=True),
    TYPE,
    SYSTEM,
    query("status", "Status of the deployment.", many=True, enum=list(DeploymentStatus.values)),
    query(
        "active_on",
        "`2025-10-17`, `2025-10` or `2025`: started by then (or start unreported and active) and not ended before.",
    ),
    SEARCH,
    query("sort", "Order of the rows (default `-start`, newest first).", enum=list(DEPLOYMENT_SORTS)),
    *CURSORS,
    FORMAT,
]

PLAIN_LIST = [*CURSORS, FORMAT]
