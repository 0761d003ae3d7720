"""/api/…: each list at its address and as .jsonl, each record by its key, the OpenAPI document and its page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import claims, docs, releases, versions, views

LINES = {"format": "jsonl"}

urlpatterns = [
    path("", docs.index, name="api-index"),
    path("requests/", views.RequestList.as_view(), name="api-request-list"),
    path("requests.jsonl", views.RequestList.as_view(), LINES, name="api-request-lines"),
    path("requests/<int:pk>/", views.RequestDetail.as_view(), name="api-request-detail"),
    path("requests/<int:pk>/versions/", versions.RequestVersionList.as_view(), name="api-request-versions"),
    path(
        "requests/<int:pk>/versions/<int:number>/",
        versions.RequestVersionDetail.as_view(),
        name="api-request-version",
    ),
    path("deployments/", views.DeploymentList.as_view(), name="api-deployment-list"),
    path("deployments.jsonl", views.DeploymentList.as_view(), LINES, name="api-deployment-lines"),
    path("deployments/<int:pk>/", views.DeploymentDetail.as_view(), name="api-deployment-detail"),
    path("deployments/<int:pk>/versions/", versions.DeploymentVersionList.as_view(), name="api-deployment-versions"),
    path(
        "deployments/<int:pk>/versions/<int:number>/",
        versions.DeploymentVersionDetail.as_view(),
        name="api-deployment-version",
    ),
    path("countries/", views.CountryList.as_view(), name="api-country-list"),
    path("countries.jsonl", views.CountryList.as_view(), LINES, name="api-country-lines"),
    path("countries/<str:code>/", views.CountryDetail.as_view(), name="api-country-detail"),
    path("systems/", views.SystemList.as_view(), name="api-system-list"),
    path("systems.jsonl", views.SystemList.as_view(), LINES, name="api-system-lines"),
    path("systems/<slug:slug>/", views.SystemDetail.as_view(), name="api-system-detail"),
    path("sources/<int:pk>/", views.SourceDetail.as_view(), name="api-source-detail"),
    path("claims/", claims.ClaimList.as_view(), name="api-claim-list"),
    path("claims.jsonl", claims.ClaimList.as_view(), LINES, name="api-claim-lines"),
    path("releases/", releases.ReleaseList.as_view(), name="api-release-list"),
    path("releases/<str:tag>/", releases.ReleaseDetail.as_view(), name="api-release-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs.page, name="api-docs"),
]
