"""SIPRI deals: one record per deal within a file, across editions and across the two layouts; lines rejoined."""

import datetime
import io

import pytest
from django.core.management import call_command

from tracker.intake.engine import run_import
from tracker.intake.formats.sipri_classic import SIPRI_CLASSIC, legacy_key
from tracker.intake.plan import Importer
from tracker.intake.reading import decode
from tracker.models import ArmsRequest, RequestItem, Source

pytestmark = pytest.mark.django_db
HEAD = '"Transfers of major weapons: Deals with deliveries or orders made for 1950 to 2025"\n'
HEADER = ",".join(SIPRI_CLASSIC) + "\n"
BRAHMOS_A = "India,Russia,1998,,400,,PJ-10 BrahMos,anti-ship missile,150,?,2005; 2006,,first lot,1,400,150\n"
BRAHMOS_B = "India,Russia,1998,,400,,PJ-10 BrahMos,anti-ship missile,80,,2007,,naval version,1,400,80\n"
TYNE = "UK,UK2,1980,,6,,Tyne,gas turbine,6,,1982,,,1,6,6\n"


def classic(*rows, generated="24 November 2026"):
    head = HEAD + (f'"Information generated: {generated}"\n' if generated else "") + "\n" + HEADER
    return (head + "".join(rows)).encode()


def imported(*rows, generated="24 November 2026", **options):
    return run_import("requests", classic(*rows, generated=generated), "trade-register.csv", **options)


def planned(data, name="trade-register.csv"):
    """The planned records of a file, read as the engine reads it (nothing written)."""
    text, _ = decode(data)
    return list(Importer("requests", text, name).plan())


# ------------------------------------------------------------- one file: distinct deals, identical lines


def test_distinct_deals_sharing_the_old_key_are_all_kept_and_a_reimport_changes_nothing():
    first = imported(BRAHMOS_A, BRAHMOS_B)
    assert (first.created, first.problems) == (2, [])
    ids = sorted(ArmsRequest.objects.values_list("external_id", flat=True))
    assert [i.rsplit("#", 1)[1] for i in ids] == ["1", "2"] and ids[0].split("#")[0] == ids[1].split("#")[0]
    again = imported(BRAHMOS_A, BRAHMOS_B)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    delivered = sorted(RequestItem.objects.values_list("quantity_delivered", flat=True))
    assert delivered == [80, 150]


def test_identical_lines_are_deals_of_their_own_and_a_reimport_pairs_them_by_occurrence():
    # SIPRI's current layout gives such lines two deal ids (Norway -> Ukraine, 2 NASAMS-2, 66366 and 66825).
    outcome = imported(BRAHMOS_A, BRAHMOS_A, BRAHMOS_B)
    assert (outcome.problems, outcome.created) == ([], 3)
    again = imported(BRAHMOS_A, BRAHMOS_A, BRAHMOS_B)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_licensed_production_keeps_sipri_s_zero_as_an_open_ended_order():
    panther = "China,France,1980,,0,,AS-365 Dauphin-2,helicopter,457,?,1984; 1985,,licensed production,4,,1828\n"
    outcome = imported(panther)
    assert (outcome.problems, outcome.created) == ([], 1)
    item = RequestItem.objects.get()
    assert (item.quantity_requested, item.quantity_delivered) == (None, 457)
    assert "SIPRI number ordered: 0 (an open-ended order" in item.request.notes
    assert "number ordered not reported" in item.request.summary


def test_a_revised_edition_updates_the_deal_instead_of_adding_one():
    imported("Chile,France,2010,,4,,Scorpene,submarine,2,,2012,,,100,400,200\n")
    revised = "Chile,France,2010,,5,,Scorpene,submarine,3,,2012; 2013,,one more,100,500,300\n"
    outcome = imported(revised)
    assert (outcome.created, outcome.updated) == (0, 1)
    item = RequestItem.objects.get()
    assert (item.quantity_requested, item.quantity_delivered) == (5, 3)
    assert "delivered in 2012; 2013" in item.request.notes and "one more" in item.request.notes
    # Two deals where there was one: the second is new, the first still pairs by its ordinal.
    second = "Chile,France,2010,,2,,Scorpene,submarine,,,,,second order,100,200,\n"
    outcome = imported(revised, second)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 0, 1)


def test_the_rejects_file_never_overwrites_another_deal(tmp_path):
    bad_b = BRAHMOS_B.replace(",80,,", ",eighty,,")
    path = tmp_path / "register.csv"
    path.write_bytes(classic(BRAHMOS_A, bad_b, TYNE.replace("UK2", "France")))
    out = io.StringIO()
    call_command("import_requests", str(path), "--skip-invalid", stdout=out)
    assert ArmsRequest.objects.count() == 2
    rejects = tmp_path / "register.csv.rejects.csv"
    text = rejects.read_text()
    assert BRAHMOS_A in text and bad_b in text and "Tyne" not in text  # the deal it must be told from goes along
    assert text.index(BRAHMOS_A) < text.index(bad_b)
    rejects.write_text(text.replace("eighty", "80"))
    out = io.StringIO()
    call_command("import_requests", str(rejects), stdout=out)
    assert "created 1, updated 0, left 1 unchanged" in out.getvalue()
    assert sorted(
        RequestItem.objects.filter(system__designation="PJ-10 BrahMos").values_list("quantity_delivered", flat=True)
    ) == [80, 150]


