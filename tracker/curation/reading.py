"""New from article (issue 22): the intake page, the list of readings, and a reading's review page.

The intake is the admin's add page, the review its change page. Starting a reading and deciding its
proposals is for who may add requests and sources (editors), checked in the views themselves; viewers
see readings (view_reading) and get 403 on any POST. The work is in reading_actions (writes),
reading_review (the page's data) and reading_forms; tracker.reader.jobs reads the article as a job.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from tracker.models import Reading, ReadingState

from .captures import one_of
from .changelists import RangeCheckedLookups
from .reading_actions import decide, may_read, start_reading
from .reading_forms import MAX_FILE, IntakeForm
from .reading_review import Review


@admin.register(Reading)
class ReadingAdmin(RangeCheckedLookups, admin.ModelAdmin):
    list_display = ["id", "title_shown", "outlet", "state", "user", "created_at"]
    list_display_links = ["id", "title_shown"]
    list_filter = ["state"]
    search_fields = ["title", "outlet", "url"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    @admin.display(description="article", ordering="title")
    def title_shown(self, reading):
        return reading.title or reading.url or f"pasted text of {reading.created_at:%Y-%m-%d %H:%M}"

    def has_add_permission(self, request):
        return may_read(request.user)

    def has_change_permission(self, request, obj=None):
        return may_read(request.user) and super().has_change_permission(request, obj)

    def context(self, request, title, **extra):
        return {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **extra}

    def add_view(self, request, form_url="", extra_context=None):
        """New from article: a URL, pasted text or a file; the reading runs as a job, its page shows it."""
        if not may_read(request.user):
            raise PermissionDenied
        form = IntakeForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            return redirect(start_reading(form.cleaned_data, request.user))
        context = self.context(request, "New from article", form=form, max_mb=MAX_FILE // 2**20)
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/tracker/reading/intake.html", context, status=status)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review: the article with its spans marked, the proposals as forms to accept or reject."""
        if request.method == "POST" and not may_read(request.user):
            raise PermissionDenied  # before looking anything up
        if not object_id.isdigit():
            return redirect("admin:tracker_reading_changelist")
        reading = one_of(Reading.objects.select_related("source", "job", "user"), int(object_id))
        if not self.has_view_permission(request, reading):
            raise PermissionDenied
        review = Review(reading, request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if reading.state not in (ReadingState.READ, ReadingState.ACCEPTED):
                raise PermissionDenied  # nothing to decide yet
            if review.is_valid():
                self.report(request, *decide(reading, review, request.user))
                return redirect(reading)
        context = self.context(
            request,
            str(reading),
            reading=reading,
            review=review,
            errors=review.errors() if review.data else [],
            may_decide=may_read(request.user),
            waiting=reading.state == ReadingState.QUEUED,
        )
        status = 400 if context["errors"] else 200
        return TemplateResponse(request, "admin/tracker/reading/review.html", context, status=status)

    def report(self, request, written, taken):
        for label, by in taken:
            self.message_user(request, f"{label} was already decided by {by}: nothing written again.", messages.WARNING)
        if written:
            self.message_user(request, f"Saved {written} decision(s); accepted records are drafts.", messages.SUCCESS)
        elif not taken:
            self.message_user(request, "Nothing decided: choose Accept or Reject on a proposal.", messages.INFO)

    def changelist_view(self, request, extra_context=None):
        extra = {"may_read": may_read(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra)
