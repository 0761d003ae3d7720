"""No lost update: a change form remembers what the record (and its inlines) held when it was opened.

The form carries a signed snapshot of the record's fields and of every inline row. On save, the record
is locked (SELECT … FOR UPDATE; SQLite serialises writers anyway) and compared with that snapshot: if a
colleague saved in between, the save is refused with a message naming what changed and by whom, and
the form keeps what this curator typed. The form then holds the new snapshot, so saving again is a
deliberate choice made after reading the message.
"""

import datetime

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from reversion.models import Version

from tracker.models.history import children

SALT = "tracker.curation.opened"
SKIPPED = {"created_at", "updated_at", "search_text"}


def value_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def row_state(obj):
    return {
        f.attname: value_text(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in SKIPPED
    }


def inline_state(row):
    state = row_state(row)
    for name in children(type(row)):
        state[name] = "; ".join(str(child) for child in getattr(row, name).all())
    return state


def snapshot(obj, inline_models):
    """The record's fields and, per inline, {row id: fields}: what a change form shows of it."""
    inlines = {}
    for model in inline_models:
        fk = next(f for f in model._meta.concrete_fields if f.is_relation and f.related_model is type(obj))
        rows = model._base_manager.filter(**{fk.name: obj.pk}).order_by("pk").prefetch_related(*children(model))
        inlines[model._meta.model_name] = {str(row.pk): inline_state(row) for row in rows}
    return {"fields": row_state(obj), "inlines": inlines}


def token(state):
    return signing.dumps({"state": state, "at": timezone.now().isoformat()}, salt=SALT, compress=True)


def read_token(text):
    try:
        data = signing.loads(text or "", salt=SALT)
        return data["state"], datetime.datetime.fromisoformat(data["at"])
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        return None, None


class OpenedStateField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, max_length=200_000, **kwargs)

    def has_changed(self, initial, data):
        return False  # about the form, not the record: never in "Changed …"


def changes_between(before, after, obj, inline_models):
    """Human words for what differs: 'status (requested → agreed)', 'request item “drones”: quantity asked'."""
    said = []
    for name, old in before["fields"].items():
        new = after["fields"].get(name)
        if new != old:
            said.append(field_change(type(obj), name, old, new))
    for model in inline_models:
        key, label = model._meta.model_name, model._meta.verbose_name
        old_rows, new_rows = before["inlines"].get(key, {}), after["inlines"].get(key, {})
        for pk in old_rows.keys() - new_rows.keys():
            said.append(f"{label} #{pk} deleted")
        for pk in new_rows.keys() - old_rows.keys():
            said.append(f"{label} #{pk} added")
        for pk in old_rows.keys() & new_rows.keys():
            names = [n for n in old_rows[pk] if old_rows[pk][n] != new_rows[pk].get(n)]
            if names:
                fields = ", ".join(field_change(model, n, old_rows[pk][n], new_rows[pk].get(n)) for n in names)
                said.append(f"{label} #{pk}: {fields}")
    return said


def field_change(model, attname, old, new):
    field = next((f for f in model._meta.concrete_fields if f.attname == attname), None)
    if field is None:  # followed rows (an item's deliveries), written as text
        name = str(model._meta.get_field(attname).related_model._meta.verbose_name_plural)
        return name if max(len(old), len(new or "")) > 40 else f"{name} ({old or 'none'} → {new or 'none'})"
    name = str(field.verbose_name)
    if isinstance(field, models.TextField) or field.is_relation or max(len(old), len(new or "")) > 40:
        return name
    return f"{name} ({old or 'empty'} → {new or 'empty'})"


def who_since(obj, since):
    revisions = (
        Version.objects.get_for_object(obj)
        .filter(revision__date_created__gt=since)
        .select_related("revision__user")
        .order_by("revision__date_created")
    )
    names = dict.fromkeys(
        (v.revision.user.get_username() if v.revision.user else "an import or command") for v in revisions
    )
    return ", ".join(names)


def check_not_stale(form, inline_models):
    """Called from the change form's clean(): refuse a form opened before someone else's save."""
    obj = form.instance
    if obj.pk is None:
        return
    type(obj)._base_manager.select_for_update().filter(pk=obj.pk).exists()  # held until the save commits
    current = snapshot(type(obj)._base_manager.get(pk=obj.pk), inline_models)
    opened, at = read_token(form.data.get("opened_state"))
    if opened == current:
        return
    # From here on the form holds the current state: saving again overwrites, knowingly.
    form.data = form.data.copy()
    form.data["opened_state"] = token(current)
    if opened is None:
        raise ValidationError(
            "This form does not say when it was opened (an old page, or not from this site). Nothing was "
            "saved. Check the values below against the record, then save again."
        )
    what = "; ".join(changes_between(opened, current, obj, inline_models)) or "its details"
    who = who_since(obj, at) or "someone"
    raise ValidationError(
        f"Not saved: since you opened this page, {who} changed {what}. Your edits are still in the form below; "
        "compare them with the record (open it in another tab), then save again to replace their version "
        "with yours, or reload to start from theirs."
    )
