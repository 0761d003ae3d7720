"""Every country gets its kind; SIPRI's other parties (former and unrecognised states, non-state parties,
international organisations, the unknown parties) are loaded as reference data.

Adding the field makes every row a non-state party; ISO rows then become states, the former states of
migration 0004 former states, and a curator's party named like a reference party takes its kind.
Reversing keeps the rows: they may already be referenced by curated records.
"""

from django.db import migrations, models

from tracker import reference


def give_kinds(apps, schema_editor):
    Country = apps.get_model("tracker", "Country")
    Country.objects.filter(iso2__isnull=False).update(kind="state")
    reference.load_parties(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0010_source_url_http"),
    ]

    operations = [
        migrations.AddField(
            model_name="country",
            name="kind",
            field=models.CharField(
                choices=[
                    ("state", "ISO 3166-1 state"),
                    ("former_state", "Former state"),
                    ("unrecognised_state", "Unrecognised or partly recognised state"),
                    ("non_state", "Non-state party"),
                    ("organisation", "International organisation"),
                    ("unknown", "Unknown party"),
                ],
                default="non_state",
                help_text="Only an ISO 3166-1 state has ISO codes; a party a curator adds is usually a non-state party.",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="country",
            name="notes",
            field=models.TextField(
                blank=True, help_text="For parties without ISO code: what the state, group or body is."
            ),
        ),
        migrations.RunPython(give_kinds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="country",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        ["state", "former_state", "unrecognised_state", "non_state", "organisation", "unknown"],
                    )
                ),
                name="country_kind_valid",
                violation_error_message="kind must be one of: state, former_state, unrecognised_state, non_state, organisation, unknown.",
            ),
        ),
        migrations.AddConstraint(
            model_name="country",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("iso2__isnull", False), ("kind", "state")),
                    models.Q(models.Q(("kind", "state"), _negated=True), ("iso2__isnull", True)),
                    _connector="OR",
                ),
                name="country_kind_matches_iso_codes",
                violation_error_message="An ISO 3166-1 state has its ISO codes; a party of any other kind has none.",
            ),
        ),
    ]
