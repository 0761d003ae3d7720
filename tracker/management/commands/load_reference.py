from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from tracker import reference


class Command(BaseCommand):
    help = (
        "Load (or top up) the ISO countries, the other parties SIPRI names (former states, non-state parties,"
        " organisations, unknown parties), equipment types and roles. Safe to run again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        done = reference.load_all(apps)
        self.stdout.write(
            "Reference data: "
            + ", ".join(f"{name} {count} created" for name, count in done.items() if name != "corrected")
            + f"; {done['corrected']} countries corrected. Roles: {reference.ROLE_EDITORS}, {reference.ROLE_VIEWERS}."
        )
