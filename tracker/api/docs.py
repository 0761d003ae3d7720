"""The API's front door (/api/, links as JSON) and its documentation page (/api/docs/).

The page is Swagger UI from drf-spectacular-sidecar's files, served as our own static files, started
by assets/js/api-docs.js: no inline script or style, nothing from another site. Swagger UI's icons
are data: images in its stylesheet, so this one page also allows data: images.
"""

from csp.decorators import csp_update
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .freshness import stamp_public


@extend_schema(exclude=True)
@api_view(["GET"])
def index(request):
    def link(name):
        return request.build_absolute_uri(reverse(name))

    return stamp_public(
        Response(
            {
                "requests": link("api-request-list"),
                "deployments": link("api-deployment-list"),
                "countries": link("api-country-list"),
                "systems": link("api-system-list"),
                "claims": link("api-claim-list"),  # where sources disagree (issue 25)
                "schema": link("api-schema"),
                "docs": link("api-docs"),
            }
        )
    )


@require_safe
@csp_update({"img-src": ["data:"]})
def page(request):
    return render(request, "api/docs.html")


def documented_endpoints(endpoints, **kwargs):
    """drf-spectacular's preprocessing hook: the .jsonl addresses are the lists' own (see their `format`)."""
    return [endpoint for endpoint in endpoints if not endpoint[0].endswith(".jsonl")]
