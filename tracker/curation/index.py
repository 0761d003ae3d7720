"""The admin's index in the order a curator works: the records and the ways in first, reference tables next,
accounts, login throttling and jobs last (templates/admin/index.html, tag `curation_sections`)."""

from django import template
from django.urls import reverse

from .import_jobs import may_import

register = template.Library()

# (title, note, the tables it holds as "app_label.ObjectName"), in the index's order.
SECTIONS = [
    ("Daily work", "", ["tracker.ArmsRequest", "tracker.Deployment", "tracker.Source", "tracker.Reading"]),
    (
        "Parts of records",
        "Also shown on their record's page.",
        ["tracker.RequestItem", "tracker.Citation", "tracker.Capture"],
    ),
    (
        "Reference tables",
        "Names the records point at.",
        ["tracker.Country", "tracker.EquipmentType", "tracker.System", "tracker.Person"],
    ),
]
LAST = ("Accounts, logins and jobs", "Users, login throttling, background work and past imports.")


def sections(app_list, user):
    """[{name, note, links, models}]: the admin's app_list regrouped; a table no section names goes to "More
    tables" (ours) or the last section (other apps'), so none is ever hidden. links are the direct ways in."""
    models = {f"{app['app_label']}.{m['object_name']}": m for app in app_list for m in app["models"]}
    placed = {name for _, _, names in SECTIONS for name in names}
    found = []
    for title, note, names in SECTIONS:
        found.append({"name": title, "note": note, "models": [models[n] for n in names if n in models], "links": []})
    found[0]["links"] = ways_in(user)
    ours = [m for name, m in models.items() if name.startswith("tracker.") and name not in placed]
    others = [m for name, m in models.items() if not name.startswith("tracker.")]
    jobs_and_imports = [m for m in ours if m["object_name"] in ("Job", "ImportRun")]
    more = [m for m in ours if m not in jobs_and_imports]
    found.append({"name": "More tables", "note": "", "models": more, "links": []})
    found.append({"name": LAST[0], "note": LAST[1], "models": others + jobs_and_imports, "links": []})
    return [s for s in found if s["models"] or s["links"]]


def ways_in(user):
    """The curator's ways in that are no table: reading an article, importing a file (as the views check them)."""
    links = []
    if user.has_perm("tracker.add_armsrequest") and user.has_perm("tracker.add_source"):
        links.append(
            {
                "name": "New from article",
                "url": reverse("admin:tracker_reading_add"),
                "note": "a URL, pasted text or a saved page; the reader proposes draft records, you decide",
            }
        )
    if may_import(user):
        links.append(
            {
                "name": "Import a file",
                "url": reverse("admin:tracker_importrun_upload"),
                "note": "our requests or deployments CSV, or a SIPRI trade register; checked and previewed first",
            }
        )
    return links


@register.simple_tag(takes_context=True)
def curation_sections(context, app_list):
    """The index's app_list, or the sidebar's available_apps, in sections."""
    return sections(app_list or [], context["request"].user)
