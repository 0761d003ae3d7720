"""Forget the files kept by old dry runs (imports that were previewed and never applied)."""

from django.core.management.base import BaseCommand, CommandError

from tracker.models import ImportRun
from tracker.models.imports import UPLOAD_KEPT_DAYS


class Command(BaseCommand):
    help = f"Drop the files of dry runs older than N days (default {UPLOAD_KEPT_DAYS}); the runs and reports stay."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=UPLOAD_KEPT_DAYS)

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.")
        dropped = ImportRun.objects.drop_expired_uploads(days=days)
        self.stdout.write(f"Dropped the files of {dropped} dry run(s) older than {days} day(s).")
