"""Importing requests and deployments from CSV: our own exports and SIPRI trade registers.

One engine behind `manage.py import_requests`/`import_deployments` and the admin
import page. Reading a file gives planned records and problems (line, column,
reason); nothing is written until the plan is applied, in one transaction, and
by default only when no row has a problem.
"""

from dataclasses import dataclass, field
from itertools import islice

from django.db import IntegrityError, reset_queries, transaction

from tracker.models import (
    ImportRun,
    ImportState,
)

from .formats.sipri_classic import group_of
from .plan import Importer
from .reading import FORMATS, ImportFailed, decode
from .writing import BATCH, Writer

MAX_PROBLEMS_STORED = 2000


@dataclass
class Outcome:
    file_format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    possible_duplicates: list = field(default_factory=list)  # groups of system spellings for a curator to check
    rejects: str = ""
    encoding: str = "utf-8"  # of the file read: the rejects file is written back in it, byte for byte
    applied: bool = False
    run: ImportRun | None = None

    @property
    def invalid_rows(self):
        return len({p.line for p in self.problems})

    def summary(self, dry_run):
        verb = ("would create", "would update", "would leave") if dry_run else ("created", "updated", "left")
        return (
            f"{FORMATS[self.file_format]}: {self.rows} row(s); {verb[0]} {self.created}, {verb[1]} {self.updated}, "
            f"{verb[2]} {self.unchanged} unchanged; {self.invalid_rows} bad row(s)."
        )


def run_import(kind, data, file_name, *, file_format=None, dry_run=False, skip_invalid=False, publish=False, user=None):
    """Check the whole file, then (unless a dry run, or a bad row without skip_invalid) write it; record the run.

    Records flow through in batches, so memory stays flat however long the file:
    a first pass checks every row and counts what would change, a second pass
    (real imports only) writes, both inside one transaction.
    """
    if dry_run:
        ImportRun.objects.drop_expired_uploads()  # each upload clears out the old ones
    text, encoding = decode(data)
    importer = Importer(kind, text, file_name, file_format=file_format, publish=publish, user=user)
    outcome = Outcome(file_format=importer.file_format, encoding=encoding)
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
        rejects = Rejects(importer)
        for batch in batches(importer.plan()):
            good = []
            for planned in batch:
                outcome.rows += len(planned.lines)
                rejects.add(planned)
                if planned.problems:
                    outcome.problems += planned.problems
                else:
                    good.append(planned)
            writer.process(good, write=False)
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
        outcome.notes = importer.notes
        outcome.problems.sort(key=lambda pr: (pr.line, pr.column))
        outcome.rejects = rejects.text(outcome.notes)
        writes = not dry_run and (not outcome.problems or skip_invalid)
        if writes:
            writer.reset()
            try:
                for batch in batches(importer.plan()):
                    writer.process([p for p in batch if not p.problems], write=True)
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
            "notes": outcome.notes[:MAX_PROBLEMS_STORED],
            "possible_duplicates": outcome.possible_duplicates[:MAX_PROBLEMS_STORED],
            "rejects": outcome.rejects if dry_run else "",
            "encoding": encoding,
        }
        if dry_run:  # kept to be applied as previewed; a real run keeps nothing
            run.keep_upload(data.encode() if isinstance(data, str) else data)
        run.save()
    outcome.run = run
    return outcome


class Rejects:
    """The bad rows, after the file's title lines and header, in file order.

    A rejected classic-layout deal that shares recipient, supplier, order year, designation and
    description with other deals of the file goes out with them: its key is its ordinal among them
    (tracker/intake/matching.py), so without them importing the fixed row could take another's place.
    Importing those companions again leaves them unchanged.
    """

    def __init__(self, importer):
        self.importer = importer
        self.bad, self.groups = [], set()

    def add(self, planned):
        if planned.problems:
            self.bad += zip(planned.lines, planned.raws, strict=True)
            if planned.group:
                self.groups.add(planned.group[0])

    def text(self, notes):
        if not self.bad:
            return ""
        shared = self.importer.matcher.file_groups if self.groups else {}
        groups = {g for g in self.groups if shared.get(int(g, 16), 1) > 1}
        extra = []
        if groups:  # rare: read the file again for the deals that tell the rejected ones apart
            bad_lines = {line for line, _ in self.bad}
            for record in self.importer.data_rows():
                width_ok = len(record.cells) == len(self.importer.header.cells)
                if record.line not in bad_lines and width_ok and group_of(record) in groups:
                    extra.append((record.line, record.raw))
            notes.append(
                f"the bad rows go out with {len(extra)} imported row(s) of deals sharing their recipient, supplier, "
                "order year, designation and description, which tell them apart; importing those leaves them unchanged"
            )
        head = "".join(r.raw for r in [*self.importer.preamble, self.importer.header])
        return head + "".join(raw for _, raw in sorted(self.bad + extra))


def batches(items, size=BATCH):
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch
        # Under DEBUG Django keeps the last 9,000 queries: with bulk INSERTs, 80 MB by the end of a register.
        reset_queries()


def apply_preview(run, user=None):
    """Apply a dry run's kept file with the options it was previewed with.

    Once applied, the dry run's file is dropped (the applied run is linked from its report);
    a refused one keeps it, to be applied again once the database allows.
    """
    data = ImportRun.objects.upload_of(run.pk)
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
    )
    if outcome.applied:
        report = ImportRun.objects.filter(pk=run.pk).values_list("report", flat=True).get()
        ImportRun.objects.filter(pk=run.pk).update(upload=None, report={**report, "applied_as": outcome.run.pk})
    return outcome