def test_a_revised_deal_pairs_with_the_record_most_like_it():
    imported(BRAHMOS_A, BRAHMOS_B)
    third = BRAHMOS_A.replace("150,?,2005; 2006", "160,?,2005; 2006")  # one deal where the database has two
    outcome = imported(third)
    assert (outcome.created, outcome.updated, outcome.problems) == (0, 1, [])
    assert sorted(RequestItem.objects.values_list("quantity_delivered", flat=True)) == [80, 160]


def test_a_deal_equally_like_two_records_is_kept_apart_and_reported():
    imported(BRAHMOS_A, BRAHMOS_A.replace(",400,,PJ", ",300,,PJ"))  # alike but for the number ordered
    outcome = imported(BRAHMOS_A.replace(",400,,PJ", ",350,,PJ"))
    assert (outcome.created, outcome.updated, outcome.problems) == (1, 0, [])
    assert any("1 deal(s) equally like two or more records" in note and "lines 5" in note for note in outcome.notes)
    assert ArmsRequest.objects.count() == 3


def test_a_revised_edition_with_other_spellings_updates_its_deals():
    """SIPRI's October 2025 edition renamed designations and descriptions of deals its 2024 edition held."""
    old = [
        "Afghanistan,United States,2004,?,188,?,M-113,APC,188,?,2005,Second hand,aid,0.1,18.8,18.8\n",
        "Saudi Arabia,Brazil,2005,,1,?,Shibl,SSM launcher,1,,2007,New,,20,20,20\n",
        "Chile,France,2010,,4,,Scorpene,submarine,2,,2012,,,100,400,200\n",
    ]
    imported(*old, generated="13 Oct 2024")
    new = [
        old[0].replace(",APC,", ",armoured personnel carrier,"),
        old[1].replace("Shibl,SSM launcher", "Al Shibl,surface-to-surface missile launcher"),
        old[2].replace("2010,,4", "2011,,4"),  # the order year revised
        "Chile,France,2024,,2,,Scorpene,submarine,,,,,,100,200,\n",  # really new
    ]
    outcome = imported(*new, generated="23 Oct 2025")
    assert (outcome.created, outcome.updated, outcome.problems) == (1, 3, [])
    assert any("3 deal(s) matched" in note for note in outcome.notes)
    assert ArmsRequest.objects.filter(date__year=2011).count() == 1
    # The older edition after the newer one: cited, but the newer values stay.
    ArmsRequest.objects.all().delete()
    imported(*new, generated="23 Oct 2025")
    again = imported(*old, generated="13 Oct 2024")
    assert (again.created, again.updated) == (0, 3) and ArmsRequest.objects.count() == 4
    assert any("3 record(s) hold a newer SIPRI edition" in note for note in again.notes)
    assert ArmsRequest.objects.filter(date__year=2011).count() == 1
    assert ArmsRequest.objects.get(date__year=2011).citations.count() == 2
    assert RequestItem.objects.filter(description__contains="Al Shibl").count() == 1


def test_keys_of_older_versions_are_taken_over():
    outcome = imported(TYNE.replace("UK2", "France"))
    record = ArmsRequest.objects.get()
    legacy = legacy_key(planned(classic(TYNE.replace("UK2", "France")))[0].legacy)
    ArmsRequest.objects.filter(pk=record.pk).update(external_id=legacy)
    again = imported(TYNE.replace("UK2", "France"))
    assert (outcome.created, again.created, again.updated) == (1, 0, 1)
    assert (
        ArmsRequest.objects.get().external_id.startswith("sipri-classic:")
        and "#" in ArmsRequest.objects.get().external_id
    )


# ------------------------------------------------------------- a comment broken over two lines


def test_a_line_break_left_unquoted_in_the_comments_is_rejoined():
    split_row = (
        "Egypt,France,2015,,24,,Rafale,FGA aircraft,24,,2015; 2016,,ordered in February\nafter talks,100,2400,2400\n"
    )
    outcome = imported(split_row, BRAHMOS_A, dry_run=True)
    assert outcome.problems == [] and outcome.created == 2
    (deal, _) = planned(classic(split_row, BRAHMOS_A))
    assert deal.lines == [5] and "ordered in February\nafter talks" in deal.fields["notes"]
    # Short of fields and not rejoinable: the bad row names its line.
    cut = "Egypt,France,2015,,24,,Rafale\n"
    outcome = imported(cut, BRAHMOS_A, dry_run=True)
    assert [(p.line, p.reason) for p in outcome.problems] == [(5, "row has 7 fields, the header has 16")]


# ------------------------------------------------------------- uncertainty as data


