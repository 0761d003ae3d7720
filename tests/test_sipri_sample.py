"""The current layout as SIPRI means it, on a sample cut from SIPRI's own export; one deal across layouts.

tests/data/sipri_current_sample.csv: 43 deals (104 rows) of the SIPRI Arms Transfers Database export
"Transfers of major conventional arms … 1990 to 2023", generated 13 Apr 2024, title lines and
attribution as published. Source: SIPRI Arms Transfers Database (c) SIPRI.
"""

import csv
import datetime
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.conftest import job_of
from tests.test_sipri_deals import classic, planned
from tracker.intake.engine import run_import
from tracker.intake.reading import ImportFailed, decode
from tracker.models import ArmsRequest, ImportRun, RequestItem, Source

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "data" / "sipri_current_sample.csv"


def sample():
    return SAMPLE.read_bytes()


def sample_rows():
    lines = SAMPLE.read_text().splitlines()
    return list(csv.DictReader(lines[11:]))


def test_the_sample_is_read_whole_and_refused_only_for_parties_not_known_yet():
    outcome = run_import("requests", sample(), "trade-register.csv", dry_run=True)
    deals = {row["SIPRI AT Database ID"] for row in sample_rows()}
    assert outcome.rows == 104 and outcome.created + outcome.invalid_rows == len(deals) == 43
    other = [p for p in outcome.problems if not p.reason.startswith("unknown country")]
    assert other == []


def test_a_current_layout_deal_says_what_was_delivered_when_and_its_tiv():
    by_id = {p.key[1]: p for p in planned(sample())}
    brahmos = by_id["sipri:54751"]  # 17 delivery years
    rows = [r for r in sample_rows() if r["SIPRI AT Database ID"] == "54751"]
    item = brahmos.items[0]
    assert item["quantity_requested"] is None  # the layout gives no number ordered: none invented
    assert item["quantity_delivered"] == sum(int(r["Numbers delivered"]) for r in rows)
    assert item["deliveries"] == [
        (
            int(r["Delivery year"]),
            int(r["Numbers delivered"]),
            "Yes" in (r["Numbers delivered is estimate"], r["Delivery year is estimate"]),
        )
        for r in rows
    ]
    assert item["quantity_delivered_estimated"] == any(r["Numbers delivered is estimate"] == "Yes" for r in rows)
    assert brahmos.fields["status"] == "partly_delivered"  # deliveries, but no number ordered to call it complete
    assert "number ordered not reported" in brahmos.fields["summary"] and "delivered in" in brahmos.fields["summary"]
    notes = brahmos.fields["notes"]
    assert f"SIPRI TIV per unit in this deal {rows[0]['TIV deal unit']}" in notes
    assert f"{rows[0]['Delivery year']}: {rows[0]['TIV delivery values']}" in notes
    assert f"SIPRI TIV of one unit as new (SIPRI estimate) {rows[0]['SIPRI estimate']}" in notes
    second_hand = by_id["sipri:60840"]
    assert "SIPRI status: Second hand" in second_hand.fields["notes"]
    assert second_hand.fields["date_estimated"] is True
    assert "produced in the recipient country" in by_id["sipri:19679"].fields["notes"]
    assert by_id["sipri:21165"].items[0]["system"] == "Pucara"  # SIPRI's trailing ' -' dropped


def test_the_export_is_a_source_dated_from_its_generated_line():
    run_import("requests", sample(), "trade-register.csv", skip_invalid=True)
    source = Source.objects.get()
    assert (source.published_on, source.published_precision) == (datetime.date(2024, 4, 13), "day")
    assert (
        source.title
        == "Trade register, current layout, deals with deliveries or orders 1990–2023, generated 2024-04-13"
    )
    assert "(c) SIPRI" in source.notes


def test_the_sample_imports_once_and_a_reimport_changes_nothing():
    first = run_import("requests", sample(), "trade-register.csv", skip_invalid=True)
    count = ArmsRequest.objects.count()
    again = run_import("requests", sample(), "trade-register.csv", skip_invalid=True)
    assert first.created == count and (again.created, again.updated) == (0, 0) and again.unchanged == count


# ------------------------------------------------------------------ one deal across the two layouts


def current_as_classic(deal_ids):
    """The sample's deals written as SIPRI's classic layout would (no number ordered in the source)."""
    deals = {}
    for r in sample_rows():
        if r["SIPRI AT Database ID"] in deal_ids:
            deals.setdefault(r["SIPRI AT Database ID"], []).append(r)
    lines = []
    for rows in deals.values():
        r = rows[0]
        got = sum(int(x["Numbers delivered"]) for x in rows)
        years = "; ".join(x["Delivery year"] for x in rows)
        lines.append(
            f"{r['Recipient']},{r['Supplier']},{r['Order date']},,,,{r['Designation'].removesuffix(' -')},"
            f"{r['Description']},{got},,{years},{r['Status']},,{r['TIV deal unit']},,\n"
        )
    return classic(*lines, generated="13 April 2024")


PAIR = ["54751", "60840", "21165"]  # BrahMos LAND, BTR-60PB, Pucara -


