"""The floor under the admin changelist's goal: Django's own changelist of the same rows with nothing of ours.

A ModelAdmin with only `__str__` as its column, no filters, no search, and our capped count (without it Django
counts every row). Whatever we add, the curators' changelist cannot be faster than this; the line shows how
far the "≤ 2× its page query" goal is from what Django's admin itself costs. Imported by measure.py, which has
set Django up.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from tracker.curation.changelists import BigChangelist
from tracker.models import ArmsRequest


class BareAdmin(BigChangelist, admin.ModelAdmin):
    ordering = ["-date", "-id"]
    list_select_related = ["requester", "supplier"]  # what __str__ reads


def measure_admin_floor(best, ours):
    """(line, ...) for the bare changelist against the page query, beside `ours` (the real changelist's time)."""
    site = admin.AdminSite(name="bare")
    real = admin.site.get_model_admin(ArmsRequest)
    bare = BareAdmin(ArmsRequest, site)
    bare.list_per_page = real.list_per_page
    request = RequestFactory().get("/admin/tracker/armsrequest/")
    request.user = get_user_model().objects.filter(is_superuser=True).first()

    def page():
        response = bare.changelist_view(request)
        response.render()
        assert response.status_code == 200

    floor = best(page)
    query = best(lambda: list(real.get_queryset(request).order_by("-date", "-id")[: real.list_per_page]))
    return (
        f"admin: Django's bare changelist of the same rows (ours: {ours * 1000:.0f} ms)",
        floor,
        query,
        "its page query, no count",
        "admin-floor",
    )
