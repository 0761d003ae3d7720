"""Sources keep only web addresses (http, https): a javascript: URL written by a path that skipped the form
became a link that ran script on a click.

First the data: a stored URL of any other scheme moves into the source's notes (nothing is lost) and the
field is emptied; then the model's validator and the named check that refuses such rows from now on.
"""

import django.core.validators
from django.db import migrations, models

NOTE = "Removed from the URL field by migration 0008 (only http:// and https:// addresses are kept there): {}"


def move_other_schemes_to_notes(apps, schema_editor):
    Source = apps.get_model("tracker", "Source")
    others = Source.objects.exclude(url="").exclude(url__istartswith="http://").exclude(url__istartswith="https://")
    for source in others.iterator():
        note = NOTE.format(source.url)
        source.notes = f"{source.notes}\n\n{note}" if source.notes else note
        source.url = ""
        source.save(update_fields=["url", "notes"])


URL_FIELD = models.URLField(
    blank=True,
    max_length=500,
    validators=[
        django.core.validators.URLValidator(
            message="Enter a web address starting with http:// or https:// (or leave it empty).",
            schemes=["http", "https"],
            code="not_web",
        )
    ],
    verbose_name="URL",
)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0009_importrun_upload"),
    ]

    operations = [
        migrations.RunPython(move_other_schemes_to_notes, migrations.RunPython.noop),
        migrations.AlterField(model_name="source", name="url", field=URL_FIELD),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("url", ""), ("url__istartswith", "http://"), ("url__istartswith", "https://"), _connector="OR"
                ),
                name="source_url_http",
                violation_error_message="A source's URL starts with http:// or https://, or is empty.",
            ),
        ),
    ]
