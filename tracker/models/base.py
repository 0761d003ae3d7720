"""What every family of models shares: constraint builders and counting without reading every row."""

from django.apps import apps
from django.db import models
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Subquery, Value, When


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


INTEGER_RANGE = range(-(2**63), 2**63)  # what the databases store; beyond it SQLite raises OverflowError


def count_up_to(queryset, cap):
    """The number of rows, but reading no more than cap + 1 of them: more than cap means \"more than cap\"."""
    # values("pk"): no joins for select_related, no per-row subqueries for annotations.
    return queryset.order_by().values("pk")[: cap + 1].count()


def used_by(queryset, field, probe_model=None, probe_field=None):
    """Exists(queryset.filter(<field>=OuterRef("pk"))), asked only of rows some probe_model row points to.

    The probe (the smallest probe_field >= this row's pk, equal to it?) is one step down that foreign
    key's index, whatever the statistics. Without it, PostgreSQL plans the correlated EXISTS with the
    average rows per value: where few values share a big table (8 deploying countries in 100,000
    deployments), it expects a match within a few rows of a scan, and for a party nobody names it
    reads the whole table, once per party (8 s for the country list at 1,000,000 requests). The probe
    model and field default to queryset's model and field, for a field on that model itself.
    """
    probe_model, probe_field = probe_model or queryset.model, probe_field or field
    probe = probe_model._default_manager.filter(**{f"{probe_field}__gte": OuterRef("pk")}).order_by(probe_field)
    return Case(
        When(pk=Subquery(probe.values(probe_field)[:1]), then=Exists(queryset.filter(**{field: OuterRef("pk")}))),
        default=Value(False),
        output_field=BooleanField(),
    )


def published_citations():
    """(citations of published requests, citations of published deployments).

    A published record's citations stand for it in the checks of what the public may see: one subquery
    (a citation joined to its record) instead of the record's and, inside it, its citation's.
    """
    citations = apps.get_model("tracker", "Citation").objects
    return citations.filter(request__published=True), citations.filter(deployment__published=True)
