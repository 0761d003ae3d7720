"""Imports: our CSVs and SIPRI registers, dry runs, all-or-nothing, rejects, idempotence, round trip."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models.functions import Now

from tests.conftest import revisions
from tracker.intake.engine import run_import
from tracker.intake.reading import ImportFailed
from tracker.models import ArmsRequest, Citation, Country, Deployment, ImportRun, RequestItem, Source, System

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def counts():
    return {m.__name__: m.objects.count() for m in (ArmsRequest, RequestItem, Deployment, Citation, Source, System)}


def data(name):
    return (DATA / name).read_bytes()


def without_bad_rows(name, bad_words):
    """The sample file minus its deliberately bad rows, in its own encoding."""
    raw = data(name)
    encoding = "utf-8" if name != "sipri_classic.csv" else "latin-1"
    lines = raw.decode(encoding).splitlines(keepends=True)
    return "".join(line for line in lines if not any(word in line for word in bad_words)).encode(encoding)


# ------------------------------------------------------------ SIPRI classic


def test_sipri_classic_dry_run_reports_and_writes_nothing():
    before = counts()
    outcome = run_import("requests", data("sipri_classic.csv"), "sipri_classic.csv", dry_run=True)
    assert counts() == before
    assert outcome.file_format == "sipri-classic"
    assert (outcome.created, outcome.updated, outcome.unchanged) == (10, 0, 0)
    assert [(p.line, p.column) for p in outcome.problems] == [(16, "Recipient"), (17, "Recipient")]
    assert "unknown country 'Atlantis'" in outcome.problems[0].reason
    assert any("footer skipped" in note for note in outcome.notes)
    run = ImportRun.objects.get()
    assert (run.state, run.created, run.invalid) == ("previewed", 10, 2)


def test_a_bad_row_means_nothing_is_imported():
    before = counts()
    outcome = run_import("requests", data("sipri_classic.csv"), "sipri_classic.csv")
    assert not outcome.applied and counts() == before
    assert ImportRun.objects.get().state == "refused"


def test_sipri_classic_import_keeps_estimates_flags_and_latin1_names():
    outcome = run_import("requests", data("sipri_classic.csv"), "f.csv", skip_invalid=True)
    assert outcome.applied and outcome.created == 10
    ivory = ArmsRequest.objects.get(requester__iso2="CI")  # 'Côte d'Ivoire' in Latin-1
    assert ivory.supplier.iso2 == "BY"
    assert "delivered despite UN arms embargo" in ivory.notes  # the comment spanning two lines
    t72 = ArmsRequest.objects.get(items__system__designation="T-72M1")
    assert (t72.date.year, t72.date_precision, t72.status, t72.published) == (2009, "year", "delivered", False)
    assert "order year is a SIPRI estimate" in t72.notes and "number ordered is a SIPRI estimate" in t72.notes
    assert "delivered in 2011; 2012" in t72.notes
    item = t72.items.get()
    assert (item.quantity_requested, item.quantity_delivered, item.equipment_type.slug) == (92, 92, "armoured-vehicle")
    s400 = ArmsRequest.objects.get(items__system__designation="S-400 Triumf")
    assert s400.status == "partly_delivered" and s400.items.get().equipment_type.slug == "air-defence"
    # Historical states and SIPRI's short names resolve.
    pairs = set(ArmsRequest.objects.values_list("requester__name", "supplier__name"))
    assert {("Cuba", "Soviet Union"), ("Syria", "Czechoslovakia"), ("East Germany", "Soviet Union")} <= pairs
    assert ("United Arab Emirates", "France") in pairs and ("Yugoslavia", "Soviet Union") in pairs
    # Every record cites the export.
    source = Source.objects.get(outlet="SIPRI Arms Transfers Database")
    assert source.citations.count() == 10 and source.kind == "dataset"


def test_rejects_file_holds_the_bad_rows_untouched_and_imports_once_fixed(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(data("sipri_classic.csv"))
    out = io.StringIO()
    call_command("import_requests", str(path), "--skip-invalid", stdout=out)
    rejects = tmp_path / "register.csv.rejects.csv"
    raw = rejects.read_bytes()
    original = data("sipri_classic.csv")
    bad_lines = [line for line in original.split(b"\n") if line.startswith((b"Atlantis", b"Hezbollah"))]
    assert all(line in raw for line in bad_lines)
    assert b"Recipient,Supplier,Year of order" in raw and raw.count(b"\n") == 7  # preamble, header, 2 rows
    # Add the missing party (made up: SIPRI's own are reference data), fix the made-up country, import the rejects.
    Country.objects.create(name="Hezbollah (Atlantis)", notes="Non-state party (Atlantis)")
    rejects.write_bytes(raw.replace(b"Atlantis,", b"Kazakhstan,"))
    call_command("import_requests", str(rejects), stdout=io.StringIO())
    assert ArmsRequest.objects.filter(requester__name="Hezbollah (Atlantis)").exists()
    assert ArmsRequest.objects.count() == 12


def test_importing_the_same_register_twice_creates_nothing_new():
    clean = without_bad_rows("sipri_classic.csv", ["Atlantis", "Hezbollah"])
    first = run_import("requests", clean, "r.csv", publish=True)
    before = counts()
    second = run_import("requests", clean, "r.csv", publish=True)
    assert (first.created, second.created, second.updated, second.unchanged) == (10, 0, 0, 10)
    assert counts() == before


def test_changed_numbers_update_the_record_and_its_history(admin_user):
    clean = without_bad_rows("sipri_classic.csv", ["Atlantis", "Hezbollah"])
    run_import("requests", clean, "r.csv")
    revised = clean.replace(
        b"India,Russia,2018,,5,,S-400 Triumf,SAM system,3,", b"India,Russia,2018,,5,,S-400 Triumf,SAM system,5,"
    )
    outcome = run_import("requests", revised, "r.csv", user=admin_user)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 9)
    s400 = ArmsRequest.objects.get(items__system__designation="S-400 Triumf")
    assert s400.status == "delivered" and s400.items.get().quantity_delivered == 5
    latest, first = revisions(s400)
    assert latest.user == admin_user and latest.comment.startswith("Import #") and first.user is None
    # The revision holds the item as imported: reverting to it restores 3 delivered.
    assert {v.field_dict.get("quantity_delivered") for v in latest.version_set.all()} >= {5}
    first.revert(delete=True)
    assert s400.items.get().quantity_delivered == 3


def test_imported_records_are_drafts_unless_published():
    clean = without_bad_rows("sipri_classic.csv", ["Atlantis", "Hezbollah"])
    run_import("requests", clean, "r.csv")
    assert not ArmsRequest.objects.filter(published=True).exists()
    run_import("requests", clean, "r.csv", publish=True)
    assert ArmsRequest.objects.published().count() == 10


# ------------------------------------------------------------ SIPRI current


def test_sipri_current_groups_rows_into_deals():
    outcome = run_import("requests", data("sipri_current.csv"), "current.csv", skip_invalid=True)
    assert [(p.line, p.column) for p in outcome.problems] == [(8, "Recipient"), (10, "Numbers delivered")]
    assert outcome.created == 5 and outcome.rows == 9
    s400 = ArmsRequest.objects.get(external_id="sipri:51234")
    item = s400.items.get()
    assert (item.quantity_requested, item.quantity_delivered) == (None, 3)  # no number ordered in this layout
    assert "delivered in 2021 (2); 2022 (1, estimated)" in s400.notes
    assert "number delivered is a SIPRI estimate" in s400.notes
    shahed = ArmsRequest.objects.get(external_id="sipri:60001")
    assert shahed.items.get().equipment_type.slug == "uav" and shahed.items.get().quantity_delivered == 6000
    assert ArmsRequest.objects.get(external_id="sipri:60005").requester.iso2 == "TW"
    again = run_import("requests", data("sipri_current.csv"), "current.csv", skip_invalid=True)
    assert (again.created, again.unchanged) == (0, 5)


# -------------------------------------------------------------- our formats


def test_our_requests_csv_reports_every_bad_row_with_line_and_column():
    outcome = run_import("requests", data("our_requests.csv"), "ours.csv", dry_run=True)
    assert [(p.line, p.column) for p in outcome.problems] == [
        (7, "date"),
        (8, "requester"),
        (9, "status"),
        (10, "quantity_delivered"),
        (11, "record_uid"),
        (12, "asked_country"),
        (13, "quantity_asked"),
    ]
    assert outcome.created == 4


def test_our_requests_csv_import(admin_user):
    outcome = run_import("requests", data("our_requests.csv"), "ours.csv", skip_invalid=True, user=admin_user)
    assert outcome.created == 4
    two_items = ArmsRequest.objects.get(uid="00000000-0000-4000-8000-000000000001")
    assert two_items.items.count() == 2 and two_items.requested_by.name == "Nicolas Maduro"
    assert (two_items.date_precision, two_items.date_display) == ("month", "Oct 2025")
    assert ArmsRequest.objects.get(uid="00000000-0000-4000-8000-000000000002").items.count() == 0
    drones = ArmsRequest.objects.get(uid="00000000-0000-4000-8000-000000000003")
    assert drones.items.get().description == "=cmd|' /C calc'!A0"  # the export's neutralising undone
    assert {c.source.outlet for c in drones.citations.all()} == {"Wire", "Blog"}
    assert ArmsRequest.objects.get(uid="00000000-0000-4000-8000-000000000004").date is None


def test_export_then_import_gives_the_same_records(client, demo):
    exported = b"".join(client.get("/requests.csv").streaming_content)
    before = counts()
    outcome = run_import("requests", exported, "export.csv")
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.problems) == (0, 0, 4, [])
    assert counts() == before
    # Into an empty database: the same requests come back, then stay unchanged.
    ArmsRequest.objects.all().delete()
    created = run_import("requests", exported, "export.csv", publish=True)
    assert created.created == 4
    again = b"".join(client.get("/requests.csv").streaming_content)
    rows = lambda raw: [  # noqa: E731
        {k: v for k, v in row.items() if k not in ("request_id", "url", "first_published", "last_changed")}
        for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    ]
    assert sorted(rows(again), key=str) == sorted(rows(exported), key=str)
    assert run_import("requests", exported, "export.csv").unchanged == 4


def test_deployments_round_trip_and_bad_rows(client, demo):
    exported = b"".join(client.get("/deployments.csv").streaming_content)
    assert run_import("deployments", exported, "d.csv").unchanged == 4
    outcome = run_import("deployments", data("our_deployments.csv"), "d.csv", skip_invalid=True)
    assert [(p.line, p.column) for p in outcome.problems] == [(5, "end"), (6, "deploying_country"), (7, "latitude")]
    assert outcome.created == 3
    s400 = Deployment.objects.get(uid="00000000-0000-4000-8000-000000000022")
    assert (s400.host_country.iso2, s400.system.designation, s400.end_display) == ("BY", "S-400", "2023")
    assert (float(s400.latitude), float(s400.longitude)) == (53.9, 27.56)
    # Exported again (coordinates and partial dates included) and re-imported: nothing changes.
    # Imported as drafts; the public CSV shows published ones.
    Deployment.objects.update(published=True, published_at=Now())
    again = run_import("deployments", b"".join(client.get("/deployments.csv").streaming_content), "d.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)


def test_files_that_cannot_be_read_are_refused_whole():
    with pytest.raises(ImportFailed, match="No known header"):
        run_import("requests", b"a,b,c\n1,2,3\n", "x.csv")
    with pytest.raises(ImportFailed, match="not a file of requests"):
        run_import("requests", data("our_deployments.csv"), "x.csv")
    with pytest.raises(ImportFailed, match="does not hold deployments"):
        run_import("deployments", data("our_deployments.csv"), "x.csv", file_format="sipri-classic")
    assert not ImportRun.objects.exists()


def test_wrong_number_of_fields_and_duplicates_are_named():
    text = data("sipri_current.csv").decode()
    lines = text.splitlines(keepends=True)
    broken = lines[0] + lines[5] + "60009,Russia,India\n" + lines[5]
    outcome = run_import("requests", broken.encode(), "x.csv", dry_run=True)
    reasons = [(p.line, p.reason) for p in outcome.problems]
    assert (3, "row has 3 fields, the header has 17") in reasons
    assert (4, "duplicate of the record on line 2") in reasons  # deal 60002 met again
    adjacent = (lines[0] + lines[5] + lines[5]).encode()
    outcome = run_import("requests", adjacent, "x.csv", dry_run=True)
    assert [(p.line, p.reason) for p in outcome.problems] == [
        (3, "duplicate: deal 60002 already has a row for 2013 (line 2)")
    ]
    classic = data("sipri_classic.csv").decode("latin-1").splitlines(keepends=True)
    twice = "".join(classic[:7] + classic[6:7]).encode("latin-1")
    outcome = run_import("requests", twice, "x.csv", dry_run=True)
    assert (outcome.problems, outcome.created) == ([], 3)  # identical classic lines are two deals


def test_command_refuses_a_bad_file_and_says_why(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(data("sipri_classic.csv"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_requests", str(path), stdout=out)
    assert "line 16, column Recipient: unknown country 'Atlantis'" in out.getvalue()
    assert not ArmsRequest.objects.exists()
    out = io.StringIO()
    call_command("import_requests", str(path), "--dry-run", stdout=out)
    assert "would create 10" in out.getvalue() and "Dry run: nothing was written." in out.getvalue()
