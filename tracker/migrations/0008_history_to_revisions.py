"""History moves from django-simple-history's tables to django-reversion's revisions (see models/history.py).

Every historical row becomes a revision with its date, user and reason. A request's (or deployment's)
revision also holds its items and citations as they stood until the record's next save, so reverting an
old revision restores them too (reverting never deletes what the old history did not know). Nothing is
dropped before it is copied: the historical tables go only after the copy, in the same migration.
"""

import json
from collections import defaultdict
from itertools import groupby

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

# model -> [(inline model, its key to the model)]: what a revision of the model holds besides it.
FOLLOWED = {
    "ArmsRequest": [("RequestItem", "request_id"), ("Citation", "request_id")],
    "Deployment": [("Citation", "deployment_id")],
}
MODELS = ["Country", "EquipmentType", "System", "Person", "Source", "ArmsRequest", "Deployment"]
EXCLUDED = {"ArmsRequest": {"search_text"}}
KIND = {"+": "Added.", "~": "Changed.", "-": "Deleted."}
BATCH = 1000


def serialized(model, row, name):
    """One object as Django's JSON serializer writes it, from a historical row of it."""
    fields = {
        f.name: getattr(row, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in EXCLUDED.get(name, ())
    }
    label = f"tracker.{model._meta.model_name}"
    return json.dumps([{"model": label, "pk": row.id, "fields": fields}], cls=DjangoJSONEncoder)


def state_until(history, end):
    """The rows (latest historical row per id, not deleted) as they stood before end (None: now)."""
    latest = {}
    for row in history:
        if end is not None and row.history_date >= end:
            break
        latest[row.id] = row
    return [row for row in latest.values() if row.history_type != "-"]


def copy_history(apps, schema_editor):
    db = schema_editor.connection.alias
    Revision = apps.get_model("reversion", "Revision")
    Version = apps.get_model("reversion", "Version")
    ContentType = apps.get_model("contenttypes", "ContentType")

    types = {}

    def content_type(name):
        if name not in types:
            types[name] = ContentType.objects.db_manager(db).get_or_create(app_label="tracker", model=name.lower())[0]
        return types[name]

    for name in MODELS:
        model, history = apps.get_model("tracker", name), apps.get_model("tracker", f"Historical{name}")
        children = []
        for child_name, key in FOLLOWED.get(name, []):
            child_model = apps.get_model("tracker", child_name)
            rows = defaultdict(list)
            for row in (
                apps.get_model("tracker", f"Historical{child_name}")
                .objects.using(db)
                .exclude(**{f"{key}__isnull": True})
                .order_by("history_date", "history_id")
                .iterator()
            ):
                rows[getattr(row, key)].append(row)
            children.append((child_name, child_model, rows))
        pending = []
        ordered = history.objects.using(db).order_by("id", "history_date", "history_id").iterator()
        for record_id, rows in groupby(ordered, key=lambda r: r.id):
            rows = list(rows)
            for i, row in enumerate(rows):
                end = rows[i + 1].history_date if i + 1 < len(rows) else None
                comment = row.history_change_reason or KIND.get(row.history_type, "Changed.")
                revision = Revision(date_created=row.history_date, user_id=row.history_user_id, comment=comment)
                versions = [(name, model, row)]
                for child_name, child_model, child_rows in children:
                    versions += [(child_name, child_model, c) for c in state_until(child_rows[record_id], end)]
                pending.append((revision, versions))
            if len(pending) >= BATCH:
                write(pending, Revision, Version, content_type, db)
                pending = []
        write(pending, Revision, Version, content_type, db)


def write(pending, Revision, Version, content_type, db):
    if not pending:
        return
    Revision.objects.using(db).bulk_create([revision for revision, _ in pending])
    Version.objects.using(db).bulk_create(
        [
            Version(
                revision_id=revision.pk,
                object_id=str(row.id),
                content_type=content_type(name),
                db=db,
                format="json",
                serialized_data=serialized(model, row, name),
                object_repr=f"{model._meta.verbose_name} #{row.id}",
            )
            for revision, versions in pending
            for name, model, row in versions
        ],
        batch_size=BATCH,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0007_request_search"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_history, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="historicalcitation",
            name="deployment",
        ),
        migrations.RemoveField(
            model_name="historicalcitation",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalcitation",
            name="request",
        ),
        migrations.RemoveField(
            model_name="historicalcitation",
            name="source",
        ),
        migrations.RemoveField(
            model_name="historicalcountry",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicaldeployment",
            name="country",
        ),
        migrations.RemoveField(
            model_name="historicaldeployment",
            name="equipment_type",
        ),
        migrations.RemoveField(
            model_name="historicaldeployment",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicaldeployment",
            name="host_country",
        ),
        migrations.RemoveField(
            model_name="historicaldeployment",
            name="system",
        ),
        migrations.RemoveField(
            model_name="historicalequipmenttype",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalperson",
            name="country",
        ),
        migrations.RemoveField(
            model_name="historicalperson",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalrequestitem",
            name="equipment_type",
        ),
        migrations.RemoveField(
            model_name="historicalrequestitem",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalrequestitem",
            name="request",
        ),
        migrations.RemoveField(
            model_name="historicalrequestitem",
            name="system",
        ),
        migrations.RemoveField(
            model_name="historicalsource",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalsystem",
            name="equipment_type",
        ),
        migrations.RemoveField(
            model_name="historicalsystem",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalsystem",
            name="origin_country",
        ),
        migrations.DeleteModel(
            name="HistoricalArmsRequest",
        ),
        migrations.DeleteModel(
            name="HistoricalCitation",
        ),
        migrations.DeleteModel(
            name="HistoricalCountry",
        ),
        migrations.DeleteModel(
            name="HistoricalDeployment",
        ),
        migrations.DeleteModel(
            name="HistoricalEquipmentType",
        ),
        migrations.DeleteModel(
            name="HistoricalPerson",
        ),
        migrations.DeleteModel(
            name="HistoricalRequestItem",
        ),
        migrations.DeleteModel(
            name="HistoricalSource",
        ),
        migrations.DeleteModel(
            name="HistoricalSystem",
        ),
    ]
