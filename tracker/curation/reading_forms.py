"""The forms of "New from article" and of a reading's review: the intake, the source, each proposal, each item.

A proposal's form checks its fields only when the curator accepts it: a rejected proposal may keep a
country the reader could not name. Countries and types are plain choices built once per page (a few
hundred options), not a query per select.
"""

from pathlib import Path

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from tracker.dates import DatePrecision, iso_partial
from tracker.models import (
    ArmsRequest,
    Channel,
    Credibility,
    Decision,
    DeploymentStatus,
    HelpKind,
    Reliability,
    RequestStatus,
    Source,
    System,
)
from tracker.models.sources import web_url

from .partial_dates import PartialDateField, clean_partial_dates, use_partial_dates

MAX_TEXT = 200_000  # characters pasted: a long report is 50,000
MAX_FILE = 2 * 2**20  # under the admin's 2.5 MB body limit (tracker/middleware.py), with the form around it
FILE_TYPES = {".html", ".htm", ".txt"}
DECISIONS = [("", "Later"), (Decision.ACCEPTED, "Accept"), (Decision.REJECTED, "Reject")]
PRECISIONS = [("", "as typed"), *DatePrecision.choices]


class IntakeForm(forms.Form):
    url = forms.URLField(
        label="URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[web_url],
        help_text="The page is fetched and a copy kept as evidence; its source is created or reused.",
    )
    text = forms.CharField(
        label="or the text",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="Pasted. Title:, Outlet:, URL: and Published: lines, then a blank line, before it are read too.",
    )
    file = forms.FileField(label="or a file", required=False, help_text="A saved page (.html) or text (.txt), 2 MB.")
    outlet = forms.CharField(max_length=160, required=False, help_text="Otherwise taken from the page.")
    title = forms.CharField(max_length=300, required=False, widget=forms.TextInput(attrs={"size": 70}))
    author = forms.CharField(max_length=200, required=False)
    published = PartialDateField(required=False, label="Published", help_text="2025, 2025-10 or 2025-10-31.")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if Path(upload.name).suffix.lower() not in FILE_TYPES:
            raise ValidationError("Upload a saved page (.html, .htm) or a text file (.txt).")
        if upload.size > MAX_FILE:
            raise ValidationError(f"Files up to {MAX_FILE // 2**20} MB; paste the article's text instead.")
        return upload

    def clean(self):
        cleaned = super().clean()
        given = [name for name in ("url", "text", "file") if cleaned.get(name)]
        if len(given) != 1 and not self.errors:
            raise ValidationError("Give one of: a URL, the text, or a file.")
        return cleaned


class SourceForm(forms.ModelForm):
    """The source as the curator confirms and grades it; saved with the first accepted proposal."""

    credibility = forms.TypedChoiceField(
        label="Credibility of its claims",
        choices=[("", "— choose a grade —"), *Credibility.choices],
        coerce=int,
        required=False,
        help_text="Given to every accepted citation whose own grade is left as it is.",
    )

    class Meta:
        model = Source
        fields = ["outlet", "title", "author", "published_on", "published_precision", "kind", "reliability"]

    def __init__(self, *args, graded=False, **kwargs):
        super().__init__(*args, **kwargs)
        use_partial_dates(self)
        self.fields["published_precision"].choices = PRECISIONS
        # A grade nobody chose is no grade (curation/history.py, ChooseGrades): shown only for a cited source.
        self.fields["reliability"].choices = [("", "— choose a grade —"), *Reliability.choices]
        if not graded and not self.is_bound:
            self.initial["reliability"] = None

    def clean(self):
        return clean_partial_dates(self, super().clean())


class ProposalForm(forms.Form):
    """A proposal's decision, and its fields, checked only when it is accepted."""

    decision = forms.ChoiceField(choices=DECISIONS, required=False, widget=forms.RadioSelect)
    credibility = forms.TypedChoiceField(
        choices=[("", "as for the article"), *Credibility.choices], coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.country_fields:
            self.fields[name].choices = [("", "— choose —"), *countries]
        if "date" in self.fields:
            self.fields["date"].widget.attrs["placeholder"] = "none given"

    @property
    def chosen(self):
        """The decision sent: accepted, rejected, or "" (later)."""
        sent = self.data.get(self.add_prefix("decision")) if self.is_bound else ""
        return sent if sent in Decision.values else ""

    @property
    def accepted(self):
        return self.chosen == Decision.ACCEPTED

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self.accepted:
            self._errors = forms.utils.ErrorDict({k: v for k, v in self._errors.items() if k == "decision"})

    def check_model(self, instance, exclude=()):
        """The model's own rules (its constraints too), each error on the field it names."""
        try:
            instance.full_clean(exclude=[*exclude, "search_text"], validate_unique=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


class RequestForm(ProposalForm):
    country_fields = ("requester", "supplier")
    field_order = ["decision", "requester", "supplier", "date", "date_precision", "status", "channel", "summary"]

    requester = forms.TypedChoiceField(coerce=int, label="Requester")
    supplier = forms.TypedChoiceField(coerce=int, label="Asked country")
    date = PartialDateField(required=False, help_text="")
    date_precision = forms.ChoiceField(choices=PRECISIONS, required=False, label="Date precision")
    status = forms.ChoiceField(choices=RequestStatus.choices)
    channel = forms.ChoiceField(choices=Channel.choices)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))

    def clean(self):
        cleaned = clean_partial_dates(self, super().clean())
        if self.accepted and not self.errors:
            fields = ("requester", "supplier", "date", "date_precision", "status", "channel", "summary")
            values = {f"{k}_id" if k in self.country_fields else k: cleaned[k] for k in fields}
            self.check_model(ArmsRequest(**{**values, "date_precision": values["date_precision"] or ""}))
        return cleaned


