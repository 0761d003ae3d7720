"""Claims: what a cited source says where it differs from its record (issue 25).

The table is watched for the data version (models/freshness.py), and a claim's item must be one of its
citation's request's items, and its request theirs: that spans tables, so a trigger checks it (named
claim_item_of_cited_request in the error), as does one refusing to move a claimed citation or item to another
request. Frozen SQL: change it only in a migration that makes it again. SQLite caveat (as migration 0007's): a
later migration that makes Django rebuild tracker_claim, tracker_citation or tracker_requestitem drops these.
"""

import django.db.models.deletion
from django.db import migrations, models

from tracker import reference

from ._data_version import sqlite_triggers

CHECK = "claim_item_of_cited_request"
MESSAGE = "A claim cites its own request, and its item is one of that request items."
SQLITE_CHECK = (
    "WHEN (SELECT request_id FROM tracker_citation WHERE id = NEW.citation_id) IS NOT NEW.request_id "
    "OR (NEW.item_id IS NOT NULL AND (SELECT request_id FROM tracker_requestitem WHERE id = NEW.item_id) "
    "IS NOT NEW.request_id) "
    f"BEGIN SELECT RAISE(ABORT, '{CHECK}: {MESSAGE}'); END"
)
KEEPS = "A citation or an item with claims stays with its request: delete its claims first."
# A claimed citation or item moved to another request would leave its claims on the first: refused too.
MOVES = {"tracker_citation": "citation_id", "tracker_requestitem": "item_id"}
TRIGGERS = {
    "sqlite": [
        *(
            f"CREATE TRIGGER {CHECK}_{table}_moves BEFORE UPDATE OF request_id ON {table} "
            f"WHEN NEW.request_id IS NOT OLD.request_id AND EXISTS (SELECT 1 FROM tracker_claim WHERE {key} = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{CHECK}: {KEEPS}'); END"
            for table, key in MOVES.items()
        ),
        f"CREATE TRIGGER {CHECK}_insert BEFORE INSERT ON tracker_claim {SQLITE_CHECK}",
        f"CREATE TRIGGER {CHECK}_update BEFORE UPDATE OF request_id, citation_id, item_id ON tracker_claim "
        f"{SQLITE_CHECK}",
        *sqlite_triggers("tracker_claim"),
    ],
    "postgresql": [
        f"""CREATE FUNCTION {CHECK}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT request_id FROM tracker_citation WHERE id = NEW.citation_id) IS DISTINCT FROM NEW.request_id
        OR (NEW.item_id IS NOT NULL AND (SELECT request_id FROM tracker_requestitem WHERE id = NEW.item_id)
            IS DISTINCT FROM NEW.request_id) THEN
        RAISE EXCEPTION '{CHECK}: {MESSAGE}' USING ERRCODE = 'check_violation', CONSTRAINT = '{CHECK}';
    END IF;
    RETURN NEW;
END $$""",
        f"CREATE TRIGGER {CHECK} BEFORE INSERT OR UPDATE OF request_id, citation_id, item_id ON tracker_claim "
        f"FOR EACH ROW EXECUTE FUNCTION {CHECK}()",
        *(
            f"""CREATE FUNCTION {CHECK}_{table}_moves() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.request_id IS DISTINCT FROM OLD.request_id AND EXISTS (SELECT 1 FROM tracker_claim WHERE {key} = NEW.id) THEN
        RAISE EXCEPTION '{CHECK}: {KEEPS}' USING ERRCODE = 'check_violation', CONSTRAINT = '{CHECK}';
    END IF;
    RETURN NEW;
END $$"""
            for table, key in MOVES.items()
        ),
        *(
            f"CREATE TRIGGER {CHECK}_moves BEFORE UPDATE OF request_id ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {CHECK}_{table}_moves()"
            for table in MOVES
        ),
        "CREATE TRIGGER tracker_claim_data_version AFTER INSERT OR UPDATE OR DELETE ON tracker_claim "
        "FOR EACH STATEMENT EXECUTE FUNCTION tracker_bump_data_version()",
        "CREATE TRIGGER tracker_claim_data_version_truncate AFTER TRUNCATE ON tracker_claim "
        "FOR EACH STATEMENT EXECUTE FUNCTION tracker_bump_data_version()",
    ],
}


def create_triggers(apps, schema_editor):
    for sql in TRIGGERS[schema_editor.connection.vendor]:
        schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    # The claims table goes with its triggers; PostgreSQL's functions and the triggers on citations and items stay.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {CHECK}() CASCADE", params=None)
        for table in MOVES:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {CHECK}_{table}_moves() CASCADE", params=None)
    else:
        for table in MOVES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {CHECK}_{table}_moves", params=None)


def sync_roles(apps, schema_editor):
    reference.sync_roles(apps)  # editors curate claims as they do citations; viewers read them


