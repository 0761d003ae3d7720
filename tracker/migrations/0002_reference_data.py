"""Preload every ISO 3166-1 country, the equipment types and the editor/viewer roles."""

from django.db import migrations

from tracker import reference


def load(apps, schema_editor):
    reference.load_countries(apps)
    reference.load_equipment_types(apps)
    reference.sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Reversing keeps the rows: they may already be referenced by curated records.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
