"""What every family of models shares: constraint builders and counting without reading every row."""

from django.db import models
from django.db.models import Q


def choices_constraint(field, choices, name, blank=False):
    values = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": values}),
        name=name,
        violation_error_message=f"{field} must be one of: {', '.join(map(str, choices.values))}.",
    )


def non_negative(field, name):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
        name=name,
        violation_error_message=f"{field.replace('_', ' ').capitalize()} cannot be negative.",
    )


def estimate_has_value(field, flag, name):
    """An estimate flag marks a value: with no value there is nothing to call an estimate."""
    return models.CheckConstraint(
        condition=Q(**{flag: False}) | Q(**{f"{field}__isnull": False}),
        name=name,
        violation_error_message=f"{field.replace('_', ' ').capitalize()} is empty: it cannot be an estimate.",
    )


def count_up_to(queryset, cap):
    """The number of rows, but reading no more than cap + 1 of them: more than cap means \"more than cap\"."""
    # values("pk"): no joins for select_related, no per-row subqueries for annotations.
    return queryset.order_by().values("pk")[: cap + 1].count()
