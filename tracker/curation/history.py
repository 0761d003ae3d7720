"""Every curated record's admin: versioned by django-reversion, with a reason, and safe from stale forms.

- One save of a record and its inlines is one revision (models/versioned.py says what follows what);
  the history page lists each revision with its user, reason and what changed, inlines included.
- Reverting restores the record and its inlines as they were, and is itself recorded as a revert.
- Writing is for those with the change permission, on every path: reversion's revert view goes through
  changeform_view, which refuses a POST without it; the recover views need add (tests/test_roles.py).
- Actions make one revision per record, never one for the whole selection (reverting one record must
  not revert the others: django-reversion reverts whole revisions).
"""

import contextlib
import contextvars

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.dispatch import receiver
from reversion.admin import VersionAdmin
from reversion.signals import pre_revision_commit

from tracker.models import INTEGER_RANGE

from . import locking
from .changelists import RangeCheckedLookups
from .partial_dates import clean_partial_dates, use_partial_dates

_reason = contextvars.ContextVar("change_reason", default="")


class ReasonField(forms.CharField):
    def has_changed(self, initial, data):
        return False  # said in the history as "Reason: …", not as a changed field


class ChooseGrades:
    """Admiralty grades have no default in a form: a forgotten field would silently become F6."""

    GRADES = {"credibility", "reliability"}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.GRADES and field is not None:
            field.choices = [("", "— choose a grade —"), *db_field.choices]
            field.initial = None
            field.required = True
        return field


class GradesChosenForm(forms.ModelForm):
    """A new row shows no grade (ChooseGrades makes the field required): the model's default is for imports."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            for name in ChooseGrades.GRADES & self.fields.keys():
                self.initial[name] = None


class HistoryForm(GradesChosenForm):
    change_reason = ReasonField(
        label="Reason for this change",
        required=False,
        max_length=300,
        help_text="Optional; shown in the history beside what changed, e.g. “second source confirms the date”.",
    )
    opened_state = locking.OpenedStateField()
    inline_models = ()  # set by HistoryAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_partial_dates(self)
        if not self.is_bound and self.instance.pk is not None:
            self.initial["opened_state"] = locking.token(locking.snapshot(self.instance, self.inline_models))

    def clean(self):
        cleaned = clean_partial_dates(self, super().clean())
        locking.check_not_stale(self, self.inline_models)
        return cleaned


class HistoryAdmin(RangeCheckedLookups, ChooseGrades, VersionAdmin):
    form = HistoryForm
    history_latest_first = True

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.inline_models = tuple(inline.model for inline in self.inlines)
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        named = {name for _, options in fieldsets for name in admin.utils.flatten(options["fields"])}
        extra = [name for name in ("change_reason", "opened_state") if name not in named]
        if not extra:
            return fieldsets
        return [*fieldsets, (None, {"fields": extra})]

    def get_changeform_initial_data(self, request):
        """Values the add page's query string gives (?requester=3), less any that names no possible row:
        the autocomplete widget would read `?requester=:` as a key and fail (a 500, found by the URL fuzzer)."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_one:
                try:
                    key = field.target_field.to_python(value)
                except ValidationError:
                    key = None
                if key is None or (isinstance(key, int) and key not in INTEGER_RANGE):
                    del initial[name]
        return initial

    def save_model(self, request, obj, form, change):
        _reason.set(form.cleaned_data.get("change_reason", "").strip())
        super().save_model(request, obj, form, change)

    @contextlib.contextmanager
    def create_revision(self, request):
        token = _reason.set("")  # set by save_model, read when the revision is written
        try:
            with super().create_revision(request):
                yield
        finally:
            _reason.reset(token)

    def changelist_view(self, request, extra_context=None):
        # Not in one revision for the whole page, as VersionAdmin would: actions make one per record.
        context = {"has_change_permission": self.has_change_permission(request), **(extra_context or {})}
        return admin.ModelAdmin.changelist_view(self, request, context)


@receiver(pre_revision_commit, dispatch_uid="tracker_change_reason")
def add_reason(sender, revision, versions, **kwargs):
    """The curator's reason, after what the admin says changed (or after "Reverted to …")."""
    reason = _reason.get()
    if reason and reason not in revision.comment:
        revision.comment = f"{revision.get_comment()} Reason: {reason}".strip()
