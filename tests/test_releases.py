"""Releases (issue 25): the demo data frozen into files that verify against their checksums, a datapackage.json
Frictionless finds valid with every file matching its schema, CHANGES exact after known edits, drafts and
curator-only notes in no file, a tampered file named by verify_release, and only editors make one."""

import csv
import hashlib
import io
import json

import bibtexparser
import pytest
from django.core.management import CommandError, call_command
from drf_spectacular.generators import SchemaGenerator
from frictionless import validate

from tracker.models import ArmsRequest, Job, Release
from tracker.releases import files
from tracker.releases.storage import local_root

from .conftest import finish_jobs
from .test_api import conforms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def release_folder(settings, tmp_path):
    settings.RELEASES_BASE_URL = "https://tracker.example.org"
    settings.STORAGES = {
        **settings.STORAGES,
        "releases": {**settings.STORAGES["releases"], "OPTIONS": {"location": tmp_path / "releases"}},
    }
    return tmp_path / "releases"


def make_release():
    call_command("make_release", stdout=io.StringIO())
    return Release.objects.published().latest_first().first()


def changes(release):
    with (local_root() / release.tag / "CHANGES.csv").open(encoding="utf-8-sig") as file:
        return [(row["change"], row["record"], int(row["id"])) for row in csv.DictReader(file)]


