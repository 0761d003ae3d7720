"""Seven non-state parties of SIPRI's classic registers (October 2024 and 2025) that the reference data
lacked: EPLF, FAN, FRELIMO, MPLA, PAIGC, RPF and SPLA, loaded from tracker/data/parties.csv. Reversing
keeps them: imported records may name them."""

from django.db import migrations

from tracker import reference


def load(apps, schema_editor):
    reference.load_parties(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0024_item_tallies"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
