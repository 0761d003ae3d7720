"""Releases in the admin: the list (both roles read it; nobody edits or deletes a release) and the button that
queues a new one (tracker.add_release: editors; the view checks it, a viewer's POST is a 403)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from tracker.models import Release
from tracker.releases.build import Refused, start

from .changelists import RangeCheckedLookups


def may_make_release(user):
    return user.has_perm("tracker.add_release")


@admin.register(Release)
class ReleaseAdmin(RangeCheckedLookups, admin.ModelAdmin):
    list_display = [
        "tag",
        "number",
        "status",
        "published_at",
        "requests",
        "deployments",
        "added",
        "changed",
        "withdrawn",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Release._meta.fields]

    def has_add_permission(self, request):
        return False  # the button makes one, as a job; the add form would make a release without files

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra = {**(extra_context or {}), "may_make_release": may_make_release(request.user)}
        return super().changelist_view(request, extra)

    def get_urls(self):
        make = self.admin_site.admin_view(require_POST(self.make_view))
        return [path("make/", make, name="tracker_release_make"), *super().get_urls()]

    def make_view(self, request):
        if not may_make_release(request.user):
            raise PermissionDenied
        try:
            job = start(request.user, request.build_absolute_uri("/").rstrip("/"))
        except Refused as error:
            messages.error(request, str(error))
            return redirect(reverse("admin:tracker_release_changelist"))
        return redirect(job.get_absolute_url())
