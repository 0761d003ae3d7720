"""Dates typed as sources give them: "2022", "Oct 2022", "2022-10", "18 October 2022", the precision inferred.

A date field of the admin forms becomes one text field shown in ISO at the record's precision. Left
empty, the precision is what was typed; chosen, it must not claim more than was typed ("2022" is not a
day), and a full date with precision month or year keeps only its month or year, as before.
"""

from django import forms

from tracker.dates import WRITTEN_FORMS, DatePrecision, NotADate, iso_partial, parse_written

# date field -> its precision field, on every model that has one
PAIRS = {
    "date": "date_precision",
    "published_on": "published_precision",
    "start_date": "start_precision",
    "end_date": "end_precision",
}
FINENESS = {DatePrecision.YEAR: 0, DatePrecision.MONTH: 1, DatePrecision.DAY: 2}
ACCEPTED = f"Type a date as the source gives it: {WRITTEN_FORMS}."


class PartialDateField(forms.CharField):
    """Cleans to (first day of the period, precision typed)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", ACCEPTED + " Leave the precision empty to use the one you typed.")
        # Long enough for "31 September 2025": cutting what was typed named a date nobody typed.
        super().__init__(max_length=40, widget=forms.TextInput(attrs={"placeholder": "Oct 2025", "size": 16}), **kwargs)

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        try:
            return parse_written(text)
        except NotADate:
            raise forms.ValidationError(
                f"“{text}” is not a date we can read, or is vaguer than a year. {ACCEPTED}"
            ) from None
        except ValueError:
            raise forms.ValidationError(f"“{text}” is not a day of the calendar. {ACCEPTED}") from None

    def has_changed(self, initial, data):
        try:
            before, after = self.to_python(initial or ""), self.to_python(data or "")
        except forms.ValidationError:
            return True
        return (before and before[0]) != (after and after[0])  # the precision is its own field


def use_partial_dates(form):
    """Replace form's date fields by PartialDateField, showing the instance's dates at their precision."""
    for name, precision in PAIRS.items():
        if name not in form.fields or precision not in form.fields:
            continue
        old = form.fields[name]
        form.fields[name] = PartialDateField(required=old.required, label=old.label)
        instance = form.instance
        if not form.is_bound and getattr(instance, name, None):
            form.initial[name] = iso_partial(getattr(instance, name), getattr(instance, precision))
        form.fields[precision].required = False


def clean_partial_dates(form, cleaned):
    """Turn (date, typed precision) into the date and the precision the model stores."""
    for name, precision in PAIRS.items():
        value = cleaned.get(name)
        if not isinstance(value, tuple):
            continue
        date, typed = value
        chosen = cleaned.get(precision) or typed
        if FINENESS[chosen] > FINENESS[typed]:
            form.add_error(
                name,
                f"“{form.data.get(form.add_prefix(name), '')}” gives only the {typed}; choose precision "
                f"{DatePrecision(typed).label.lower()}, or type the {chosen} too.",
            )
            continue
        cleaned[name], cleaned[precision] = date, chosen
    return cleaned
