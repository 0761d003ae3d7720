"""Editors and viewers may read the import log."""

from django.db import migrations

from tracker import reference


def sync(apps, schema_editor):
    reference.sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0005_record_keys_unique")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
