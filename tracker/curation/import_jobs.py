"""Imports as background jobs: checking an uploaded file (a dry run) and applying a checked one.

Both run in one transaction with the job's "done" (tracker.jobs.runner): a check that dies leaves
no import run behind, an apply that dies writes no record. The progress is the engine's: rows
read while checking, then records written.
"""

from tracker.intake.engine import apply_preview, run_import
from tracker.intake.reading import ImportFailed
from tracker.jobs.kinds import job_kind
from tracker.jobs.runner import start
from tracker.models import ImportKind, ImportRun, Job, StagedFile

IMPORTED = {ImportKind.REQUESTS: "armsrequest", ImportKind.DEPLOYMENTS: "deployment"}


def may_import(user, kind=None):
    """Who may import (that kind, or any): add and change on the records it writes."""
    models = [IMPORTED[kind]] if kind else IMPORTED.values()
    return any(user.has_perm(f"tracker.add_{m}") and user.has_perm(f"tracker.change_{m}") for m in models)


def start_check(upload, *, kind, file_format, publish, skip_invalid, user):
    """Stage the uploaded file and queue its check; returns the job."""
    staged = StagedFile.keep(upload, user=user)
    arguments = {
        "staged": staged.pk,
        "kind": kind,
        "file_format": file_format,
        "publish": publish,
        "skip_invalid": skip_invalid,
    }
    return start("import-check", f"Check {staged.name} ({kind})", user=user, arguments=arguments)


def start_apply(run, user):
    """Queue the apply of a checked run, unless one is already queued or running: returns (job, new)."""
    waiting = Job.objects.unfinished().filter(kind="import-apply", import_run=run).first()
    if waiting:
        return waiting, False
    title = f"Apply import #{run.pk}: {run.file_name}"
    return start("import-apply", title, user=user, import_run=run, arguments={"run": run.pk}), True


@job_kind("import-check", "Import: check a file", explained=(ImportFailed,))
def check(job, progress):
    args = job.arguments
    staged = StagedFile.objects.filter(pk=args["staged"]).defer("data").first()
    if staged is None:
        raise ImportFailed("The uploaded file is no longer kept (files wait a week for their check); upload it again.")
    with staged.open() as data:
        outcome = run_import(
            args["kind"],
            data,
            staged.name,
            file_format=args["file_format"] or None,
            dry_run=True,
            skip_invalid=args["skip_invalid"],
            publish=args["publish"],
            user=job.user,
            progress=progress,
        )
    staged.delete()
    return {"summary": outcome.run.report["summary"], "import_run": outcome.run}


@job_kind("import-apply", "Import: apply a checked file", explained=(ImportFailed,))
def apply(job, progress):
    run = ImportRun.objects.with_upload_flag().get(pk=job.arguments["run"])
    if run.report.get("applied_as"):
        raise ImportFailed(f"Import #{run.pk} was already applied, as import #{run.report['applied_as']}.")
    outcome = apply_preview(run, user=job.user, progress=progress)
    return {"summary": outcome.run.report["summary"], "import_run": outcome.run}
