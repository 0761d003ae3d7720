"""The curators' side: the Django admin, one module per family of records, the import pages, history.

May import: tracker.models, tracker.dates, tracker.jobs (the import jobs, the job pages) and tracker.intake
(the upload page runs the import engine: curators import in the admin). Never explore or samples.
Importing this package registers the admin.
"""

from . import deployments, import_jobs, imports, jobs, reference, requests, sources  # noqa: F401  (admins, job kinds)
