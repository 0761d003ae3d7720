"""The import log and the upload page: a thin front for the import engine (tracker.intake)."""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from tracker.intake.reading import FORMATS
from tracker.intake.rejects import guarded_bytes
from tracker.models import (
    ImportKind,
    ImportRun,
    ImportState,
)
from tracker.models.imports import UPLOAD_KEPT_DAYS

from . import import_jobs
from .changelists import RangeCheckedLookups


class ImportForm(forms.Form):
    file = forms.FileField(help_text="Our requests or deployments CSV, or a SIPRI trade register (classic or current).")
    kind = forms.ChoiceField(choices=ImportKind.choices, initial=ImportKind.REQUESTS, label="The file holds")
    file_format = forms.ChoiceField(
        label="Format",
        choices=[("", "Detect from the header"), *FORMATS.items()],
        required=False,
    )
    publish = forms.BooleanField(required=False, help_text="Otherwise imported records are drafts to review.")
    skip_invalid = forms.BooleanField(
        required=False,
        label="Skip bad rows",
        help_text="Import the good rows and download the bad ones; otherwise one bad row stops the import.",
    )

    MAX_BYTES = 50 * 2**20

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("Files up to 50 MB; split larger registers or use manage.py import_requests.")
        return upload


@admin.register(ImportRun)
class ImportRunAdmin(RangeCheckedLookups, admin.ModelAdmin):
    """Every import, dry run or applied; the upload page is a thin front for tracker.intake."""

    list_display = [
        "created_at",
        "file_name",
        "kind",
        "file_format",
        "state",
        "created",
        "updated",
        "unchanged",
        "invalid",
        "user",
    ]
    list_filter = ["state", "kind", "file_format"]
    search_fields = ["file_name", "user__username"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    change_list_template = "admin/tracker/importrun/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()  # never the stored files, never the bad rows

    def has_add_permission(self, request):
        return False  # runs are made by importing, not typed in

    def has_change_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not re.fullmatch(r"[0-9]{1,18}", object_id):  # the preview's URL takes a number
            raise Http404(f"No import run has the id {object_id[:20]!r}.")
        return redirect("admin:tracker_importrun_preview", object_id)

    def may_import(self, request, kind):
        return import_jobs.may_import(request.user, kind)

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="tracker_importrun_upload"),
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="tracker_importrun_preview"),
            path(
                "<int:pk>/rejects.csv", self.admin_site.admin_view(self.rejects_view), name="tracker_importrun_rejects"
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not (self.may_import(request, ImportKind.REQUESTS) or self.may_import(request, ImportKind.DEPLOYMENTS)):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if not self.may_import(request, data["kind"]):
                raise PermissionDenied
            job = import_jobs.start_check(
                data["file"],  # staged in chunks (over 2.5 MB, from Django's temporary file)
                kind=data["kind"],
                file_format=data["file_format"],
                publish=data["publish"],
                skip_invalid=data["skip_invalid"],
                user=request.user,
            )
            return redirect(job)  # its page shows the check's progress, then links to the preview
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Import a file",
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/tracker/importrun/upload.html", context, status=400 if form.errors else 200
        )

    def preview_view(self, request, pk):
        run = get_object_or_404(ImportRun.objects.with_upload_flag(), pk=pk)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        if request.method == "POST":
            if run.state != ImportState.PREVIEWED or not self.may_import(request, run.kind):
                raise PermissionDenied
            job, new = import_jobs.start_apply(run, request.user)
            if not new:
                self.message_user(request, f"This import is already being applied: job #{job.pk}.", messages.WARNING)
            return redirect(job)
        context = {
            **self.admin_site.each_context(request),
            "run": run,
            "title": f"Import #{run.pk}: {run.file_name}",
            "opts": self.model._meta,
            "upload_days": UPLOAD_KEPT_DAYS,
            "jobs": run.jobs.order_by("-created_at")[:5],
            "applying": run.jobs.unfinished().filter(kind="import-apply").first(),
            "can_apply": run.state == ImportState.PREVIEWED
            and run.has_upload
            and self.may_import(request, run.kind)
            and (run.invalid == 0 or run.skip_invalid),
        }
        return TemplateResponse(request, "admin/tracker/importrun/preview.html", context)

    def rejects_view(self, request, pk):
        run = get_object_or_404(ImportRun.objects.defer("upload", "rejects"), pk=pk)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        rejects = ImportRun.objects.rejects_of(run.pk)
        if rejects is None:
            raise Http404("This run kept no bad rows.")
        # Cells that look like formulas get an apostrophe, which importing the file takes off again.
        content = guarded_bytes(rejects, run.report.get("encoding", "utf-8"))
        response = StreamingHttpResponse(content, content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{run.file_name}.rejects.csv"'
        return response
