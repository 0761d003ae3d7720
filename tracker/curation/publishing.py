"""What the request and deployment admins share: citations inline, "published needs a source", publish actions."""

import re

from django.contrib import admin, messages
from django.utils.html import format_html

from tracker.models import (
    Citation,
)

from .changelists import BigChangelist
from .history import ChooseGrades, GradesChosenForm, HistoryAdmin, HistoryForm


class PublishableForm(HistoryForm):
    """Lets the model's "published needs a citation" rule see the citation rows
    submitted with the same form, which are saved only after the record."""

    def clean(self):
        self.instance.pending_citation_count = self.submitted_citation_count()
        return super().clean()

    def submitted_citation_count(self):
        prefix = "citations"
        total = self.data.get(f"{prefix}-TOTAL_FORMS")
        if total is None or not re.fullmatch(r"[0-9]{1,6}", str(total)):
            return None  # the citation inline is not on this form: the saved citations count
        return sum(
            1
            for i in range(int(total))
            if self.data.get(f"{prefix}-{i}-source") and not self.data.get(f"{prefix}-{i}-DELETE")
        )


class CitationInline(ChooseGrades, admin.TabularInline):
    model = Citation
    form = GradesChosenForm
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "quote", "location", "credibility"]
    show_change_link = True  # the citation's page holds its claims, where its source differs (curation/claims.py)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class PublishableAdmin(BigChangelist, HistoryAdmin):
    form = PublishableForm
    actions = ["publish", "unpublish"]
    readonly_fields = ["external_id", "created_at", "published_at", "updated_at"]
    list_per_page = 50

    @admin.action(description="Publish selected records (those with at least one citation)", permissions=["change"])
    def publish(self, request, queryset):
        published, refused = queryset.publish(request.user)
        if published:
            self.message_user(request, f"Published {published} record(s).", messages.SUCCESS)
        if refused:
            names = "; ".join(str(obj) for obj in refused[:10])
            self.message_user(
                request,
                f"Not published, no citation yet ({len(refused)}): {names}. Add a source to each first.",
                messages.WARNING,
            )

    @admin.action(description="Unpublish selected records (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.unpublish(request.user)
        self.message_user(request, f"Moved {count} record(s) back to draft.", messages.SUCCESS)

    # Not sortable: sorting by it would count the citations of every row.
    @admin.display(description="citations")
    def citations_shown(self, obj):
        if obj.citation_count == 0:
            return format_html('<span class="uncited">{}</span>', "none")  # red by admin.css (CSP: no style="")
        return obj.citation_count


class PublishedFilter(admin.SimpleListFilter):
    """Published, draft, or draft that cannot be published yet."""

    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("published", "Published"), ("draft", "Draft"), ("uncited", "Without any citation")]

    def queryset(self, request, queryset):
        if self.value() == "published":
            return queryset.filter(published=True)
        if self.value() == "draft":
            return queryset.filter(published=False)
        if self.value() == "uncited":
            return queryset.uncited()
        return queryset
