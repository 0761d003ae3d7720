"""Importing requests and deployments from CSV: our own exports and SIPRI trade registers.

One engine behind `manage.py import_requests`/`import_deployments` and the admin
import page. Reading a file gives planned records and problems (line, column,
reason); nothing is written until the plan is applied, in one transaction, and
by default only when no row has a problem.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

from django.db import IntegrityError, reset_queries, transaction

from tracker.models import (
    ImportRun,
    ImportState,
)

from .decoding import TextFile
from .plan import Importer
from .reading import FORMATS, ImportFailed
from .rejects import Rejects
from .writing import BATCH, Writer

MAX_PROBLEMS_STORED = 2000
PROBLEMS_IN_FULL = 500  # past these, problems are counted by column and reason (values left out)
REASON_KINDS = 100  # distinct reasons counted; the rest are "other reasons"
VALUE = re.compile(r"'[^']*'|\"[^\"]*\"|\d[\d,.]*")  # the quoted values and numbers of a reason


@dataclass
class Outcome:
    file_format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list = field(default_factory=list)  # of the first bad rows, in full
    more_problems: Counter = field(default_factory=Counter)  # (column, reason without its values) -> count
    invalid: int = 0  # bad rows
    notes: list = field(default_factory=list)
    possible_duplicates: list = field(default_factory=list)  # groups of system spellings for a curator to check
    rejects: Rejects | None = None  # the bad rows, in a temporary file
    encoding: str = "utf-8"  # of the file read: the rejects file is written back in it, byte for byte
    read_as: str = "UTF-8"  # the encoding, and why, for the preview
    applied: bool = False
    run: ImportRun | None = None

    @property
    def invalid_rows(self):
        return self.invalid

    def add_problems(self, problems):
        self.invalid += len({p.line for p in problems})
        if len(self.problems) < PROBLEMS_IN_FULL:
            self.problems += problems
            return
        for p in problems:
            kind = (p.column, VALUE.sub("…", p.reason)[:200])
            if kind not in self.more_problems and len(self.more_problems) >= REASON_KINDS:
                kind = ("", "other reasons")
            self.more_problems[kind] += 1

    def counted_problems(self):
        return [{"column": c, "reason": r, "count": n} for (c, r), n in self.more_problems.most_common()]

    def summary(self, dry_run):
        verb = ("would create", "would update", "would leave") if dry_run else ("created", "updated", "left")
        return (
            f"{FORMATS[self.file_format]}: {self.rows} row(s); {verb[0]} {self.created}, {verb[1]} {self.updated}, "
            f"{verb[2]} {self.unchanged} unchanged; {self.invalid_rows} bad row(s)."
        )


def run_import(
    kind,
    data,
    file_name,
    *,
    file_format=None,
    dry_run=False,
    skip_invalid=False,
    publish=False,
    user=None,
    progress=None,
):
    """Check the whole file, then (unless a dry run, or a bad row without skip_invalid) write it; record the run.

    Records flow through in batches, so memory stays flat however long the file:
    a first pass checks every row and counts what would change, a second pass
    (real imports only) writes, both inside one transaction. `progress`, if given, is
    called as tracker.jobs' Progress is: rows read, then records written.
    """
    progress = progress or (lambda **state: None)
    if dry_run:
        ImportRun.objects.drop_expired_uploads()  # each upload clears out the old ones
    text = TextFile.of(data)  # read line by line on each pass, never held whole
    importer = Importer(kind, text, file_name, file_format=file_format, publish=publish, user=user)
    outcome = Outcome(file_format=importer.file_format, encoding=text.encoding, read_as=text.read_as)
    with transaction.atomic():
        run = ImportRun.objects.create(
            user=user,
            file_name=file_name[:255],
            kind=kind,
            file_format=outcome.file_format,
            state=ImportState.PREVIEWED,
            publish=publish,
            skip_invalid=skip_invalid,
        )
        writer = Writer(kind, importer, run, publish, user)
        outcome.rejects = Rejects(importer)
        progress(done=0, total=line_count(text), stage="Checking", unit="rows", force=True)
        for batch in batches(importer.plan()):
            good = []
            for planned in batch:
                outcome.rows += len(planned.lines)
                outcome.rejects.add(planned)
                if planned.problems:
                    outcome.add_problems(planned.problems)
                else:
                    good.append(planned)
            writer.process(good, write=False)
            progress(done=outcome.rows)
        progress(done=outcome.rows, total=outcome.rows, force=True)  # the file's lines were an estimate
        if not outcome.rows:  # raised inside the transaction: no run is recorded
            raise ImportFailed("The file has a header but no data rows: nothing to import.")
        outcome.possible_duplicates = writer.possible_duplicates()
        if outcome.possible_duplicates:
            shown = "; ".join(" ~ ".join(repr(s) for s in group) for group in outcome.possible_duplicates[:20])
            more = len(outcome.possible_duplicates) - 20
            more = f" … and {more} more" if more > 0 else ""
            importer.notes.append(
                f"{len(outcome.possible_duplicates)} possible duplicate system(s), spelled alike but for case, spaces "
                f"or hyphens, kept apart (or, differing only in case, taken as one): {shown}{more}."
                " Check them in the admin: Systems, filter “possible duplicates”."
            )
        outcome.rejects.finish(importer.notes)
        outcome.notes = importer.notes.kept()
        outcome.problems.sort(key=lambda pr: (pr.line, pr.column))
        writes = not dry_run and (not outcome.invalid or skip_invalid)
        if writes:
            records, written = writer.created + writer.updated + writer.unchanged, 0
            writer.reset()
            progress(done=0, total=records, stage="Writing", unit="records", force=True)
            try:
                for batch in batches(importer.plan()):
                    good = [p for p in batch if not p.problems]
                    writer.process(good, write=True)
                    written += len(good)
                    progress(done=written)
            except IntegrityError as error:  # a check the parser missed: nothing is kept
                raise ImportFailed(f"The database refused the import, nothing was written: {error}") from None
            outcome.applied = True
        outcome.created, outcome.updated, outcome.unchanged = writer.created, writer.updated, writer.unchanged
        run.state = ImportState.APPLIED if writes else ImportState.PREVIEWED if dry_run else ImportState.REFUSED
        run.rows, run.invalid = outcome.rows, outcome.invalid_rows
        run.created, run.updated, run.unchanged = outcome.created, outcome.updated, outcome.unchanged
        run.report = {
            "summary": outcome.summary(not writes),
            "problems": [pr.__dict__ for pr in outcome.problems[:MAX_PROBLEMS_STORED]],
            "more_problems": outcome.counted_problems(),
            "notes": outcome.notes[:MAX_PROBLEMS_STORED],
            "possible_duplicates": outcome.possible_duplicates[:MAX_PROBLEMS_STORED],
            "encoding": text.encoding,
            "read_as": text.read_as,
        }
        if dry_run:  # kept to be applied as previewed, with its bad rows to download; a real run keeps nothing
            run.keep_upload(text.bytes_chunks())
            if outcome.rejects:
                run.keep_rejects(outcome.rejects.chunks())
        run.save()
    outcome.run = run
    return outcome


def line_count(text):
    """The file's lines, counted in its bytes (fast): the total that rows read are measured against."""
    text.file.seek(0)
    return sum(chunk.count(b"\n") for chunk in iter(lambda: text.file.read(2**20), b"")) or 1


def batches(items, size=BATCH):
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch
        # Under DEBUG Django keeps the last 9,000 queries: with bulk INSERTs, 80 MB by the end of a register.
        reset_queries()


def apply_preview(run, user=None, progress=None):
    """Apply a dry run's kept file with the options it was previewed with.

    Once applied, the dry run's file is dropped (the applied run is linked from its report);
    a refused one keeps it, to be applied again once the database allows.
    """
    data = ImportRun.objects.upload_of(run.pk)  # a temporary file
    if data is None:
        raise ImportFailed(f"The file of import #{run.pk} is no longer kept; upload it again.")
    outcome = run_import(
        run.kind,
        data,
        run.file_name,
        file_format=run.file_format,
        skip_invalid=run.skip_invalid,
        publish=run.publish,
        user=user,
        progress=progress,
    )
    if outcome.applied:
        report = ImportRun.objects.filter(pk=run.pk).values_list("report", flat=True).get()
        ImportRun.objects.filter(pk=run.pk).update(upload=None, report={**report, "applied_as": outcome.run.pk})
    return outcome
