"""SIPRI's weapon descriptions typed by their head, never against SIPRI's armament category.

tests/data/sipri_vocabulary.csv: every description of the shared register with its category (see tests/data/README.md).
"""

import csv
from pathlib import Path

import pytest

from tracker import reference
from tracker.intake.categories import CATEGORY_TYPES, SIPRI_CATEGORIES, head_type, sipri_type_slug

VOCABULARY = list(csv.DictReader((Path(__file__).parent / "data" / "sipri_vocabulary.csv").open(encoding="utf-8")))


def test_the_vocabulary_is_the_whole_register_s():
    in_register = [row for row in VOCABULARY if row["armament category"]]
    assert len(in_register) == 199
    assert sum(int(row["deals"]) for row in in_register) == 13_893


@pytest.mark.parametrize("row", VOCABULARY, ids=lambda row: f"{row['description']}|{row['armament category']}")
def test_each_description_gets_its_type(row):
    assert sipri_type_slug(row["armament category"], row["description"]) == row["type"]


def test_no_description_is_typed_against_its_category():
    against = [
        row
        for row in VOCABULARY
        if row["armament category"] in CATEGORY_TYPES and row["type"] not in CATEGORY_TYPES[row["armament category"]]
    ]
    assert against == []


def test_other_is_under_one_percent_of_the_register_s_deals():
    deals = sum(int(row["deals"]) for row in VOCABULARY if row["deals"])
    other = sum(int(row["deals"]) for row in VOCABULARY if row["deals"] and row["type"] == "other")
    assert other / deals < 0.01


@pytest.mark.parametrize(
    ("description", "head"),
    [
        ("combat aircraft radar", "radar-sensor"),  # the radar of a combat aircraft, not the aircraft
        ("anti-radar missile", "missile"),
        ("missile boat", "ship"),
        ("tank destroyer", "armoured-vehicle"),
        ("destroyer", "ship"),
        ("armoured personnel carrier", "armoured-vehicle"),
        ("aircraft carrier", "ship"),
        ("trainer/combat aircraft", "combat-aircraft"),  # the head follows the last slash
        ("anti-ship/ASW torpedo", "naval-weapon"),
        ("Ground-Attack  Aircraft", "combat-aircraft"),  # case, hyphens and spaces do not matter
        ("coastal defence system", "radar-sensor"),  # SIPRI files it under Sensors (its missiles apart)
        ("surface-to-surface missile launcher", "missile"),  # the classic register of October 2025 spells it out
        ("self-propelled air-defence system", "air-defence"),
        ("infantry fighting vehicle turret", "armoured-vehicle"),
        ("aircraft electro-optical system", "radar-sensor"),
        ("a description never seen", None),  # no head we know: the category decides
    ],
)
def test_the_head_of_the_phrase_decides(description, head):
    assert head_type(description) == head


def test_a_head_that_contradicts_the_category_gives_way_to_it():
    assert head_type("anti-ship missile") == "missile"
    assert sipri_type_slug("Naval weapons", "anti-ship missile") == "naval-weapon"
    assert sipri_type_slug("Naval weapons", "naval SAM system") == "air-defence"  # both layouts type it alike
    assert sipri_type_slug("Other", "APC turret") == "armoured-vehicle"  # SIPRI's Other agrees with any type
    assert sipri_type_slug("Sensors", "a description never seen") == "radar-sensor"


def test_every_category_and_head_names_one_of_our_types():
    assert set(CATEGORY_TYPES) <= set(SIPRI_CATEGORIES)
    assert {slug for types in CATEGORY_TYPES.values() for slug in types} <= reference.EQUIPMENT_TYPE_SLUGS
    assert {row["type"] for row in VOCABULARY} <= reference.EQUIPMENT_TYPE_SLUGS
