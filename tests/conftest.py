import datetime
import os

import pytest
from django.contrib.auth.models import Group, User
from reversion.models import Version

from tracker.dates import DatePrecision
from tracker.models import (
    ArmsRequest,
    Citation,
    Country,
    Deployment,
    EquipmentType,
    RequestItem,
    Source,
)
from tracker.samples.demo import load_demo


def pytest_collection_modifyitems(config, items):
    """Replica tests (tests/test_replica.py) run their own PostgreSQL clusters: selected when the suite runs
    on PostgreSQL or when asked for with -m replica; on SQLite they are deselected, never skipped."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres") or "replica" in (config.option.markexpr or ""):
        return
    chosen = [item for item in items if "replica" not in item.keywords]
    if len(chosen) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if "replica" in item.keywords])
        items[:] = chosen


@pytest.fixture
def countries(db):
    return {c.iso2: c for c in Country.objects.filter(iso2__in=["VE", "RU", "CN", "IR", "US", "CU", "BY"])}


@pytest.fixture
def types(db):
    return {t.slug: t for t in EquipmentType.objects.all()}


@pytest.fixture
def source(db):
    return Source.objects.create(outlet="Test Wire", title="A report", reliability="B")


@pytest.fixture
def make_request(countries, types, source):
    """A cited request with one item; keyword arguments override the request's fields."""

    def make(requester="VE", supplier="RU", published=False, cite=True, **fields):
        request = ArmsRequest.objects.create(
            requester=countries[requester],
            supplier=countries[supplier],
            date=datetime.date(2025, 10, 1),
            date_precision=DatePrecision.MONTH,
            summary=fields.pop("summary", f"{requester} asks {supplier}"),
            published=published,
            **fields,
        )
        RequestItem.objects.create(request=request, equipment_type=types["uav"], description="drones")
        if cite:
            Citation.objects.create(source=source, request=request, quote="They asked.", credibility=2)
        return request

    return make


@pytest.fixture
def make_deployment(countries, types, source):
    def make(country="US", published=False, cite=True, **fields):
        deployment = Deployment.objects.create(
            country=countries[country],
            equipment_type=types["ship"],
            description=fields.pop("description", "warships"),
            region="Caribbean",
            published=published,
            **fields,
        )
        if cite:
            Citation.objects.create(source=source, deployment=deployment, quote="They sailed.", credibility=2)
        return deployment

    return make


@pytest.fixture
def demo(db):
    load_demo()


def user_in(group_name, username):
    user = User.objects.create_user(username=username, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return user_in("editors", "edna")


@pytest.fixture
def viewer(db):
    return user_in("viewers", "vic")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


def revisions(obj):
    """The revisions of obj, newest first."""
    return [v.revision for v in Version.objects.get_for_object(obj).select_related("revision__user")]


def opened_state(client, change_url):
    """What the change page at change_url says it was opened with: POST it back, as a browser would."""
    return client.get(change_url).context["adminform"].form["opened_state"].value()


@pytest.fixture(autouse=True)
def no_automatic_captures(settings, tmp_path):
    """Saving a source queues no capture (it would fetch the real web) and kept files go to a temporary folder.

    The evidence tests turn captures on, against their own server on 127.0.0.1."""
    settings.EVIDENCE_CAPTURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {**settings.STORAGES["evidence"], "OPTIONS": {"location": tmp_path / "evidence"}},
    }


@pytest.fixture(autouse=True)
def job_progress_file(settings, tmp_path):
    """On SQLite a running job's progress goes to a side file (tracker.jobs.progress): one per test."""
    settings.JOBS_PROGRESS_FILE = str(tmp_path / "jobs-progress.sqlite3")
    yield
    from tracker.jobs import progress

    progress.close()  # PostgreSQL: the second connection would keep the test database from being dropped


def finish_jobs():
    """Run every queued job here and now, as `run_jobs --once` would; returns them, done or not."""
    from tracker.jobs import runner
    from tracker.models import Job, JobState

    ran = []
    while job := Job.objects.filter(state=JobState.QUEUED).order_by("pk").first():
        runner.run(job.pk, "test-worker")
        job.refresh_from_db()
        ran.append(job)
    return ran


def job_of(response):
    """An upload or an apply answers with its job's page: run the queued jobs here; the job, finished."""
    from tracker.models import Job

    assert response.status_code == 302 and "/admin/tracker/job/" in response["Location"], (
        response.status_code,
        response.get("Location"),
    )
    finish_jobs()
    return Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-2]))


def preview_url(run):
    from django.urls import reverse

    return reverse("admin:tracker_importrun_preview", args=[run.pk])
