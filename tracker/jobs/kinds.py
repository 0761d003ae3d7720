"""The registry of job kinds: a name stored on the job, the function that does the work, and how it runs.

A kind's function takes the job and a Progress and returns a one-line summary, or a dict of the
job's fields to set when it is done (summary, import_run: what it made). `atomic`
kinds run in one transaction that also records the job as done: if the worker dies or loses
its lease, nothing of the work is kept. Network-bound kinds (captures, to come) are not
atomic and retry with backoff.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    function: object
    atomic: bool = True
    max_attempts: int = 1
    retry_on: tuple = ()  # exception classes worth another attempt (network errors), with backoff
    explained: tuple = ()  # exception classes whose message says it all (a bad file): kept without a traceback
    every: object = None  # periodic kinds: a function giving the interval (a timedelta, or None: not now)


KINDS = {}  # filled when tracker.apps imports the modules that register kinds


def job_kind(name, label, *, atomic=True, max_attempts=1, retry_on=(), explained=(), every=None):
    def register(function):
        KINDS[name] = Kind(name, label, function, atomic, max_attempts, tuple(retry_on), tuple(explained), every)
        return function

    return register


def kind_of(name):
    return KINDS.get(name)


def periodic():
    """(kind, interval) of each periodic kind whose interval is set now."""
    return [(kind, interval) for kind in KINDS.values() if kind.every and (interval := kind.every())]


def label_of(name):
    kind = kind_of(name)
    return kind.label if kind else name
