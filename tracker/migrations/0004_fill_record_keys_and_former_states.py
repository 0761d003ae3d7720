"""Give every existing request and deployment its own key; add the former states SIPRI names."""

import uuid

from django.db import migrations

from tracker import reference


def fill(apps, schema_editor):
    for name in ("ArmsRequest", "Deployment"):
        model = apps.get_model("tracker", name)
        # Adding the column gave every existing row the same default value.
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(uid=uuid.uuid4())
    reference.load_historical_states(apps)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0003_import_runs_and_record_keys")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
