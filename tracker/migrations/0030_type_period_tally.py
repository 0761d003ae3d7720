"""One equipment type's timeline, kept by triggers (tracker/models/tallies.py TypePeriodTally, _type_periods.py)."""

from django.db import migrations, models

from ._type_periods import statements


def create_triggers(apps, schema_editor):
    """The triggers, then the tally counted from the records already there."""
    for sql in statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0029_releases"),
    ]

    operations = [
        migrations.CreateModel(
            name="TypePeriodTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("n", models.PositiveIntegerField()),
                ("equipment_type", models.BigIntegerField()),
                ("year", models.IntegerField()),
                ("month", models.IntegerField()),
                ("date_precision", models.CharField(max_length=5)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("equipment_type", "year", "month", "date_precision"), name="type_period_tally_key"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
