"""Evidence in the admin (issue 21): a source's captures and link checks on its page, "Capture again",
a capture's text and WARC file, the source list's filters, and a read-only list of every capture.

Editors and viewers read captures (view_capture); asking for one is add_capture (editors). Each view
checks its permission itself, before looking anything up. Nobody changes or deletes a capture: it is
the evidence, kept as it was fetched.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST, require_safe

from tracker.evidence.capture import request_capture
from tracker.evidence.storage import open_kept
from tracker.models import INTEGER_RANGE, Capture, CaptureState, LinkCheck, Source
from tracker.models.evidence import evidence_annotations

from .changelists import RangeCheckedChangeList, RangeCheckedLookups

CAPTURES_SHOWN = 30  # on the source's page; the capture list has them all
CHECKS_SHOWN = 5
FAILED = [CaptureState.FAILED, CaptureState.REFUSED]


def latest_capture_state():
    latest = Capture.objects.filter(source=OuterRef("pk")).order_by("-requested_at", "-id")
    return Subquery(latest.values("state")[:1])


def one_of(model, pk):
    """The row, or a 404 (also for an id no integer column holds: SQLite could not even bind it)."""
    if pk not in INTEGER_RANGE:
        raise Http404
    return get_object_or_404(model, pk=pk)


def require_perm(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


class CaptureFilter(admin.SimpleListFilter):
    title = "capture"
    parameter_name = "capture"
    LATEST = {"failed": FAILED, "queued": [CaptureState.QUEUED], "captured": [CaptureState.CAPTURED]}

    def lookups(self, request, model_admin):
        return [
            ("never", "never captured"),
            ("failed", "latest failed or refused"),
            ("queued", "latest queued"),
            ("captured", "latest captured"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "never":
            return queryset.exclude(url="").exclude(Exists(Capture.objects.filter(source=OuterRef("pk"))))
        if self.value() in self.LATEST:
            latest = queryset.alias(filter_capture_state=latest_capture_state())
            return latest.filter(filter_capture_state__in=self.LATEST[self.value()])
        return queryset


class OriginalFilter(admin.SimpleListFilter):
    """The original as its latest link check concluded: gone takes two 404/410 a day apart (evidence/links.py)."""

    title = "original"
    parameter_name = "original"

    def lookups(self, request, model_admin):
        return [("gone", "gone"), ("online", "online (not gone)"), ("unchecked", "never checked")]

    def queryset(self, request, queryset):
        if self.value() == "unchecked":
            return queryset.exclude(url="").exclude(Exists(LinkCheck.objects.filter(source=OuterRef("pk"))))
        if self.value() in ("gone", "online"):
            # Its own name: an alias named as the list's annotation would take that column away.
            checked = queryset.alias(filter_gone=evidence_annotations()["gone"])
            return checked.filter(filter_gone=self.value() == "gone")
        return queryset


class EvidenceChangeList(RangeCheckedChangeList):
    """The evidence column's subqueries run for the page's rows only, not in its counts or its filters' queries."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = self.result_list.annotate(
            capture_state=latest_capture_state(), original_gone=evidence_annotations()["gone"]
        )


