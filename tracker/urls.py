from django.conf import settings
from django.contrib import admin
from django.http import FileResponse
from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .explore import views

admin.site.site_header = "Arms Request Tracker: curation"
admin.site.site_title = "Arms Request Tracker admin"
admin.site.index_title = "Curate requests, deployments and their sources"


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's); ours name the same file."""
    return FileResponse((settings.BASE_DIR / "assets" / "favicon.ico").open("rb"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/summary/", views.request_summary, name="request-summary"),
    path("requests.csv", views.request_csv, name="request-csv"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix.csv", views.matrix_csv, name="matrix-csv"),
    path("deployments/", views.deployment_list, name="deployment-list"),
    path("deployments/summary/", views.deployment_summary, name="deployment-summary"),
    path("deployments.csv", views.deployment_csv, name="deployment-csv"),
    path("deployments/<int:pk>/", views.deployment_detail, name="deployment-detail"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("systems/suggest/", views.system_suggestions, name="system-suggestions"),  # before the slug route
    path("systems/<slug:slug>/", views.system_detail, name="system-detail"),
    path("admin/", admin.site.urls),
]
