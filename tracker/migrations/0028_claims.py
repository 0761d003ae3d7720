"""Claims: what a cited source says where it differs from its record (issue 25). Operations filled in by its author."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tracker", "0027_readings")]

    operations = []