class SourceEvidence:
    """For SourceAdmin: the filters and column above, the evidence on the change page, "Capture again"."""

    def get_changelist(self, request, **kwargs):
        return EvidenceChangeList

    @admin.display(description="evidence")
    def evidence(self, obj):
        state = CaptureState(obj.capture_state).label.lower() if obj.capture_state else "—"
        if obj.original_gone:
            return format_html('{} <strong class="evidence-gone">· original gone</strong>', state)
        return state

    def get_urls(self):
        again = self.admin_site.admin_view(self.capture_again_view)
        return [path("<int:pk>/capture/", again, name="tracker_source_capture"), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and request.user.has_perm("tracker.view_capture"):
            context.update(evidence_of(obj, may_capture=request.user.has_perm("tracker.add_capture")))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def capture_again_view(self, request, pk):
        return require_POST(self._capture_again)(request, pk)

    def _capture_again(self, request, pk):
        require_perm(request, "tracker.add_capture")
        source = one_of(Source, pk)
        if not source.url:
            self.message_user(request, "This source has no URL to capture.", messages.ERROR)
        else:
            capture = request_capture(source, user=request.user)
            job = reverse("admin:tracker_job_change", args=[capture.job_id])
            self.message_user(
                request, format_html('Capture queued: <a href="{}">follow its job</a>.', job), messages.SUCCESS
            )
        return redirect("admin:tracker_source_change", source.pk)


def evidence_of(source, may_capture):
    """The change page's evidence section: the latest captures, the latest link checks, the conclusion."""
    captures = list(source.captures.latest_first()[: CAPTURES_SHOWN + 1])
    checks = list(source.link_checks.latest_first()[:CHECKS_SHOWN])
    return {
        "evidence": True,
        "captures": captures[:CAPTURES_SHOWN],
        "more_captures": len(captures) > CAPTURES_SHOWN,
        "link_checks": checks,
        "latest_check": checks[0] if checks else None,
        "may_capture": may_capture and bool(source.url),
    }


@admin.register(Capture)
class CaptureAdmin(RangeCheckedLookups, admin.ModelAdmin):
    list_display = ["id", "source", "state", "requested_at", "fetched_at", "status", "short_sha256", "job_link"]
    list_display_links = ["id"]
    list_filter = ["state"]
    list_select_related = ["source"]
    search_fields = ["url", "final_url"]
    fieldsets = [
        (None, {"fields": ["source", "url", "state", "requested_at", "requested_by", "job_link", "attempts", "error"]}),
        ("Response", {"fields": ["fetched_at", "final_url", "redirects", "status", "ip", "content_type", "headers"]}),
        ("Copy kept", {"fields": ["size", "sha256", "warc_link", "warc_sha256", "warc_size", "text_link", "tool"]}),
    ]
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]

    def has_add_permission(self, request):
        return False  # asked for on the source's page ("Capture again") or by saving a source

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="SHA-256")
    def short_sha256(self, capture):
        return format_html('<span title="{}">{}…</span>', capture.sha256, capture.short_hash) if capture.sha256 else "—"

    @admin.display(description="job")
    def job_link(self, capture):
        if not capture.job_id:
            return "—"
        job = reverse("admin:tracker_job_change", args=[capture.job_id])
        return format_html('<a href="{}">#{}</a>', job, capture.job_id)

    @admin.display(description="WARC file")
    def warc_link(self, capture):
        if not capture.warc:
            return "—"
        warc = reverse("admin:tracker_capture_warc", args=[capture.pk])
        return format_html('<a href="{}">{}</a>', warc, capture.warc)

    @admin.display(description="text")
    def text_link(self, capture):
        if capture.state != CaptureState.CAPTURED:
            return "—"
        return format_html('<a href="{}">read the text</a>', reverse("admin:tracker_capture_text", args=[capture.pk]))

    def get_urls(self):
        return [
            path("<int:pk>/text/", self.admin_site.admin_view(self.text_view), name="tracker_capture_text"),
            path("<int:pk>/warc/", self.admin_site.admin_view(self.warc_view), name="tracker_capture_warc"),
            *super().get_urls(),
        ]

    def text_view(self, request, pk):
        return require_safe(self._text)(request, pk)

    def _text(self, request, pk):
        require_perm(request, "tracker.view_capture")
        capture = one_of(Capture.objects.select_related("source"), pk)
        context = {
            **self.admin_site.each_context(request),
            "capture": capture,
            "title": f"Text of capture #{capture.pk}",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/tracker/capture/text.html", context)

    def warc_view(self, request, pk):
        return require_safe(self._warc)(request, pk)

    def _warc(self, request, pk):
        require_perm(request, "tracker.view_capture")
        capture = one_of(Capture, pk)
        if not capture.warc:
            raise Http404("This capture kept no WARC file.")
        try:
            file = open_kept(capture.warc)
        except FileNotFoundError:
            raise Http404("The WARC file is missing from the evidence storage (verify_captures names it).") from None
        # Said, not guessed from ".gz" (application/gzip): replay tools and the WARC spec know application/warc.
        response = FileResponse(
            file, as_attachment=True, filename=f"capture-{capture.pk}.warc.gz", content_type="application/warc"
        )
        response["Cache-Control"] = "private, no-store"  # publishers' work: no shared cache keeps it
        return response