def test_a_release_of_the_demo_data(demo, release_folder):
    published = ArmsRequest.objects.published()
    secret = published.first()
    ArmsRequest.objects.filter(pk=secret.pk).update(internal_notes="CURATOR-ONLY-NOTE")
    draft = ArmsRequest.objects.filter(published=False).first() or published.last()
    ArmsRequest.objects.filter(pk=draft.pk).update(published=False, summary="DRAFT-ONLY-SUMMARY")

    first = make_release()
    assert first.tag and first.number == 1 and first.requests == published.count()
    folder = release_folder / first.tag
    names = {entry["name"] for entry in first.manifest}
    assert names == {
        "requests.csv",
        "deployments.csv",
        "citations.csv",
        "sources.csv",
        "requests.jsonl",
        "deployments.jsonl",
        "CHANGES.csv",
        "datapackage.json",
    }
    for entry in first.manifest:
        data = (folder / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"], entry["name"]
        assert b"CURATOR-ONLY-NOTE" not in data and b"DRAFT-ONLY-SUMMARY" not in data, entry["name"]
        if entry["name"].endswith(".csv"):
            with (folder / entry["name"]).open(encoding="utf-8-sig", newline="") as file:
                assert sum(1 for _ in csv.reader(file)) - 1 == entry["rows"], entry["name"]
    report = validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    ids = [int(line.split(",", 1)[0]) for line in (folder / "requests.csv").read_text("utf-8-sig").splitlines()[1:]]
    assert draft.pk not in ids and secret.pk in ids
    assert {c for c, _, _ in changes(first)} == {"added"} and len(changes(first)) == first.added

    # Known edits: one request published, one changed, one unpublished; the rest untouched.
    added = ArmsRequest.objects.get(pk=draft.pk)
    added.summary, added.published = "Published at last", True
    added.save()
    edited = published.exclude(pk__in=[secret.pk, draft.pk]).first()
    edited.summary = "Corrected summary"
    edited.save()
    withdrawn = published.exclude(pk__in=[draft.pk, edited.pk]).last()
    ArmsRequest.objects.filter(pk=withdrawn.pk).unpublish()
    second = make_release()
    assert second.number == 2 and second.tag != first.tag
    expected = [
        ("added", "request", added.pk),
        ("changed", "request", edited.pk),
        ("withdrawn", "request", withdrawn.pk),
    ]
    assert changes(second) == sorted(expected, key=lambda change: change[2])  # in id order
    assert (second.added, second.changed, second.withdrawn) == (1, 1, 1)
    assert list(Release.objects.holding("request", withdrawn.pk)) == [first]
    assert list(Release.objects.holding("request", added.pk)) == [second]
    assert list(Release.objects.holding("request", edited.pk)) == [second, first]
    assert validate(release_folder / second.tag / "datapackage.json").valid

    # Tampered: one byte of one file; the check names it and exits 1, and the files of the other release pass.
    tampered = release_folder / first.tag / "deployments.csv"
    tampered.chmod(0o644)
    tampered.write_bytes(tampered.read_bytes().replace(b",", b";", 1))
    errors = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify_release", first.tag, stdout=io.StringIO(), stderr=errors)
    assert failed.value.returncode == 1
    assert f"{first.tag}/deployments.csv" in errors.getvalue() and "requests.csv" not in errors.getvalue()
    call_command("verify_release", second.tag, stdout=io.StringIO())


def test_pages_api_and_who_may_make_one(make_request, make_deployment, viewer_client, editor, release_folder):
    request = make_request(published=True)
    draft = make_request(published=False, summary="a draft")
    deployment = make_deployment(published=True)
    assert viewer_client.post("/admin/tracker/release/make/").status_code == 403
    assert "Make a release" not in viewer_client.get("/admin/tracker/release/").content.decode()
    viewer_client.force_login(editor)
    response = viewer_client.post("/admin/tracker/release/make/")
    job = Job.objects.get(kind="release-make")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert viewer_client.post("/admin/tracker/release/make/").status_code == 302  # refused while one is queued
    assert Job.objects.filter(kind="release-make").count() == 1
    finish_jobs()
    release = Release.objects.get(job=job)
    assert release.status == "published" and release.created_by == editor and release.requests == 1
    viewer_client.logout()

    listing = viewer_client.get("/releases/").content.decode()
    assert release.tag in listing and release.file("requests.csv")["sha256"] in listing
    page = viewer_client.get(f"/releases/{release.tag}/")
    address = f"http://testserver/releases/{release.tag}/"
    assert address in page.context["citation_text"]
    entry = bibtexparser.loads(page.context["bibtex"]).entries[0]
    assert entry["ENTRYTYPE"] == "misc" and entry["url"] == address and entry["version"] == release.tag
    download = viewer_client.get(f"/releases/{release.tag}/requests.csv")
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == release.file("requests.csv")["sha256"]
    assert download["ETag"] == f'"{release.file("requests.csv")["sha256"]}"'
    assert viewer_client.get(f"/releases/{release.tag}/../settings.py").status_code == 404
    assert viewer_client.get(f"/releases/{release.tag}/nothing.csv").status_code == 404
    Release.objects.create(tag="2099-01-01", status="building")
    assert viewer_client.get("/releases/2099-01-01/").status_code == 404  # not published: nobody sees it
    assert viewer_client.get("/api/releases/2099-01-01/").status_code == 404

    assert release.tag in viewer_client.get(f"/requests/{request.pk}/").content.decode()
    assert release.tag in viewer_client.get(f"/deployments/{deployment.pk}/").content.decode()
    assert not Release.objects.holding("request", draft.pk).exists()
    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    listed = viewer_client.get("/api/releases/").json()
    conforms(document, "ReleaseList", listed)
    conforms(document, "Release", viewer_client.get(f"/api/releases/{release.tag}/").json())
    api = listed["results"]
    assert [r["tag"] for r in api] == [release.tag]
    files = {f["name"]: f for f in api[0]["files"]}
    assert files["requests.jsonl"]["sha256"] == release.file("requests.jsonl")["sha256"]
    assert files["requests.jsonl"]["url"] == f"http://testserver/releases/{release.tag}/requests.jsonl"
    assert viewer_client.get(f"/api/releases/{release.tag}/").json()["number"] == 1


def test_a_release_that_fails_midway_leaves_nothing_to_see(make_request, client, monkeypatch, release_folder):
    make_request(published=True)

    def broken(base_url):
        raise OSError("disk full")

    monkeypatch.setitem(files.DATA_FILES, "deployments.jsonl", broken)  # the last data file: the others are written
    with pytest.raises(CommandError, match="failed"):
        call_command("make_release", stdout=io.StringIO())
    failed = Release.objects.get()
    assert failed.status == "failed" and failed.number is None
    assert not (release_folder / failed.tag).exists() and list((release_folder / ".partial").iterdir()) == []
    assert failed.tag not in client.get("/releases/").content.decode()
    assert client.get(f"/releases/{failed.tag}/requests.csv").status_code == 404
    monkeypatch.undo()
    release = make_release()
    assert release.number == 1 and release.tag != failed.tag and release.added == 1
