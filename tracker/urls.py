from django.contrib import admin
from django.urls import path

from . import views

admin.site.site_header = "Arms Request Tracker: curation"
admin.site.site_title = "Arms Request Tracker admin"
admin.site.index_title = "Curate requests, deployments and their sources"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
]
