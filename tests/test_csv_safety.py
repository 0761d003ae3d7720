"""Every CSV we serve is safe in a spreadsheet, headers included, and every guarded cell reads back as it was.

Every formula trigger (ASCII and full-width signs, controls, signs after spaces or apostrophes) in every
text column and header of /requests.csv (COPY on PostgreSQL, a cursor on SQLite), /deployments.csv,
/citations.csv, /matrix.csv and an import's rejects file; the Python and SQL rules agree on any text.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import TextField, Value
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import job_of
from tracker.columns import CITATION_COLUMNS, FORMULA_SIGNS, REQUEST_COLUMNS, SKIPPED, guard, unescape
from tracker.explore.reports.cells import Neutralise, neutralise
from tracker.intake.engine import run_import
from tracker.intake.reading import guarded, records
from tracker.models import (
    ArmsRequest,
    Citation,
    Country,
    Deployment,
    EquipmentType,
    Person,
    RequestItem,
    Source,
    System,
)

pytestmark = pytest.mark.django_db

TRIGGERS = ["=", "+", "-", "@", "＝", "＋", "－", "＠", "﹦", "\t", "\r", "\n", " =", "\u3000@", "\xa0+", "'=", "' -"]


def dangerous(cell):
    """What a spreadsheet could run: a sign first, or after spaces (an apostrophe first makes text of it)."""
    first = cell.lstrip(SKIPPED.replace("'", ""))[:1]
    return first != "" and first in FORMULA_SIGNS


@pytest.fixture
def hostile(countries, source):
    """One published, cited request and deployment per trigger, every text field starting with it."""
    for i, t in enumerate(TRIGGERS):
        requester = Country.objects.create(name=f"{t}requester")
        supplier = Country.objects.create(name=f"{t}asked_country")
        kind = EquipmentType.objects.create(name=f"{t}equipment_type", slug=f"hostile-{i}")
        system = System.objects.create(designation=f"{t}system", slug=f"hostile-{i}", equipment_type=kind)
        cited = Source.objects.create(outlet=f"{t}sources", title="title", author=f"{t}source_author")
        request = ArmsRequest.objects.create(
            requester=requester,
            supplier=supplier,
            requested_by=Person.objects.create(name=f"{t}requested_by"),
            addressed_to=Person.objects.create(name=f"{t}addressed_to"),
            summary=f"{t}summary",
            published=True,
        )
        RequestItem.objects.create(request=request, equipment_type=kind, system=system, description=f"{t}description")
        Citation.objects.create(
            source=cited, request=request, credibility=2, quote=f"{t}quote", location=f"{t}location"
        )
        deployment = Deployment.objects.create(
            country=Country.objects.create(name=f"{t}deploying_country"),
            host_country=Country.objects.create(name=f"{t}host_country"),
            equipment_type=kind,
            system=system,
            **{name: f"{t}{name}" for name in ("unit", "description", "location", "region", "purpose")},
            published=True,
        )
        Citation.objects.create(source=cited, deployment=deployment, credibility=2)


def download(client, path):
    raw = b"".join(client.get(path).streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(raw, newline="")))


def column_value(column, value, trigger):
    """What a column holds for the record made with trigger (its text fields are trigger + column name)."""
    if column == "sources":
        return f"{trigger}sources: title"
    if column.endswith("_iso2") or value[:1] == "":
        return None
    return f"{trigger}{column}"


def check(rows, text_columns, trigger_column):
    header, *body = rows
    assert not any(dangerous(cell) for cell in header)
    by_trigger = {}
    for row in body:
        assert not any(dangerous(cell) for cell in row), row
        cells = dict(zip(header, row, strict=True))
        by_trigger[unescape(cells[trigger_column])[: -len(trigger_column)]] = cells
    assert set(by_trigger) >= set(TRIGGERS)
    for trigger in TRIGGERS:
        for column in text_columns:
            expected = column_value(column, column, trigger)
            assert by_trigger[trigger][column] == guard(expected), (trigger, column)
    return header, body


REQUEST_TEXT = ["requester", "asked_country", "requested_by", "addressed_to", "equipment_type", "system"]
REQUEST_TEXT += ["description", "summary", "sources"]
DEPLOYMENT_TEXT = ["deploying_country", "host_country", "equipment_type", "system", "unit", "description"]
DEPLOYMENT_TEXT += ["location", "region", "purpose", "sources"]


def test_requests_csv(client, hostile):
    header, _ = check(download(client, "/requests.csv"), REQUEST_TEXT, "summary")
    assert header == REQUEST_COLUMNS


def test_deployments_csv(client, hostile):
    check(download(client, "/deployments.csv"), DEPLOYMENT_TEXT, "purpose")


CITATION_TEXT = ["requester", "asked_country", "quote", "location", "source_author"]


def test_citations_csv(client, hostile):
    header, body = check(download(client, "/citations.csv"), CITATION_TEXT, "quote")
    assert header == CITATION_COLUMNS
    outlets = {row[header.index("source_outlet")] for row in body}
    assert outlets == {guard(f"{t}sources") for t in TRIGGERS}


def test_matrix_csv_header_and_rows(client, hostile):
    header, *body = download(client, "/matrix.csv")
    assert not any(dangerous(cell) for row in [header, *body] for cell in row)
    for trigger in TRIGGERS:
        party = Country.objects.get(name=f"{trigger}asked_country")
        assert guard(f"{trigger}asked_country ({party.pk})") in header, trigger
        requester = Country.objects.get(name=f"{trigger}requester")
        assert guard(f"{trigger}requester ({requester.pk})") in [row[0] for row in body], trigger


def test_free_text_with_every_trigger_imports_back_unchanged(client, make_request):
    # Free text only: names resolve loosely (=Russia is Russia), and the importer strips every cell, so a
    # text starting with a space or a line break cannot come back as it was.
    kept = [t for t in TRIGGERS if not t[0].isspace()]
    for t in kept:
        request = make_request(published=True, summary=f"{t}summary", notes=f"{t}notes")
        request.items.update(description=f"{t}description")
    exported = b"".join(client.get("/requests.csv").streaming_content)
    assert exported.count(b"'") >= 2 * len(kept)
    outcome = run_import("requests", exported, "export.csv")
    assert outcome.problems == []
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, len(kept))


# --------------------------------------------------------------- rejects

OURS_HEADER = ",".join(REQUEST_COLUMNS) + "\n"


def bad_rows():
    """A row per trigger that cannot be imported (an unknown country), its text cells starting with the trigger."""
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\r\n")  # so that a cell holding a CR is quoted
    for i, t in enumerate(TRIGGERS):
        cells = dict.fromkeys(REQUEST_COLUMNS, "")
        cells.update(record_uid=f"00000000-0000-4000-8000-{i:012d}", requester=f"{t}Atlantis", asked_country="Russia")
        cells.update(summary=f"{t}summary", description=f"{t}description", sources=f"{t}Wire: x")
        writer.writerow(cells.values())
    return (OURS_HEADER + rows.getvalue()).encode()


def test_the_rejects_download_is_guarded_and_imports_as_the_original(editor_client, hostile):
    original = bad_rows()
    upload = SimpleUploadedFile("bad.csv", original, content_type="text/csv")
    run = job_of(editor_client.post(reverse("admin:tracker_importrun_upload"), {"file": upload, "kind": "requests"}))
    run = run.import_run
    served = b"".join(editor_client.get(reverse("admin:tracker_importrun_rejects", args=[run.pk])).streaming_content)
    rows = list(csv.reader(io.StringIO(served.decode(), newline="")))
    assert len(rows) == 1 + len(TRIGGERS)
    assert not any(dangerous(cell) for row in rows for cell in row)
    # The importer reads exactly the cells it read from the original file, so problems are the same.
    assert [r.cells for r in records(served.decode())] == [r.cells for r in records(original.decode())]
    again = run_import("requests", served, "bad.csv.rejects.csv", dry_run=True)
    # (Lines may differ: a line break that started a cell is gone, as the importer strips cells.)
    assert [(p.column, p.reason) for p in again.problems] == [
        (p["column"], p["reason"]) for p in run.report["problems"]
    ]


def test_guarding_rejects_twice_changes_nothing_more():
    once = guarded(bad_rows().decode())
    assert guarded(once) == once
    untouched = OURS_HEADER + "1,2,3\r\n"
    assert guarded(untouched) == untouched  # rows with nothing to guard stay byte for byte


def test_the_rejects_file_of_the_command_is_guarded(tmp_path, hostile):
    from django.core.management import call_command

    path = tmp_path / "bad.csv"
    path.write_bytes(bad_rows())
    call_command("import_requests", str(path), "--skip-invalid", stdout=io.StringIO())
    rows = list(csv.reader(io.StringIO((tmp_path / "bad.csv.rejects.csv").read_text(), newline="")))
    assert len(rows) == 1 + len(TRIGGERS) and not any(dangerous(c) for row in rows for c in row)


# ---------------------------------------------------- one rule, two paths

ALPHABET = st.sampled_from([*FORMULA_SIGNS, *SKIPPED, "a", "1", "'", "é", "€", "\u200d", "="])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(ALPHABET, max_size=6) | st.text(max_size=8).filter(lambda t: "\x00" not in t))
def test_python_and_sql_neutralise_agree_and_round_trip(text):
    in_sql = Country.objects.annotate(x=Neutralise(Value(text, output_field=TextField()))).values_list("x", flat=True)
    assert in_sql[:1].get() == neutralise(text)
    assert unescape(neutralise(text)) == text
    assert not dangerous(neutralise(text))
