"""Systems from SIPRI registers: generic descriptions are not systems; spellings alike are reported, not merged."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tracker.intake.engine import run_import
from tracker.intake.formats.sipri import designation_of, generic
from tracker.intake.formats.sipri_classic import SIPRI_CLASSIC
from tracker.models import RequestItem, System
from tracker.models.equipment import variant_groups, variant_key

pytestmark = pytest.mark.django_db
HEAD = '"Transfers of major weapons: Deals with deliveries or orders made for 1950 to 2025"\n\n'


def register(*rows):
    return (HEAD + ",".join(SIPRI_CLASSIC) + "\n" + "".join(rows)).encode()


def row(designation, description, recipient="India", supplier="France", year=2010):
    return f"{recipient},{supplier},{year},,2,,{designation},{description},2,,{year + 1},,,1,2,2\n"


def test_spellings_alike_are_kept_apart_and_reported():
    outcome = run_import(
        "requests",
        register(
            row("A-330 MRTT", "tanker/transport aircraft"), row("A330 MRTT", "tanker/transport aircraft", "Qatar")
        ),
        "r.csv",
    )
    assert outcome.applied and System.objects.filter(designation__in=["A-330 MRTT", "A330 MRTT"]).count() == 2
    assert outcome.possible_duplicates == [["A-330 MRTT", "A330 MRTT"]]
    assert any(
        "1 possible duplicate system(s)" in note and "'A-330 MRTT' ~ 'A330 MRTT'" in note for note in outcome.notes
    )
    assert outcome.run.report["possible_duplicates"] == [["A-330 MRTT", "A330 MRTT"]]


def test_a_spelling_that_differs_in_case_from_the_catalogue_s_is_taken_as_it_and_reported():
    run_import("requests", register(row("Cobra", "APC")), "a.csv")
    outcome = run_import("requests", register(row("COBRA", "APC", "Qatar")), "b.csv")
    assert System.objects.filter(designation__iexact="cobra").count() == 1
    assert outcome.possible_duplicates == [["COBRA", "Cobra"]]


def test_the_same_designation_of_another_type_is_another_system_not_a_duplicate():
    outcome = run_import("requests", register(row("Cobra", "APC"), row("Cobra", "SAM", "Qatar")), "r.csv")
    assert sorted(System.objects.values_list("designation", flat=True)) == ["Cobra", "Cobra (Missile)"]
    assert outcome.possible_duplicates == []


def test_generic_designations_are_not_systems():
    outcome = run_import(
        "requests",
        register(row("aircraft engine", "aircraft engine"), row("Air refuel system", "air refuel system", "Qatar")),
        "r.csv",
    )
    assert outcome.applied and outcome.created == 2 and not System.objects.exists()
    assert set(RequestItem.objects.values_list("equipment_type__slug", flat=True)) == {"engine", "other"}
    assert RequestItem.objects.filter(description__startswith="aircraft engine").exists()  # the words are kept


def test_variant_keys():
    assert variant_key("A-330 MRTT") == variant_key("a330 mrtt") == variant_key("A 330-MRTT") == "a330mrtt"
    assert variant_key("Mirage-2000-5") != variant_key("Mirage-2000")
    assert variant_groups({"Su-30MK2": 1, "SU30MK2": 1, "Su-30MK2 (Ship)": 2, "Su-30": 1}) == [["SU30MK2", "Su-30MK2"]]


def test_the_admin_lists_possible_duplicates(client, types):
    for designation in ["A-330 MRTT", "A330 MRTT", "Rafale"]:
        System.objects.create(
            designation=designation, slug=designation.lower().replace(" ", "-"), equipment_type=types["aircraft-other"]
        )
    client.force_login(User.objects.create_superuser("boss", password="x"))
    page = client.get(reverse("admin:tracker_system_changelist"), {"variants": "yes"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list.values_list("designation", flat=True)) == ["A-330 MRTT", "A330 MRTT"]


@pytest.mark.parametrize(
    ("designation", "description", "is_generic"),
    [
        ("aircraft engine 1001-2000", "aircraft engine", True),
        ("ship engine (2501-4000)", "ship engine", True),
        ("ship engine AIP", "AIP engine", True),
        ("air refuel system", "air refuel system", True),
        ("AMV", "AMV", False),  # one word: SIPRI's description of the Patria AMV is its name too
        ("LM-2500 (30001-35000)", "gas turbine", False),
        ("F404", "turbofan", False),
    ],
)
def test_which_designations_are_generic(designation, description, is_generic):
    assert generic(designation, description) is is_generic


def test_sipri_s_trailing_dashes_are_not_part_of_the_designation():
    assert [designation_of(d) for d in ["AMV -", "NH-90 NFH ---", "Mi-17 ", "MiG-29-S"]] == [
        "AMV",
        "NH-90 NFH",
        "Mi-17",
        "MiG-29-S",
    ]
