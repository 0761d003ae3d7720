from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from tracker import reference


class Command(BaseCommand):
    help = "Load (or top up) the ISO countries, equipment types and roles. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        created, updated = reference.load_countries(apps)
        former = reference.load_historical_states(apps)
        types = reference.load_equipment_types(apps)
        reference.sync_roles(apps)
        self.stdout.write(
            f"Countries: {created} created, {updated} updated; former states: {former} created. "
            f"Equipment types: {types} created. "
            f"Roles: {reference.ROLE_EDITORS}, {reference.ROLE_VIEWERS}."
        )
