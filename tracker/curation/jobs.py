"""Jobs in the admin: the list, the job page with its live progress bar, its JSON, retry and cancel.

Editors and viewers may read jobs (view_job). Nobody holds change_job: retrying or cancelling
is for the person who may start that kind of job again (an import: add and change on what is
imported) and for superusers, checked here on every path, the JSON and the forms alike.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_POST
from django_tasks_db.models import DBTaskResult

from tracker.jobs import progress, runner
from tracker.jobs.kinds import label_of
from tracker.models import Job

from .changelists import RangeCheckedLookups
from .import_jobs import may_import
from .reading_actions import may_read


def may_act_on(user, job):
    """Retry or cancel: a superuser, or whoever may start this kind of work (an import: add and change on what
    it writes; a reading: add requests and sources; a capture: add_capture)."""
    if user.is_superuser:
        return True
    if job.kind.startswith("import-"):
        return may_import(user)
    if job.kind == "reader-read":
        return may_read(user)
    if job.kind == "release-make":
        return user.has_perm("tracker.add_release")
    return job.kind.startswith("evidence-") and user.has_perm("tracker.add_capture")


def state_of(job):
    """The job as the page's script reads it: no field a viewer could not read on the page itself."""
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": job.get_state_display(),
        "stage": job.stage,
        "done": job.done,
        "total": job.total,
        "unit": job.unit,
        "percent": job.percent,
        "text": job.progress_text(),
        "finished": job.finished,
        "summary": job.summary,
    }


# django-tasks-db's own admin lists the queue's rows (arguments, tracebacks): the Job pages say it for people.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(Job)
class JobAdmin(RangeCheckedLookups, admin.ModelAdmin):
    list_display = ["id", "title", "kind_label", "user", "state", "progress", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    search_fields = ["title"]
    change_form_template = "admin/tracker/job/page.html"

    def has_add_permission(self, request):
        return False  # jobs are started by the pages that need them

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # run_jobs purges finished jobs after JOBS_KEPT_DAYS

    @admin.display(description="Kind", ordering="kind")
    def kind_label(self, job):
        return label_of(job.kind)

    @admin.display(description="Progress")
    def progress(self, job):
        return job.progress_text() or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "import_run")

    def get_urls(self):
        return [
            path("<int:pk>/state.json", self.admin_site.admin_view(self.state_view), name="tracker_job_state"),
            path("<int:pk>/retry/", self.admin_site.admin_view(self.retry_view), name="tracker_job_retry"),
            path("<int:pk>/cancel/", self.admin_site.admin_view(self.cancel_view), name="tracker_job_cancel"),
            *super().get_urls(),
        ]

    def visible_job(self, request, pk):
        job = get_object_or_404(Job, pk=pk)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return progress.overlay([job])[0]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "GET":
            raise PermissionDenied  # a job is never edited: retry and cancel have their own forms
        if not object_id.isdigit():
            return redirect("admin:tracker_job_changelist")
        job = self.visible_job(request, int(object_id))
        context = {
            **self.admin_site.each_context(request),
            "job": job,
            "kind_label": label_of(job.kind),
            "title": str(job),
            "opts": self.model._meta,
            "may_act": may_act_on(request.user, job),
        }
        return TemplateResponse(request, self.change_form_template, context)

    def state_view(self, request, pk):
        if request.method != "GET":
            raise PermissionDenied
        response = JsonResponse(state_of(self.visible_job(request, pk)))
        response["Cache-Control"] = "no-store"
        return response

    def acted_on(self, request, pk):
        if not (request.user.is_superuser or may_import(request.user)):
            raise PermissionDenied  # before looking the job up: a viewer learns nothing, not even if it exists
        job = self.visible_job(request, pk)
        if not may_act_on(request.user, job):
            raise PermissionDenied
        return job

    def retry_view(self, request, pk):
        return require_POST(self._retry)(request, pk)

    def _retry(self, request, pk):
        job = self.acted_on(request, pk)
        if runner.retry(job):
            self.message_user(request, "Queued again.", messages.SUCCESS)
        else:
            self.message_user(request, "Only a failed or interrupted job can be retried.", messages.ERROR)
        return redirect("admin:tracker_job_change", job.pk)

    def cancel_view(self, request, pk):
        return require_POST(self._cancel)(request, pk)

    def _cancel(self, request, pk):
        job = self.acted_on(request, pk)
        if runner.cancel(job):
            self.message_user(request, "Cancelled; nothing was written.", messages.SUCCESS)
        else:
            self.message_user(
                request,
                "Only a queued job can be cancelled: a running job finishes or fails whole.",
                messages.ERROR,
            )
        return redirect("admin:tracker_job_change", job.pk)
