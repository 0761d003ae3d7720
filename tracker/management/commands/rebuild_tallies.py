from django.core.management.base import BaseCommand
from django.db import transaction

from tracker.models import DeploymentTally, PeriodTally, RequestTally, SystemTally, rebuild_tallies


class Command(BaseCommand):
    help = (
        "Count the summary tables again from the records (triggers keep them right; this is for a database whose "
        "triggers were dropped, e.g. by a SQLite table rebuild)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            rebuild_tallies()
        rows = sum(model.objects.count() for model in (RequestTally, PeriodTally, SystemTally, DeploymentTally))
        self.stdout.write(f"Summary tables counted again: {rows:,} rows.")
