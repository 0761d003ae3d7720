"""A bad query parameter, as the page shows it (the label beside its box) and as the API names it (the parameter).

The pages said `date_from` where the form says From; a reader never sees parameter names. Each error is still a
(parameter, message) pair, so the API, the map's JSON and the tests read it as before; .label is for the page.
"""

# Parameters with no box of their own in the filter forms: the words a person sees for them.
LABELS = {"page": "Page", "after": "Page", "before": "Page", "format": "Format", "q": "Search", "__all__": "Filters"}


class FilterError(tuple):
    """(parameter, message), with .label: the name the page gives that parameter."""

    def __new__(cls, parameter, message, label=""):
        error = super().__new__(cls, (parameter, message))
        error.label = label or LABELS.get(parameter, parameter)
        return error


def label_of(filters, name):
    """The label of a FilterSet's (or form's) parameter; filters is its filters or its form's fields."""
    found = filters.get(name)
    return str(found.label) if found is not None and found.label else LABELS.get(name, name)


def form_errors(form):
    """[FilterError] for every message of a bound, invalid form, labelled as its fields are."""
    return [
        FilterError(name, message, label_of(form.fields, name))
        for name, messages in form.errors.items()
        for message in messages
    ]