def test_the_other_layout_updates_the_deals_it_already_has():
    run_import("requests", current_as_classic(PAIR), "trade-register.csv")
    assert ArmsRequest.objects.count() == 3
    outcome = run_import("requests", sample(), "trade-register.csv", skip_invalid=True)
    assert outcome.updated == 3 and any("3 deal(s) matched" in n for n in outcome.notes)
    for deal_id in PAIR:  # the records took SIPRI's deal ids
        assert ArmsRequest.objects.get(external_id=f"sipri:{deal_id}").citations.count() == 2
    # And back: the classic file finds them by recipient, supplier, order year and designation.
    before = ArmsRequest.objects.count()
    again = run_import("requests", current_as_classic(PAIR), "trade-register.csv")
    assert again.created == 0 and ArmsRequest.objects.count() == before
    again = run_import("requests", current_as_classic(PAIR), "trade-register.csv")
    assert (again.created, again.updated) == (0, 0)


def delivered_by_id():
    return dict(ArmsRequest.objects.values_list("external_id", "items__quantity_delivered"))


def test_deals_sipri_keeps_apart_stay_apart_in_either_order():
    pair = [
        r["SIPRI AT Database ID"] for r in sample_rows() if r["Designation"] == "DA-42MPP" and r["Order date"] == "2010"
    ]
    pair = sorted(set(pair))
    assert len(pair) == 2  # Thailand <- Austria, 2010, DA-42MPP: two deals in SIPRI's export
    run_import("requests", sample(), "trade-register.csv", skip_invalid=True)
    count, delivered = ArmsRequest.objects.count(), delivered_by_id()
    outcome = run_import("requests", current_as_classic(pair), "trade-register.csv")
    assert (outcome.created, outcome.updated) == (0, 2)  # each lands on its own deal's record
    assert ArmsRequest.objects.count() == count and delivered_by_id() == delivered
    ArmsRequest.objects.all().delete()
    run_import("requests", current_as_classic(pair), "trade-register.csv")
    run_import("requests", sample(), "trade-register.csv", skip_invalid=True)
    assert ArmsRequest.objects.count() == count and delivered_by_id() == delivered


def test_identical_deals_with_two_ids_are_two_records_in_either_order():
    """Norway -> Ukraine, 2023, 2 NASAMS-2, second hand: SIPRI deals 66366 and 66825, two identical lines."""
    current = sample().decode().splitlines(keepends=True)[:12]
    row = "{},Norway,Ukraine,NASAMS-2,SAM system,Air defence systems,2023,No,2,No,2023,No,Second hand,30,15,30,No\n"
    ids = ["66366", "66825"]
    current = "".join(current + [row.format(deal_id) for deal_id in ids]).encode()
    line = "Ukraine,Norway,2023,,2,,NASAMS-2,SAM system,2,,2023,Second hand,,15,30,30\n"
    for first, second in ((current, classic(line, line)), (classic(line, line), current)):
        ArmsRequest.objects.all().delete()
        assert run_import("requests", first, "a.csv").created == 2
        outcome = run_import("requests", second, "b.csv")
        assert (outcome.created, outcome.updated) == (0, 2)
        keys = sorted(ArmsRequest.objects.values_list("external_id", flat=True))
        assert keys == [f"sipri:{deal_id}" for deal_id in ids]


# ------------------------------------------------------------------ reading never crashes


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_is_read_with_or_without_a_byte_order_mark(encoding):
    data = SAMPLE.read_text().encode(encoding)
    text, found = decode(data)
    assert text.startswith("Transfers of major") and found.startswith("utf-16")


def test_a_header_only_file_is_refused_and_not_recorded(tmp_path, editor_client):
    header_only = "\n".join(SAMPLE.read_text().splitlines()[:12]) + "\n"
    with pytest.raises(ImportFailed, match="no data rows"):
        run_import("requests", header_only.encode(), "empty.csv")
    path = tmp_path / "empty.csv"
    path.write_text(header_only)
    with pytest.raises(CommandError) as failed:
        call_command("import_requests", str(path), stdout=io.StringIO())
    assert failed.value.returncode == 2 and "\n" not in str(failed.value) and "no data rows" in str(failed.value)
    file = SimpleUploadedFile("empty.csv", header_only.encode(), content_type="text/csv")
    job = job_of(editor_client.post(reverse("admin:tracker_importrun_upload"), {"file": file, "kind": "requests"}))
    assert job.state == "failed" and "no data rows" in job.error
    assert not ImportRun.objects.exists() and not ArmsRequest.objects.exists()


def test_every_unreadable_file_exits_with_status_2(tmp_path):
    path = tmp_path / "r.csv"
    for data in (b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4, b"just,some\nwords,here\n", b'"open\n' + b"x" * 100):
        path.write_bytes(data)
        with pytest.raises(CommandError) as failed:
            call_command("import_requests", str(path), stdout=io.StringIO())
        assert failed.value.returncode == 2 and "\n" not in str(failed.value)
    assert not ImportRun.objects.exists()
    assert Counter(RequestItem.objects.values_list("id", flat=True)) == Counter()
