from django.conf import settings
from django.contrib import admin
from django.http import FileResponse
from django.urls import include, path, register_converter
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .explore import citations, cite, claims_csv, feeds, kept, releases, versions, views
from .explore import indexes as index_pages
from .explore.maps import deployment_map, deployment_map_json
from .explore.network import network, network_json
from .explore.site_search import search

admin.site.site_header = "Arms Request Tracker: curation"
admin.site.site_title = "Arms Request Tracker admin"
admin.site.index_title = "Curate requests, deployments and their sources"


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's); ours name the same file."""
    return FileResponse((settings.BASE_DIR / "assets" / "favicon.ico").open("rb"))


class SHA256Converter:
    """A kept copy's address: its SHA-256, 64 lowercase hex digits."""

    regex = "[0-9a-f]{64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SHA256Converter, "sha256")

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/summary/", views.request_summary, name="request-summary"),
    path("requests/feed/", feeds.RequestFeed(), name="request-feed"),
    path("requests/subscribe/", feeds.subscribe, {"noun": "request"}, name="request-subscribe"),
    path("requests.csv", views.request_csv, name="request-csv"),
    path("requests-by-record.csv", views.request_record_csv, name="request-record-csv"),
    path("citations.csv", citations.citation_csv, name="citation-csv"),
    path("claims.csv", claims_csv.claims_csv, name="claims-csv"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/v/<int:number>/", versions.version_page, {"kind": "request"}, name="request-version"),
    path("requests/<int:pk>/v/<int:number>/cite.<str:fmt>", cite.cite_file, {"kind": "request"}, name="request-cite"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix.csv", views.matrix_csv, name="matrix-csv"),
    path("matrix/network/", network, name="network"),
    path("matrix/network.json", network_json, name="network-json"),
    path("deployments/", views.deployment_list, name="deployment-list"),
    path("deployments/summary/", views.deployment_summary, name="deployment-summary"),
    path("deployments/feed/", feeds.DeploymentFeed(), name="deployment-feed"),
    path("deployments/subscribe/", feeds.subscribe, {"noun": "deployment"}, name="deployment-subscribe"),
    path("deployments.csv", views.deployment_csv, name="deployment-csv"),
    path("deployments/map/", deployment_map, name="deployment-map"),
    path("deployments/map.json", deployment_map_json, name="deployment-map-json"),
    path("deployments/<int:pk>/", views.deployment_detail, name="deployment-detail"),
    path(
        "deployments/<int:pk>/v/<int:number>/", versions.version_page, {"kind": "deployment"}, name="deployment-version"
    ),
    path(
        "deployments/<int:pk>/v/<int:number>/cite.<str:fmt>",
        cite.cite_file,
        {"kind": "deployment"},
        name="deployment-cite",
    ),
    path("countries/", index_pages.country_index, name="country-index"),
    path("countries.csv", index_pages.country_index_csv, name="country-index-csv"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("systems/", index_pages.system_index, name="system-index"),
    path("systems.csv", index_pages.system_index_csv, name="system-index-csv"),
    path("systems/suggest/", views.system_suggestions, name="system-suggestions"),  # before the slug route
    path("systems/<slug:slug>/", views.system_detail, name="system-detail"),
    # A source's kept copy, by the SHA-256 its record page shows: 404 unless settings.EVIDENCE_PUBLIC.
    path("sources/<int:pk>/copies/<sha256:sha256>/", kept.kept_text, name="kept-text"),
    path("sources/<int:pk>/copies/<sha256:sha256>.warc", kept.kept_warc, name="kept-warc"),
    path("releases/", releases.release_list, name="release-list"),
    path("releases/<str:tag>/", releases.release_detail, name="release-detail"),
    path("releases/<str:tag>/<str:name>", releases.release_file, name="release-file"),
    path("api/", include("tracker.api.urls")),
    path("search/", search, name="search"),
    path("admin/", admin.site.urls),
]
