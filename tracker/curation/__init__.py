"""The curators' side: the Django admin, one module per family of records, the import pages, history.

May import: tracker.models, tracker.dates, tracker.jobs (the import jobs, the job pages), tracker.intake
(the upload page runs the import engine: curators import in the admin) and tracker.evidence (captures
asked for and read on a source's page), tracker.reader (New from article: the reading job, its proposals),
tracker.releases (the button that queues a release).
Never explore or samples.
Importing this package registers the admin.
"""

from . import captures, deployments, import_jobs, imports, jobs, reading, reference, releases, requests, sources  # noqa: F401  (admins, job kinds)
