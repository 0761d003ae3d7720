"""A save held when the record may repeat another: the request and source forms check before saving.

A request may repeat one of the same pair at an overlapping date, one where its requester asks for a
system of its items, or one citing a source of its citations (ArmsRequest.objects.possible_duplicates,
the rule the article reader's review uses too); a source may be one at the same page or with the same
outlet and title (Source.objects.possible_duplicates). The items and citations are read from the
submitted inline rows, as PublishableForm reads the citations: they are saved only after the record.

The form then refuses with a box listing them (admin/tracker/duplicates.html) and a "Save anyway"
checkbox; ticking it saves. An edit is held only for records it newly resembles: one saved anyway
(or resembling others since before this check) is not held again at every later edit.
"""

from django import forms
from django.db.models import Prefetch
from django.urls import reverse

from tracker.models import INTEGER_RANGE, ArmsRequest, Citation, RequestItem, Source
from tracker.models.source_urls import same_page
from tracker.models.sources import same_words

from .history import HistoryForm
from .publishing import PublishableForm

SHOWN = 10
MAX_ROWS = 2000  # the most rows an inline formset accepts (Django's absolute_max); more is refused anyway


class SaveAnywayField(forms.BooleanField):
    def __init__(self, **kwargs):
        super().__init__(label="Save anyway — this is not a duplicate", required=False, **kwargs)

    def has_changed(self, initial, data):
        return False  # a decision about this save, not a change to the record


def submitted_keys(data, prefix, field):
    """The ids in the submitted inline rows' field, less deleted rows; None if the inline was not posted."""
    total = data.get(f"{prefix}-TOTAL_FORMS")
    if total is None or not str(total).isdigit() or len(str(total)) > 6:
        return None
    found = set()
    for i in range(min(int(total), MAX_ROWS)):
        value = data.get(f"{prefix}-{i}-{field}")
        if data.get(f"{prefix}-{i}-DELETE") or not str(value or "").isdigit():
            continue
        if int(value) in INTEGER_RANGE:
            found.add(int(value))
    return found


class DuplicatesAdmin:
    """For the admin of a DuplicateCheck form: "Save anyway" shows in the box only, never as a field."""

    class Media:
        css = {"all": ["css/duplicates.css"]}

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name != "save_anyway"]


class DuplicateCheck:
    """For a HistoryForm: clean() ends with check_duplicates(); subclasses say what the record is."""

    duplicates = ()  # [{"url", "label", "details": [...]}] when the save was held
    more_duplicates = False
    duplicates_of = "record"

    def check_duplicates(self):
        if self.cleaned_data.get("save_anyway"):
            return
        submitted = self.submitted_key()
        if submitted is None:
            return  # fields it needs have errors of their own
        saved = self.saved_key() if self.instance.pk else None
        if submitted == saved:
            return
        rows = self.find(submitted, saved)
        if not rows:
            return
        self.duplicates, self.more_duplicates = [self.shown(r) for r in rows[:SHOWN]], len(rows) > SHOWN
        many = "more than " + str(SHOWN) if self.more_duplicates else str(len(rows))
        self.add_error(
            None,
            f"Not saved yet: this {self.duplicates_of} may repeat {many} existing one(s), listed below. Check them; "
            f"if this is not a duplicate, tick “{self.fields['save_anyway'].label}” and save again.",
        )


class RequestAdminForm(DuplicateCheck, PublishableForm):
    save_anyway = SaveAnywayField()
    duplicates_of = "request"

    def clean(self):
        cleaned = super().clean()
        self.check_duplicates()
        return cleaned

    def submitted_key(self):
        data = self.cleaned_data
        requester, supplier = data.get("requester"), data.get("supplier")
        if requester is None or supplier is None or self.has_error("date") or self.has_error("date_precision"):
            return None
        systems = submitted_keys(self.data, "items", "system")
        sources = submitted_keys(self.data, "citations", "source")
        pk = self.instance.pk
        if systems is None:
            systems = set(RequestItem.objects.filter(request=pk, system__isnull=False).values_list("system", flat=True))
        if sources is None:
            sources = set(Citation.objects.filter(request=pk).values_list("source", flat=True))
        return (requester.pk, supplier.pk, data.get("date"), data.get("date_precision") or "", systems, sources)

    def saved_key(self):
        pk = self.instance.pk
        saved = ArmsRequest.objects.filter(pk=pk).values("requester", "supplier", "date", "date_precision").first()
        if saved is None:
            return None
        systems = set(RequestItem.objects.filter(request=pk, system__isnull=False).values_list("system", flat=True))
        sources = set(Citation.objects.filter(request=pk).values_list("source", flat=True))
        return (*saved.values(), systems, sources)

    @staticmethod
    def matching(key):
        requester, supplier, date, precision, systems, sources = key
        return ArmsRequest.objects.possible_duplicates(
            requester, supplier, date, precision, systems=systems, sources=sources
        )

    def find(self, submitted, saved):
        rows = self.matching(submitted).exclude(pk=self.instance.pk)
        if saved is not None:
            rows = rows.exclude(pk__in=self.matching(saved).values("pk"))
        rows = rows.select_related("requester", "supplier").prefetch_related(
            Prefetch("items", RequestItem.objects.select_related("system", "equipment_type")),
            Prefetch("citations", Citation.objects.select_related("source")),
        )
        return list(rows.order_by("-date", "-id")[: SHOWN + 1])

    @staticmethod
    def shown(request):
        systems = dict.fromkeys(i.system.designation if i.system else i.description for i in request.items.all())
        sources = dict.fromkeys(str(c.source) for c in request.citations.all())
        return {
            "url": reverse("admin:tracker_armsrequest_change", args=[request.pk]),
            "label": f"#{request.pk} {request.requester} → {request.supplier}",
            "details": [
                request.date_display or "date unknown",
                "published" if request.published else "draft",
                "asks for " + ("; ".join(systems) or "no item"),
                "cites " + ("; ".join(sources) or "no source"),
            ],
            "summary": request.summary[:160],
        }


class SourceAdminForm(DuplicateCheck, HistoryForm):
    save_anyway = SaveAnywayField()
    duplicates_of = "source"

    def clean(self):
        cleaned = super().clean()
        self.check_duplicates()
        return cleaned

    def submitted_key(self):
        if self.has_error("url"):
            return None
        data = self.cleaned_data
        url, outlet, title = data.get("url", ""), data.get("outlet", ""), data.get("title", "")
        return same_page(url), same_words(outlet), same_words(title), (url, outlet, title)

    def saved_key(self):
        saved = Source.objects.filter(pk=self.instance.pk).values_list("url", "outlet", "title").first()
        if saved is None:
            return None
        url, outlet, title = saved
        return same_page(url), same_words(outlet), same_words(title), saved

    def find(self, submitted, saved):
        if saved is not None and submitted[:3] == saved[:3]:
            return []  # only spelled otherwise: the same page, outlet and title as before
        rows = Source.objects.possible_duplicates(*submitted[3], exclude_pk=self.instance.pk)
        if saved is not None:
            before = {s.pk for s in Source.objects.possible_duplicates(*saved[3], exclude_pk=self.instance.pk)}
            rows = [s for s in rows if s.pk not in before]
        return rows

    @staticmethod
    def shown(source):
        return {
            "url": reverse("admin:tracker_source_change", args=[source.pk]),
            "label": f"#{source.pk} {source.outlet}: {source.title}",
            "details": [source.published_display or "date unknown", source.url or "no URL"],
            "summary": "",
        }
