from django.core.management.base import BaseCommand
from django.db import connection, transaction

from tracker.models import ArmsRequest, Deployment, RequestItem
from tracker.models.search import rebuild_all, rebuild_deployments, rebuild_sqlite_index


class Command(BaseCommand):
    help = "Recompute every request's search document and rebuild the full-text index, e.g. after raw SQL loads."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = rebuild_all(ArmsRequest, RequestItem) + rebuild_deployments(Deployment)
            if connection.vendor == "sqlite":
                rebuild_sqlite_index()
        self.stdout.write(f"Search documents rebuilt: {changed} changed.")