class ItemForm(forms.Form):
    keep = forms.BooleanField(required=False, initial=True, help_text="Untick to leave this item out.")
    equipment_type = forms.ChoiceField(label="Type")
    system = forms.CharField(required=False, max_length=120, help_text="A designation we know, or empty.")
    description = forms.CharField(max_length=500)
    help_kind = forms.ChoiceField(choices=HelpKind.choices, label="Help")
    hedged = forms.BooleanField(required=False)
    quantity_requested = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1, label="Quantity")

    def __init__(self, *args, types=(), checked=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment_type"].choices = types
        self.checked = checked  # its request is accepted: the item's fields count

    def full_clean(self):
        super().full_clean()
        kept = self.is_bound and self.data.get(self.add_prefix("keep")) not in (None, "", "off")
        if self.is_bound and not (self.checked and kept):
            self._errors = forms.utils.ErrorDict()

    def clean_system(self):
        designation = self.cleaned_data["system"].strip()
        if not designation or not self.checked:
            return None
        system = System.objects.filter(designation__iexact=designation).first()
        if system is None:
            raise ValidationError(f"No system is named “{designation}”: leave it empty, or add it under Systems.")
        return system


class DeploymentForm(ProposalForm):
    country_fields = ("country",)
    field_order = ["decision", "country", "description", "location", "status"]

    country = forms.TypedChoiceField(coerce=int, label="Deploying country")
    description = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    location = forms.CharField(max_length=200, required=False)
    status = forms.ChoiceField(choices=DeploymentStatus.choices)


def request_initial(found, countries_by_name):
    date = found.get("date")
    return {
        "requester": party_id(found.get("requester"), countries_by_name),
        "supplier": party_id(found.get("supplier"), countries_by_name),
        "date": date or "",
        "date_precision": "",  # the date is written at its precision: "2025-10" is a month
        "status": found.get("status") or RequestStatus.REQUESTED,
        "channel": found.get("channel") or Channel.UNKNOWN,
        "summary": summary_of(found),
    }


def item_initial(item):
    return {
        "keep": True,
        "equipment_type": item.get("equipment_type") or "other",
        "system": item.get("system") or "",
        "description": (item.get("description") or "")[:500],
        "help_kind": item.get("help_kind") or HelpKind.NEW_SUPPLY,
        "hedged": bool(item.get("hedged")),
        "quantity_requested": item.get("quantity_requested"),
    }


def deployment_initial(found, countries_by_name):
    return {
        "country": party_id(found.get("country"), countries_by_name),
        "description": found.get("description") or "",
        "location": (found.get("location") or "")[:200],
        "status": DeploymentStatus.ANNOUNCED,
    }


def source_initial(reading):
    return {
        "outlet": reading.outlet,
        "title": reading.title,
        "author": reading.author,
        "published_on": iso_partial(reading.published, reading.published_precision),
    }


def party_id(party, countries_by_name):
    """The reader names a party by ISO code, or by name when it has none (the unknown party)."""
    party = party or {}
    return countries_by_name.get(party.get("code") or "") or countries_by_name.get((party.get("name") or "").lower())


def summary_of(found):
    asked = ", ".join(item.get("description", "") for item in found.get("items", []))
    requester, supplier = (found.get(role, {}).get("name", "?") for role in ("requester", "supplier"))
    return f"{requester} asked {supplier} for {asked or 'military help'}."


def named_errors(label, form):
    """[(where, field label, message)] of a form's errors, for the list at the top of the page."""
    out = []
    for field, errors in form.errors.items():
        name = "" if field == NON_FIELD_ERRORS else form.fields[field].label or field.replace("_", " ")
        out += [(label, str(name).lower(), message) for message in errors]
    return out
