"""Keeping search documents fresh as records change (the documents themselves: models/search.py).

Signals cover saves through the ORM (admin, demo, hand edits); bulk writes fire no signals, so
whoever writes in bulk calls refresh_search_text() or refresh_deployment_text() (the importer does),
or runs `manage.py rebuild_search` afterwards.
"""

import contextlib
import contextvars

from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save

from .deployments import Deployment
from .equipment import EquipmentType, System
from .people import Person
from .requests import ArmsRequest, RequestItem
from .search import BATCH, DEPLOYMENT_PARTS, write_deployment_documents, write_documents


def refresh_search_text(request_ids):
    """Recompute the documents of these requests, in batches; returns how many changed.

    Writes with bulk_update, which sends no signals and leaves updated_at alone. Inside
    refresh_later() the ids are only collected, and refreshed once when the block ends.
    """
    ids = set(request_ids)
    pending = _pending.get()
    if pending is not None:
        pending |= ids
        return 0
    ids = sorted(ids)
    return sum(write_documents(ArmsRequest, RequestItem, ids[i : i + BATCH]) for i in range(0, len(ids), BATCH))


def refresh_deployment_text(deployment_ids):
    """Recompute the documents of these deployments, in batches; returns how many changed."""
    ids = sorted(set(deployment_ids))
    return sum(write_deployment_documents(Deployment, ids[i : i + BATCH]) for i in range(0, len(ids), BATCH))


_pending = contextvars.ContextVar("search_pending", default=None)


@contextlib.contextmanager
def refresh_later():
    """Collect the requests that saves in this block would refresh, and refresh each once at the end.

    For code that saves many rows (an import, the demo load): one refresh per request, not per save.
    Yields the set of pending ids, to which the caller may add the requests it wrote in bulk.
    """
    if _pending.get() is not None:  # nested: the outer block refreshes
        yield _pending.get()
        return
    pending = set()
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)
    refresh_search_text(pending)


# ------------------------------------------------------------------ signals

# What each referenced model contributes to documents, and which requests and deployments it appears in.
NAMES = {
    Person: ("name", lambda pk: ArmsRequest.objects.filter(Q(requested_by=pk) | Q(addressed_to=pk)), None),
    System: (
        "designation",
        lambda pk: ArmsRequest.objects.filter(items__system=pk),
        lambda pk: Deployment.objects.filter(system=pk),
    ),
    EquipmentType: (
        "name",
        lambda pk: ArmsRequest.objects.filter(items__equipment_type=pk),
        lambda pk: Deployment.objects.filter(equipment_type=pk),
    ),
}
DOCUMENT_FIELDS = {"summary", "notes", "requested_by", "addressed_to"}
DEPLOYMENT_FIELDS = {part.split("__")[0] for part in DEPLOYMENT_PARTS}  # system, equipment_type: the foreign keys


def request_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not DOCUMENT_FIELDS & set(update_fields):
        return  # e.g. publish(): nothing the document holds changed
    refresh_search_text([instance.pk])
    if _pending.get() is None:
        # Keep the instance current, so saving it again does not write back an old document.
        instance.search_text = ArmsRequest.objects.filter(pk=instance.pk).values_list("search_text", flat=True).get()


def deployment_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not DEPLOYMENT_FIELDS & set(update_fields):
        return
    refresh_deployment_text([instance.pk])
    instance.search_text = Deployment.objects.filter(pk=instance.pk).values_list("search_text", flat=True).get()


def item_changed(sender, instance, **kwargs):
    refresh_search_text([instance.request_id])


def remember_name(sender, instance, raw=False, **kwargs):
    field, *_ = NAMES[sender]
    before = sender.objects.filter(pk=instance.pk).values_list(field, flat=True) if instance.pk else []
    instance._name_before = next(iter(before), None)


def name_saved(sender, instance, created=False, **kwargs):
    field, requests, deployments = NAMES[sender]
    if not created and getattr(instance, "_name_before", None) != getattr(instance, field):
        refresh_search_text(requests(instance.pk).values_list("pk", flat=True).distinct())
        if deployments:
            refresh_deployment_text(deployments(instance.pk).values_list("pk", flat=True))


def connect_signals():
    """Called from TrackerConfig.ready(). Deleting a person, system or type is PROTECTed while
    any request uses it, so only their renames matter."""
    post_save.connect(request_saved, sender=ArmsRequest, dispatch_uid="search_request_saved")
    post_save.connect(deployment_saved, sender=Deployment, dispatch_uid="search_deployment_saved")
    post_save.connect(item_changed, sender=RequestItem, dispatch_uid="search_item_saved")
    post_delete.connect(item_changed, sender=RequestItem, dispatch_uid="search_item_deleted")
    for model in NAMES:
        pre_save.connect(remember_name, sender=model, dispatch_uid=f"search_{model.__name__}_before")
        post_save.connect(name_saved, sender=model, dispatch_uid=f"search_{model.__name__}_saved")
