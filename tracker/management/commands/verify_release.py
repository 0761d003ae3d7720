from django.core.management.base import BaseCommand, CommandError

from tracker.models import Release
from tracker.releases.verify import problems


class Command(BaseCommand):
    help = "Hash every file of a release (default: every published release) again and compare with its manifest."

    def add_arguments(self, parser):
        parser.add_argument("tag", nargs="?", help="e.g. 2026-12-06; default: every published release")

    def handle(self, *args, tag, **options):
        releases = Release.objects.published().latest_first()
        if tag:
            releases = releases.filter(tag=tag)
            if not releases:
                raise CommandError(f"No published release {tag!r}.")
        wrong = 0
        for release in releases:
            found = problems(release)
            wrong += len(found)
            for name, problem in found:
                self.stderr.write(f"{release.tag}/{name}: {problem}")
            if not found:
                self.stdout.write(f"{release.tag}: {len(release.manifest)} files match their SHA-256")
        if wrong:
            raise CommandError(f"{wrong} file(s) do not match the manifest.", returncode=1)
