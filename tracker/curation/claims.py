"""Claims edited inline on a request's citation: what that source gives where it differs from the record.

On the citation's page (the request page lists its citations, each with a link here), so a claim is
saved with its citation and so in a revision of the whole request (models/versioned.py). Its item is
chosen among the request's own items; the database refuses any other (migration 0028).
"""

from django import forms
from django.contrib import admin

from tracker.models import Claim, RequestItem

from .partial_dates import clean_partial_dates, use_partial_dates


class ClaimForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_partial_dates(self)

    def clean(self):
        return clean_partial_dates(self, super().clean())


class ClaimFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Two rows of one submission on the same field (and item): the database would refuse the second,
        so say it here, where the form can show it."""
        super().clean()
        moved = Claim.objects.filter(citation=self.instance.pk).exclude(request=self.instance.request_id)
        if self.instance.pk is not None and moved.exists():  # the trigger would refuse the citation's save
            raise forms.ValidationError("This citation has claims about its request: delete them before moving it.")
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            if self.instance.request_id is None:  # a new citation of a deployment: the database would refuse it
                form.add_error(None, "Claims dispute a request's status, date or quantities: cite a request.")
                continue
            key = (data.get("field"), data.get("item") and data["item"].pk)
            if key in seen:
                form.add_error("field", "This citation already has a claim on this field (and item).")
            seen.add(key)

    def save_new(self, form, commit=True):
        form.instance.request_id = self.instance.request_id  # the citation's request, which the trigger checks
        return super().save_new(form, commit)


class ClaimInline(admin.TabularInline):
    model = Claim
    fk_name = "citation"
    form = ClaimForm
    formset = ClaimFormSet
    extra = 1
    fields = ["field", "item", "status", "date", "date_precision", "low", "high", "words"]
    verbose_name = "claim where this source differs from the record"
    verbose_name_plural = "Where this source differs from the record (the record keeps the preferred value)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        items = formset.form.base_fields.get("item")
        if items is not None:  # only the cited request's items
            items.queryset = RequestItem.objects.filter(request_id=getattr(obj, "request_id", None)).select_related(
                "system"
            )
        return formset

    # A deployment's citation has no claims (a request's status, date and items are what claims dispute).
    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and getattr(obj, "deployment_id", None) is None

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and getattr(obj, "deployment_id", None) is None

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and getattr(obj, "deployment_id", None) is None

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and getattr(obj, "deployment_id", None) is None

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")
