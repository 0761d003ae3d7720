"""published_at: when a record was first published (the Atom feeds' order), its rule and its index.

SQLite: adding the CHECK constraint makes Django rebuild tracker_armsrequest, which drops the full-text
triggers (migration 0007's caveat): they are created again once the rebuild is done (both ways), as in 0012.

PostgreSQL: the indexes are built before the backfill updates the rows. Built after it, in the same
transaction, an index is marked indcheckxmin and the planner ignores it for as long as any transaction
older than the migration runs (a long download, say).
"""

import importlib

from django.db import migrations, models
from django.db.models import F

recreate_search_triggers = importlib.import_module(
    "tracker.migrations.0012_estimates_and_deliveries"
).recreate_search_triggers


def backfill(apps, schema_editor):
    """Records published before the field existed: their last change is the latest they can have been published
    (they were published by then), so they keep their place among records published from now on."""
    for name in ("ArmsRequest", "Deployment"):
        model = apps.get_model("tracker", name)
        model.objects.filter(published=True, published_at__isnull=True).update(published_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0012_estimates_and_deliveries"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, recreate_search_triggers),
        migrations.AddField(
            model_name="armsrequest",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the record was first published: it enters the Atom feeds then. Kept if unpublished.",
                null=True,
                verbose_name="first published",
            ),
        ),
        migrations.AddField(
            model_name="deployment",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the record was first published: it enters the Atom feeds then. Kept if unpublished.",
                null=True,
                verbose_name="first published",
            ),
        ),
        migrations.AddIndex(
            model_name="armsrequest",
            index=models.Index(fields=["published", "published_at", "id"], name="request_published_at_idx"),
        ),
        migrations.AddIndex(
            model_name="deployment",
            index=models.Index(fields=["published", "published_at", "id"], name="deployment_published_at_idx"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="armsrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("published", False), ("published_at__isnull", False), _connector="OR"),
                name="request_published_has_published_at",
                violation_error_message="A published record says when it was first published (published_at).",
            ),
        ),
        migrations.AddConstraint(
            model_name="deployment",
            constraint=models.CheckConstraint(
                condition=models.Q(("published", False), ("published_at__isnull", False), _connector="OR"),
                name="deployment_published_has_published_at",
                violation_error_message="A published record says when it was first published (published_at).",
            ),
        ),
        migrations.RunPython(recreate_search_triggers, migrations.RunPython.noop),
    ]
