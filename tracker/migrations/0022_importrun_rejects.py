"""A dry run's bad rows kept compressed in a field of their own (`rejects`), no longer as text in the report.

The report is read whole by every preview; a file of bad rows made it as long as the file. Kept texts
are carried over one run at a time, so that memory holds one of them, not all.
"""

import zlib

from django.db import migrations, models


def move_rejects(apps, schema_editor):
    ImportRun = apps.get_model("tracker", "ImportRun")
    for pk in ImportRun.objects.values_list("pk", flat=True).order_by("pk").iterator():
        report = ImportRun.objects.filter(pk=pk).values_list("report", flat=True).get()
        if isinstance(report, dict) and "rejects" in report:
            text = report.pop("rejects")
            rejects = zlib.compress(text.encode("utf-8", "surrogatepass"), 6) if text else None
            ImportRun.objects.filter(pk=pk).update(report=report, rejects=rejects)


def restore_rejects(apps, schema_editor):
    ImportRun = apps.get_model("tracker", "ImportRun")
    for pk in ImportRun.objects.filter(rejects__isnull=False).values_list("pk", flat=True).order_by("pk"):
        run = ImportRun.objects.filter(pk=pk).values("report", "rejects").get()
        text = zlib.decompress(run["rejects"]).decode("utf-8", "surrogatepass")
        ImportRun.objects.filter(pk=pk).update(report={**run["report"], "rejects": text})


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0021_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="rejects",
            field=models.BinaryField(
                editable=False,
                help_text="A dry run's bad rows after the file's header, as read (UTF-8), zlib-compressed, to download.",
                null=True,
            ),
        ),
        migrations.RunPython(move_rejects, restore_rejects, elidable=False),
    ]
