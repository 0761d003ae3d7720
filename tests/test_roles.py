"""Roles hold on every write path: a viewer's POST to any admin URL changes nothing.

The URLs come from the resolver, not from a list typed here, so an admin view added later (a library's
revert view, an upload page) is tried too.
"""

import hashlib
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from reversion.models import Version

from tracker.intake.engine import run_import
from tracker.models import (
    ArmsRequest,
    Citation,
    Country,
    Deployment,
    EquipmentType,
    Person,
    RequestItem,
    Source,
    System,
    revision,
)

# Views that write when POSTed by someone allowed to: each must answer a viewer 403.
DATA = Path(__file__).parent / "data"
WRITERS = ("_add", "_change", "_delete", "_revision", "_recover", "_recoverlist", "_upload", "_preview")


def admin_patterns(resolver=None, prefix="admin/"):
    """(route, name, number of captured arguments) of every admin URL."""
    resolver = resolver or next(p for p in get_resolver().url_patterns if str(p.pattern) == "admin/")
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from admin_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name or "", pattern.pattern.regex.groups


def fill(route, name, ids):
    """A real URL for a route: captured parts replaced by a row of that model, one of its versions, etc."""
    model = name.split("_")[1] if name.startswith(("tracker_", "auth_")) else ""
    pk, version = ids.get(model, (1, 1))
    if name.endswith("_recover"):
        version = ids["deleted"]
    path = route.replace("([^/]+)", str(pk)).replace("(\\d+)", str(version))
    for part in ("<path:object_id>", "<int:pk>", "<id>", "<path:content_type_id>"):
        path = path.replace(part, str(pk))
    return "/" + path


def fingerprint():
    """A digest of every row a viewer could try to change, history and admin log included."""
    out = []

    class Sink:
        def write(self, text):
            out.append(text)

    call_command("dumpdata", "tracker", "reversion", "auth", "admin", stdout=Sink(), format="json", indent=None)
    return hashlib.sha256("".join(out).encode()).hexdigest()


HOSTILE = {
    "published": "on",
    "summary": "changed by a viewer",
    "description": "changed by a viewer",
    "name": "Changed by a viewer",
    "_save": "Save",
    "post": "yes",
    "action": "publish",
    "_selected_action": [],
    "items-TOTAL_FORMS": "0",
    "items-INITIAL_FORMS": "0",
    "citations-TOTAL_FORMS": "0",
    "citations-INITIAL_FORMS": "0",
}


@pytest.fixture
def everything(demo, editor):
    """A row of every model with a revision, a draft, an import run to apply, a deleted record to recover."""
    draft = ArmsRequest.objects.first()
    draft.published = False
    draft.save()
    run = run_import("requests", (DATA / "sipri_classic.csv").read_bytes(), "r.csv", dry_run=True, user=editor).run
    ids = {"importrun": (run.pk, None), "user": (editor.pk, None), "group": (1, None)}
    for model in (Country, EquipmentType, System, Person, Source, Citation, ArmsRequest, RequestItem, Deployment):
        obj = model.objects.order_by("pk").first()
        with revision(editor, "so that every model has a version to revert to"):
            obj.save()
        ids[model._meta.model_name] = (obj.pk, Version.objects.get_for_object(obj).first().pk)
    gone = Deployment.objects.order_by("pk").last()
    with revision(editor, "before deleting"):
        gone.save()
    ids["deleted"] = Version.objects.get_for_object(gone).first().pk
    gone.delete()
    return ids


def test_a_viewer_posting_to_every_admin_url_changes_nothing(viewer_client, everything):
    patterns = list(admin_patterns())
    assert len(patterns) > 80  # the resolver gave the whole admin
    before, refused, tried = fingerprint(), [], []
    for route, name, _ in patterns:
        if name in ("logout",):
            continue
        path = fill(route, name, everything)
        data = dict(HOSTILE, _selected_action=[everything["armsrequest"][0]])
        response = viewer_client.post(path, data)
        tried.append(path)
        assert response.status_code < 500, path
        # An import run's change page only redirects to its preview, whose POST is tried here too.
        if name.endswith(WRITERS) and name.startswith("tracker_") and name != "tracker_importrun_change":
            refused.append((path, response.status_code))
    assert fingerprint() == before
    assert len(refused) > 50 and [r for r in refused if r[1] != 403] == []
    assert any("/history/" in path for path, _ in refused)  # the revert view, the hole that was found
    assert any("/recover/" in path for path, _ in refused)


def test_the_viewer_revert_that_published_a_draft_is_refused(viewer_client, everything):
    request = ArmsRequest.objects.get(pk=everything["armsrequest"][0])
    version = Version.objects.get_for_object(request).first()
    path = f"/admin/tracker/armsrequest/{request.pk}/history/{version.pk}/"
    page = viewer_client.get(path)
    assert page.status_code == 200  # a viewer may look at an old version
    form = page.context["adminform"].form
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "published": "on", "summary": "edited"}
    before = fingerprint()
    assert viewer_client.post(path, data).status_code == 403
    assert fingerprint() == before
    assert LogEntry.objects.count() == 0
