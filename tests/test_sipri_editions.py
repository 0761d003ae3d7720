"""One deal, one record, whatever the order in which SIPRI's editions and layouts are imported.

tests/data/sipri_classic_2024_sample.csv, sipri_classic_2025_sample.csv and sipri_current_2024_sample.csv: the
same deals cut, verbatim with their title lines, from three exports of the SIPRI Arms Transfers Database
(classic layout, generated 13 Oct 2024 and 23 Oct 2025; current layout, generated 13 Apr 2024); see
tests/data/README.md. Source: SIPRI Arms Transfers Database (c) SIPRI.
"""

from pathlib import Path

import pytest

from tracker.intake.engine import run_import
from tracker.models import ArmsRequest, RequestItem

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
CLASSIC_2024, CLASSIC_2025 = "sipri_classic_2024_sample.csv", "sipri_classic_2025_sample.csv"
CURRENT = "sipri_current_2024_sample.csv"
# Deals SIPRI keeps apart: two ids each for two identical descriptions.
APART = {"NASAMS-2": ["66366", "66825"], "MIM-104 PAC-2": ["65968", "65987"]}


def imported(name):
    outcome = run_import("requests", (DATA / name).read_bytes(), name)
    assert outcome.problems == [] and outcome.applied
    return outcome


def item(designation):
    return RequestItem.objects.select_related("request").get(system__designation=designation)


def test_every_line_is_a_record_identical_lines_and_licensed_production_included():
    outcome = imported(CLASSIC_2024)
    assert outcome.created == outcome.rows == ArmsRequest.objects.count() == 10
    panther = item("AS365/AS565 Panther")
    assert (panther.quantity_requested, panther.quantity_delivered) == (None, 457)
    assert "SIPRI number ordered: 0 (an open-ended order" in panther.request.notes
    again = imported(CLASSIC_2024)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)


def test_the_older_current_edition_gives_each_record_its_deal_id_and_changes_nothing_else():
    imported(CLASSIC_2024)
    before = dict(RequestItem.objects.values_list("request_id", "description"))
    outcome = imported(CURRENT)
    assert (outcome.created, outcome.updated) == (0, 7)
    assert any("7 record(s) hold a newer SIPRI edition" in note for note in outcome.notes)
    assert ArmsRequest.objects.count() == 10 and dict(RequestItem.objects.values_list("request_id", "description")) == (
        before
    )
    for designation, ids in APART.items():  # two records, one id each
        keys = RequestItem.objects.filter(system__designation=designation).values_list("request__external_id")
        assert sorted(key for (key,) in keys) == [f"sipri:{deal_id}" for deal_id in ids]
    assert item("M-113").request.external_id == "sipri:35382"


def test_the_next_edition_updates_its_deals_and_adds_only_the_new_one():
    imported(CLASSIC_2024)
    imported(CURRENT)
    outcome = imported(CLASSIC_2025)
    assert (outcome.created, outcome.updated) == (1, 10)  # Benin <- South Africa, 2024, 12 Puma M-36
    assert ArmsRequest.objects.count() == 11
    assert "armoured personnel carrier" in item("M-113").description  # SIPRI's new description
    assert item("AS365/AS565 Panther").quantity_delivered == 498
    assert ArmsRequest.objects.filter(external_id__startswith="sipri:").count() == 7  # the ids stay
    again = imported(CLASSIC_2025)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 11)


def test_an_older_edition_after_a_newer_one_is_cited_but_changes_no_value():
    imported(CLASSIC_2025)
    outcome = imported(CLASSIC_2024)
    assert (outcome.created, outcome.updated) == (0, 10)
    assert ArmsRequest.objects.count() == 11
    assert "armoured personnel carrier" in item("M-113").description
    assert item("AS365/AS565 Panther").quantity_delivered == 498
    assert all(record.citations.count() == 2 for record in ArmsRequest.objects.exclude(date__year=2024))
