"""Releases: dated, immutable freezes of every published record (issue 25), and the spans saying which records
each release holds (tracker/models/releases.py). Editors may make one (add_release); both roles read them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from tracker import reference


def sync_roles(apps, schema_editor):
    reference.sync_roles(apps)  # editors: add_release and view_release; viewers: view_release


class Migration(migrations.Migration):
    dependencies = [("tracker", "0028_claims"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="ReleaseSpan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(choices=[("request", "request"), ("deployment", "deployment")], max_length=10),
                ),
                ("record_id", models.BigIntegerField()),
                ("first", models.PositiveIntegerField()),
                ("last", models.PositiveIntegerField(blank=True, null=True)),
            ],
            options={
                "indexes": [models.Index(fields=["kind", "record_id"], name="releasespan_record")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("last__isnull", True), ("last__gte", models.F("first")), _connector="OR"),
                        name="releasespan_in_order",
                        violation_error_message="A span ends at or after its first release.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("last__isnull", True)),
                        fields=("kind", "record_id"),
                        name="releasespan_one_open",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Release",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "tag",
                    models.CharField(
                        help_text="The day it was made, e.g. 2026-12-06 (then .2…).", max_length=20, unique=True
                    ),
                ),
                (
                    "number",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="1, 2, 3… in the order published; empty until published.",
                        null=True,
                        unique=True,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("building", "Being written"), ("published", "Published"), ("failed", "Failed")],
                        default="building",
                        max_length=10,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, help_text="When its snapshot of the data was read."),
                ),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                (
                    "manifest",
                    models.JSONField(blank=True, default=list, help_text="[{name, bytes, sha256, rows}] of its files."),
                ),
                ("requests", models.PositiveIntegerField(default=0)),
                ("deployments", models.PositiveIntegerField(default=0)),
                ("added", models.PositiveIntegerField(default=0)),
                ("changed", models.PositiveIntegerField(default=0)),
                ("withdrawn", models.PositiveIntegerField(default=0)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "job",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="tracker.job",
                    ),
                ),
            ],
            options={
                "ordering": ["-number", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["building", "published", "failed"])),
                        name="release_status_valid",
                        violation_error_message="status must be one of: building, published, failed.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("number__isnull", False), ("published_at__isnull", False), ("status", "published")
                            ),
                            models.Q(models.Q(("status", "published"), _negated=True), ("number__isnull", True)),
                            _connector="OR",
                        ),
                        name="release_published_iff_numbered",
                        violation_error_message="A published release has a number and a time; no other release has one.",
                    ),
                ],
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
