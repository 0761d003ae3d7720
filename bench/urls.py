from django.urls import path

from bench.views import minimal_request_list
from tracker.urls import urlpatterns as site

urlpatterns = [path("bench/minimal/", minimal_request_list), *site]
