from django.core.management.base import BaseCommand

from tracker.samples.demo import load_demo


class Command(BaseCommand):
    help = "Record every claim of the seed article (requests, deployments, sources). Safe to run again."

    def handle(self, *args, **options):
        created = load_demo()
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(f"Demo data from the seed article: created {summary}.")
