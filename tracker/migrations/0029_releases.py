"""Releases: dated, immutable freezes of every published record (issue 25). Operations filled in by its author."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tracker", "0028_claims")]

    operations = []
