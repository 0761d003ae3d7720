"""Import runs keep a dry run's file compressed (`upload`), no longer as text (`content`).

Every kept text is carried over, compressed as UTF-8 (the engine reads it back as it read the
text), one run at a time so that memory holds one file, not all of them. Only dry runs had one:
real runs always stored "".
"""

import zlib

from django.db import migrations, models


def compress_contents(apps, schema_editor):
    ImportRun = apps.get_model("tracker", "ImportRun")
    for pk in ImportRun.objects.exclude(content="").values_list("pk", flat=True).order_by("pk"):
        content = ImportRun.objects.filter(pk=pk).values_list("content", flat=True).get()
        ImportRun.objects.filter(pk=pk).update(upload=zlib.compress(content.encode("utf-8"), 6))


def restore_contents(apps, schema_editor):
    ImportRun = apps.get_model("tracker", "ImportRun")
    for pk in ImportRun.objects.filter(upload__isnull=False).values_list("pk", flat=True).order_by("pk"):
        data = zlib.decompress(ImportRun.objects.filter(pk=pk).values_list("upload", flat=True).get())
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        ImportRun.objects.filter(pk=pk).update(content=text)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0008_history_to_revisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="upload",
            field=models.BinaryField(
                editable=False,
                help_text="A dry run's file as uploaded, zlib-compressed, so it can be applied as previewed; dropped once applied, or after 7 days.",
                null=True,
            ),
        ),
        migrations.RunPython(compress_contents, restore_contents, elidable=False),
        migrations.RemoveField(model_name="importrun", name="content"),
    ]
