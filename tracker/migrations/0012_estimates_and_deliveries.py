"""Estimates kept as data (the request's date, each item's quantities) and deliveries by year.

SQLite: adding a NOT NULL column or a CHECK constraint makes Django rebuild tracker_armsrequest, which
drops the triggers that keep the full-text table in step (migration 0007's caveat): they are created
again, and the table re-read, once the rebuilds are done (both ways).
"""

import importlib

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def recreate_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    search = importlib.import_module("tracker.migrations.0007_request_search")
    for event in ("insert", "delete", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {search.FTS}_{event}")
    for sql in search.SQLITE_CREATE[2:]:  # the triggers; the FTS5 table itself survives the rebuild
        schema_editor.execute(sql)
    schema_editor.execute(f"INSERT INTO {search.FTS}({search.FTS}) VALUES ('rebuild')")


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0011_country_kinds"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, recreate_search_triggers),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1900),
                            django.core.validators.MaxValueValidator(2100),
                        ]
                    ),
                ),
                (
                    "quantity",
                    models.IntegerField(
                        blank=True,
                        help_text="Empty if not reported.",
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                    ),
                ),
                (
                    "estimated",
                    models.BooleanField(
                        db_default=False,
                        default=False,
                        help_text="The source gives this delivery as an estimate (SIPRI's ?): its number, or the delivery itself when no number is given.",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "deliveries",
                "ordering": ["item", "year"],
            },
        ),
        migrations.AddField(
            model_name="armsrequest",
            name="date_estimated",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="The source gives the date as an estimate (SIPRI's ? on the order year).",
                verbose_name="date is an estimate",
            ),
        ),
        migrations.AddField(
            model_name="requestitem",
            name="quantity_delivered_estimated",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="SIPRI's ? or (50).",
                verbose_name="quantity delivered is an estimate",
            ),
        ),
        migrations.AddField(
            model_name="requestitem",
            name="quantity_requested_estimated",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="SIPRI's ? or (50).",
                verbose_name="quantity asked is an estimate",
            ),
        ),
        migrations.AddConstraint(
            model_name="armsrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("date_estimated", False), ("date__isnull", False), _connector="OR"),
                name="request_date_estimate_has_date",
                violation_error_message="Date is empty: it cannot be an estimate.",
            ),
        ),
        migrations.AddConstraint(
            model_name="requestitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("quantity_requested_estimated", False), ("quantity_requested__isnull", False), _connector="OR"
                ),
                name="item_asked_estimate_has_value",
                violation_error_message="Quantity requested is empty: it cannot be an estimate.",
            ),
        ),
        migrations.AddConstraint(
            model_name="requestitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("quantity_delivered_estimated", False), ("quantity_delivered__isnull", False), _connector="OR"
                ),
                name="item_delivered_estimate_has_value",
                violation_error_message="Quantity delivered is empty: it cannot be an estimate.",
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="item",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="deliveries",
                to="tracker.requestitem",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(fields=["year"], name="delivery_year_idx"),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                fields=("item", "year"),
                name="delivery_one_per_item_and_year",
                violation_error_message="One delivery per item and year: add the numbers up.",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.CheckConstraint(
                condition=models.Q(("year__gte", 1900), ("year__lte", 2100)),
                name="delivery_year_in_range",
                violation_error_message="A delivery year is between 1900 and 2100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.CheckConstraint(
                condition=models.Q(("quantity__isnull", True), ("quantity__gte", 0), _connector="OR"),
                name="delivery_quantity_not_negative",
                violation_error_message="Quantity cannot be negative.",
            ),
        ),
        migrations.RunPython(recreate_search_triggers, migrations.RunPython.noop),
    ]