def test_classic_flags_estimates_and_delivery_years_are_data():
    rows = [
        "Venezuela,Russia,2009,?,(92),?,T-72M1,tank,92,?,2011; 2012,,,1.2,110.4,110.4\n",
        "Venezuela,Russia,2006,,24,,Su-30MK2,FGA aircraft,24,,2007,,,32,768,768\n",
        "Venezuela,Russia,2006,,5,,Mi-35M,combat helicopter,,,,,,10,50,\n",
    ]
    t72, su30, mi35 = planned(classic(*rows))
    assert t72.fields["date_estimated"] is True and su30.fields["date_estimated"] is False
    item = t72.items[0]
    assert (item["quantity_requested"], item["quantity_requested_estimated"]) == (92, True)
    assert (item["quantity_delivered"], item["quantity_delivered_estimated"]) == (92, True)
    assert item["deliveries"] == [(2011, None, False), (2012, None, False)]  # no per-year numbers: none invented
    assert su30.items[0]["deliveries"] == [(2007, 24, False)]  # one year: all of them in it
    assert mi35.items[0]["deliveries"] == [] and mi35.fields["status"] == "agreed"
    assert t72.fields["summary"].startswith("Venezuela ordered about 92 T-72M1 (tank) from Russia; about 92 delivered")


def test_unknown_keys_are_left_out_by_the_writer():
    imported(BRAHMOS_A)  # fields carry date_estimated, items deliveries: the models may not have them yet
    assert ArmsRequest.objects.count() == 1


# ------------------------------------------------------------- the source is the export


def test_each_export_is_its_own_dated_source():
    imported(BRAHMOS_A, generated="24 November 2026")
    imported(BRAHMOS_A, generated="2 May 2027")
    sources = Source.objects.order_by("published_on")
    assert [(s.published_on, s.published_precision) for s in sources] == [
        (datetime.date(2026, 11, 24), "day"),
        (datetime.date(2027, 5, 2), "day"),
    ]
    assert (
        sources[0].title
        == "Trade register, classic layout, deals with deliveries or orders 1950–2025, generated 2026-11-24"
    )
    assert ArmsRequest.objects.count() == 1 and ArmsRequest.objects.get().citations.count() == 2
    imported(BRAHMOS_A, generated=None)
    assert Source.objects.filter(title__contains="trade-register.csv", published_on=None).exists()


def test_sipri_s_slips_are_recorded_and_said_in_the_notes():
    # Indonesia <- Sweden, SAK-70 Mk-2 57mm, in the October 2025 edition: 8 delivered of 4, years twice.
    slip = "Indonesia,Sweden,1994,,4,,SAK-70 Mk-2 57mm,naval gun,8,,2000; 2000; 2002,New,,2.5,10,20\n"
    outcome = imported(slip)
    assert (outcome.problems, outcome.created) == ([], 1)
    item = RequestItem.objects.get()
    assert (item.quantity_requested, item.quantity_delivered) == (None, 8)
    assert sorted(item.deliveries.values_list("year", flat=True)) == [2000, 2002]
    notes = item.request.notes
    assert "SIPRI number ordered: 4, fewer than the 8 delivered" in notes and "SIPRI lists 2000 twice" in notes


def test_one_designation_of_two_unrelated_types_makes_two_systems(db):
    from tracker.intake.engine import run_import
    from tracker.models import System

    head = (
        "SIPRI AT Database ID,Supplier,Recipient,Designation,Description,Armament category,Order date,"
        "Order date is estimate,Numbers delivered,Numbers delivered is estimate,Delivery year,"
        "Delivery year is estimate,Status,SIPRI estimate,TIV deal unit,TIV delivery values,Local production\n"
    )
    rows = [
        "1,India,Sri Lanka,Aditya,APC,Armoured vehicles,2001,No,2,No,2002,No,New,1,1,2,No\n",
        "2,India,Mauritius,Aditya,patrol craft,Ships,2005,No,1,No,2006,No,New,10,10,10,No\n",
    ]
    outcome = run_import("requests", (head + "".join(rows)).encode(), "r.csv")
    assert outcome.created == 2
    systems = {s.designation: s.equipment_type.slug for s in System.objects.filter(designation__startswith="Aditya")}
    assert systems == {"Aditya": "armoured-vehicle", "Aditya (Ship)": "ship"}
    again = run_import("requests", (head + "".join(rows)).encode(), "r.csv")
    assert (again.created, again.updated) == (0, 0)


def test_an_edition_imported_twice_changes_nothing_the_second_time_even_when_its_keys_moved():
    first = "Chile,France,2010,,4,,Scorpene,submarine,2,,2012,,,100,400,200\n"
    second = "Chile,France,2010,,2,,Scorpene,submarine,,,,,second order,100,200,\n"
    imported(first, second, generated="13 Oct 2024")
    # SIPRI renames the first deal's description: the second becomes the first of its group.
    renamed = first.replace(",submarine,", ",attack submarine,")
    outcome = imported(renamed, second, generated="23 Oct 2025")
    assert (outcome.created, outcome.updated) == (0, 2)  # both cite the new edition
    again = imported(renamed, second, generated="23 Oct 2025")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
