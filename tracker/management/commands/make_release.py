from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tracker.jobs import runner
from tracker.models import JobState, Release
from tracker.releases.build import Refused, start


class Command(BaseCommand):
    help = "Freeze every published record into a dated release (files, checksums, CHANGES), as a job run here."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="the site's address in record links (or RELEASES_BASE_URL)")
        parser.add_argument("--queue", action="store_true", help="only queue the job, for `run_jobs` to run")
        parser.add_argument("--user", help="username recorded as its maker")

    def handle(self, *args, base_url, queue, user, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user named {user!r}.")
        try:
            job = start(account, base_url)
        except Refused as error:
            raise CommandError(str(error)) from None
        if queue:
            self.stdout.write(f"Queued job #{job.pk}.")
            return
        runner.run(job.pk, "make_release")  # here and now; the queue's copy then finds it done and leaves it
        job.refresh_from_db()
        if job.state != JobState.DONE:
            raise CommandError(f"Job #{job.pk} {job.state}: {job.error.splitlines()[0] if job.error else ''}")
        release = Release.objects.get(job=job)
        self.stdout.write(job.summary)
        for entry in release.manifest:
            self.stdout.write(f"  {entry['name']:<18} {entry['bytes']:>12,} bytes  sha256 {entry['sha256']}")
