"""manage.py verify_captures: read every kept file back and compare its SHA-256 with the one recorded.

Exits non-zero, naming each capture and file, when any file is missing or its bytes changed.
"""

from django.core.management.base import BaseCommand, CommandError

from tracker.evidence.storage import problem_with
from tracker.models import Capture


class Command(BaseCommand):
    help = "Re-hash every stored capture file; exit 1 naming each one that is missing or changed."

    def handle(self, *args, verbosity, **options):
        kept = Capture.objects.captured().order_by("pk").values_list("pk", "warc", "warc_sha256")
        checked, bad = 0, []
        for pk, name, sha256 in kept.iterator(chunk_size=1000):
            checked += 1
            if problem := problem_with(name, sha256):
                bad.append(f"capture {pk}: {name}: {problem}")
                self.stderr.write(bad[-1])
            elif verbosity > 1:
                self.stdout.write(f"capture {pk}: {name}: intact")
        if bad:
            raise CommandError(f"{len(bad)} of {checked} stored capture file(s) are missing or changed.")
        self.stdout.write(f"All {checked} stored capture file(s) are intact.")
