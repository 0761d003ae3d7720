"""How precisely a deployment's coordinates place it (LocationPrecision), with its two named constraints."""

from django.db import migrations, models

from ._data_version import restore_sqlite_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0014_data_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="deployment",
            name="location_precision",
            field=models.CharField(
                blank=True,
                choices=[
                    ("site", "Exact site"),
                    ("near", "Near a named place (within about 25 km)"),
                    ("area", "Province or district"),
                    ("region", "Wide region or sea"),
                ],
                help_text="How closely the coordinates place it: a base, near a town, a province, a wide region or sea. Empty without coordinates, or when no source says.",
                max_length=6,
                verbose_name="precision of the coordinates",
            ),
        ),
        migrations.AddConstraint(
            model_name="deployment",
            constraint=models.CheckConstraint(
                condition=models.Q(("location_precision", ""), ("latitude__isnull", False), _connector="OR"),
                name="deployment_location_precision_needs_coordinates",
                violation_error_message="A precision qualifies coordinates: give the coordinates too.",
            ),
        ),
        migrations.AddConstraint(
            model_name="deployment",
            constraint=models.CheckConstraint(
                condition=models.Q(("location_precision__in", ["site", "near", "area", "region", ""])),
                name="deployment_location_precision_valid",
                violation_error_message="location_precision must be one of: site, near, area, region.",
            ),
        ),
        # SQLite rebuilt the table, and its data-version triggers (migration 0014) went with it.
        restore_sqlite_triggers("tracker_deployment"),
    ]
