from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from tracker.intake.engine import run_import
from tracker.intake.reading import FORMATS, KIND_FORMATS, ImportFailed
from tracker.intake.rejects import guarded_bytes
from tracker.jobs.terminal import TerminalProgress
from tracker.models import ImportKind


class Command(BaseCommand):
    help = "Import arms requests from our requests CSV or a SIPRI trade register (classic or current layout)."
    kind = ImportKind.REQUESTS

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=KIND_FORMATS[self.kind], help="skip detection from the header")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the good rows; write the bad ones to a rejects file"
        )
        parser.add_argument("--rejects", type=Path, help="where bad rows go (default: FILE.rejects.csv)")
        parser.add_argument("--publish", action="store_true", help="publish imported records (default: drafts)")
        parser.add_argument("--user", help="username recorded in the history")

    def handle(self, *args, file, dry_run, skip_invalid, rejects, publish, user, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user named {user!r}.")
        # Progress on stderr (a bar on a terminal, a line a tenth elsewhere); the report stays on stdout.
        progress = TerminalProgress(OutputWrapper(self.stderr._out)) if options["verbosity"] else None  # unstyled
        try:
            with file.open("rb") as data:  # read in chunks, never whole
                outcome = run_import(
                    self.kind,
                    data,
                    file.name,
                    file_format=options["format"],
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    publish=publish,
                    user=account,
                    progress=progress,
                )
        except ImportFailed as error:  # one line, exit status 2, no traceback
            message = " ".join(str(error).split())
            raise CommandError(f"{file}: {message}", returncode=2) from None
        finally:
            if progress:
                progress.close()
        self.stdout.write(f"Import #{outcome.run.pk} ({FORMATS[outcome.file_format]}), read as {outcome.read_as}")
        for note in outcome.notes:
            self.stdout.write(f"  note: {note}")
        for problem in outcome.problems:
            self.stdout.write(f"  bad row: {problem}")
        for more in outcome.counted_problems():
            where = f", column {more['column']}" if more["column"] else ""
            self.stdout.write(f"  {more['count']:,} more bad row problem(s){where}: {more['reason']}")
        self.stdout.write(outcome.summary(dry_run or not outcome.applied))
        if outcome.rejects and skip_invalid and not dry_run:
            path = rejects or file.with_name(file.name + ".rejects.csv")
            with path.open("wb") as out:
                for chunk in guarded_bytes(outcome.rejects.file, outcome.encoding):
                    out.write(chunk)
            self.stdout.write(
                f"Bad rows written to {path}, as they were but for an apostrophe before any cell a spreadsheet "
                "would run as a formula (importing takes it off): fix them and import that file."
            )
        if outcome.problems and not skip_invalid and not dry_run:
            raise CommandError("Nothing was imported: fix the bad rows, or use --skip-invalid to import the rest.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