class Migration(migrations.Migration):
    dependencies = [("tracker", "0027_readings")]

    operations = [
        migrations.CreateModel(
            name="Claim",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "field",
                    models.CharField(
                        choices=[
                            ("status", "Status"),
                            ("date", "Date"),
                            ("quantity_requested", "Quantity asked"),
                            ("quantity_delivered", "Quantity delivered"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("requested", "Requested"),
                            ("negotiating", "Under negotiation"),
                            ("agreed", "Agreed"),
                            ("partly_delivered", "Partly delivered"),
                            ("delivered", "Delivered"),
                            ("refused", "Refused"),
                            ("withdrawn", "Withdrawn"),
                            ("unknown", "Unknown"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "date",
                    models.DateField(
                        blank=True, help_text="First day of the period if only the month or year.", null=True
                    ),
                ),
                (
                    "date_precision",
                    models.CharField(
                        blank=True, choices=[("day", "Day"), ("month", "Month"), ("year", "Year")], max_length=5
                    ),
                ),
                (
                    "low",
                    models.IntegerField(blank=True, help_text="The quantity, or the low end of a range.", null=True),
                ),
                (
                    "high",
                    models.IntegerField(
                        blank=True,
                        help_text="The high end of a range; the same as low for an exact quantity.",
                        null=True,
                    ),
                ),
                (
                    "words",
                    models.CharField(
                        blank=True,
                        help_text='The source\'s own words for the value: "about 60", "up to 300".',
                        max_length=120,
                    ),
                ),
                (
                    "citation",
                    models.ForeignKey(
                        help_text="The source that says so, graded.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="tracker.citation",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        blank=True,
                        help_text="For a quantity: which of the request's items.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="tracker.requestitem",
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="claims", to="tracker.armsrequest"
                    ),
                ),
            ],
            options={
                "ordering": ["citation", "field", "item", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("field__in", ["status", "date", "quantity_requested", "quantity_delivered"])
                        ),
                        name="claim_field_valid",
                        violation_error_message="field must be one of: status, date, quantity_requested, quantity_delivered.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "status__in",
                                [
                                    "requested",
                                    "negotiating",
                                    "agreed",
                                    "partly_delivered",
                                    "delivered",
                                    "refused",
                                    "withdrawn",
                                    "unknown",
                                    "",
                                ],
                            )
                        ),
                        name="claim_status_valid",
                        violation_error_message="status must be one of: requested, negotiating, agreed, partly_delivered, delivered, refused, withdrawn, unknown.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("date__isnull", True), ("date_precision", "")),
                            models.Q(("date__isnull", False), ("date_precision__in", ["day", "month", "year"])),
                            _connector="OR",
                        ),
                        name="claim_date_has_precision",
                        violation_error_message="A date needs its precision (day, month or year), and a precision needs a date.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("field", "status"), ("status__gt", "")),
                            models.Q(models.Q(("field", "status"), _negated=True), ("status", "")),
                            _connector="OR",
                        ),
                        name="claim_status_only_for_status",
                        violation_error_message="A status claim gives a status; other claims leave the status empty.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("date__isnull", False), ("field", "date")),
                            models.Q(models.Q(("field", "date"), _negated=True), ("date__isnull", True)),
                            _connector="OR",
                        ),
                        name="claim_date_only_for_date",
                        violation_error_message="A date claim gives a date; other claims leave the date empty.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("field__in", ["quantity_requested", "quantity_delivered"]),
                                ("item__isnull", False),
                                models.Q(("low__isnull", False), ("high__isnull", False), _connector="OR"),
                            ),
                            models.Q(
                                models.Q(("field__in", ["quantity_requested", "quantity_delivered"]), _negated=True),
                                ("high__isnull", True),
                                ("item__isnull", True),
                                ("low__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="claim_quantity_only_for_items",
                        violation_error_message="A quantity claim names an item and a quantity (low, high or both); a status or date claim names neither.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("low__isnull", True), ("low__gte", 0), _connector="OR"),
                        name="claim_low_not_negative",
                        violation_error_message="A claimed quantity cannot be negative.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("low__isnull", True),
                            ("high__isnull", True),
                            ("low__lte", models.F("high")),
                            _connector="OR",
                        ),
                        name="claim_low_not_above_high",
                        violation_error_message="The low end of a claimed range cannot be above its high end.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("high__isnull", True), ("high__gte", 0), _connector="OR"),
                        name="claim_high_not_negative",
                        violation_error_message="A claimed quantity cannot be negative.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("item__isnull", True)),
                        fields=("citation", "field"),
                        name="claim_one_per_field",
                        violation_error_message="This citation already has a claim on this field.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("item__isnull", False)),
                        fields=("citation", "field", "item"),
                        name="claim_one_per_item_field",
                        violation_error_message="This citation already has a claim on this item's quantity.",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
