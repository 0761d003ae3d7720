"""Background jobs: long work (imports, and the captures and readings to come) outside the web request.

django-tasks (the backport of Django 6's tasks API) with its database backend is the queue;
a Job row (tracker.models.jobs) is what a person sees and what makes a job run once:

- kinds.py    the registry: a kind's name, its function, whether it runs in one transaction;
- runner.py   claim, heartbeat, run, finish, retry; find jobs whose worker died; the django-tasks task;
- progress.py where a running job's progress and heartbeat are written, beside its own work;
- terminal.py progress on a terminal, for commands that do a job's work in the foreground.

The job pages (live progress bar, retry, cancel) are the admin's: tracker/curation/jobs.py.

May import: tracker.models. The kinds' functions live in the rooms that own the work.
"""
