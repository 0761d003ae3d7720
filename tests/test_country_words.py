"""tracker/data/country_words.csv: the demonyms, capitals, metonyms and short names the article reader looks for.

The file is built by hand (tracker/data/build_country_words.py); these tests check what the reader relies on:
known countries, one country per word, no word that is another country's name, and the words news uses most.
"""

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from tracker.models.country_names import ALIASES, normalise_name

DATA = Path(__file__).resolve().parent.parent / "tracker" / "data"


def read(name):
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


WORDS = read("country_words.csv")
COUNTRIES = read("countries.csv")
BY_WORD = {row["word"]: row for row in WORDS}


def test_columns_kinds_and_one_row_per_word():
    assert list(WORDS[0]) == ["iso2", "kind", "word"]
    assert {row["kind"] for row in WORDS} == {"name", "capital", "demonym", "metonym"}
    assert len(BY_WORD) == len(WORDS)
    assert all(row["word"] == row["word"].strip() and row["word"] for row in WORDS)


def test_every_country_is_an_iso_country_of_countries_csv():
    iso2s = {row["iso2"] for row in COUNTRIES}
    assert {row["iso2"] for row in WORDS} <= iso2s


def test_no_word_maps_to_two_countries():
    countries = defaultdict(set)
    for row in WORDS:
        countries[normalise_name(row["word"])].add(row["iso2"])
    assert {word: iso2s for word, iso2s in countries.items() if len(iso2s) > 1} == {}


def test_no_word_is_a_name_of_another_country():
    owner = defaultdict(set)
    for row in COUNTRIES:
        for name in (row["name"], row["official_name"]):
            owner[normalise_name(name)].add(row["iso2"])
    for alias, target in ALIASES.items():
        if len(target) == 2 and target.isupper():
            owner[normalise_name(alias)].add(target)
    clashes = [row for row in WORDS if owner.get(normalise_name(row["word"]), {row["iso2"]}) != {row["iso2"]}]
    assert clashes == []


def test_metonyms_are_stored_without_the():
    assert not [row["word"] for row in WORDS if row["word"].lower().startswith("the ")]


@pytest.mark.parametrize(
    "word, iso2, kind",
    [
        ("Moscow", "RU", "capital"),
        ("Caracas", "VE", "capital"),
        ("Tehran", "IR", "capital"),
        ("Washington", "US", "capital"),
        ("Kyiv", "UA", "capital"),
        ("Beijing", "CN", "capital"),
        ("Kremlin", "RU", "metonym"),
        ("Pentagon", "US", "metonym"),
        ("White House", "US", "metonym"),
        ("Downing Street", "GB", "metonym"),
        ("Élysée", "FR", "metonym"),
        ("Elysee", "FR", "metonym"),
        ("Zhongnanhai", "CN", "metonym"),
        ("Venezuelan", "VE", "demonym"),
        ("Iranian", "IR", "demonym"),
        ("Iranians", "IR", "demonym"),
        ("Russian", "RU", "demonym"),
        ("American", "US", "demonym"),
        ("Nigerien", "NE", "demonym"),
        ("Nigerian", "NG", "demonym"),
        ("Emirati", "AE", "demonym"),
        ("Saudi", "SA", "demonym"),
        ("Belarusian", "BY", "demonym"),
        ("US", "US", "name"),
        ("America", "US", "name"),
    ],
)
def test_words_news_uses(word, iso2, kind):
    assert BY_WORD.get(word) == {"iso2": iso2, "kind": kind, "word": word}


@pytest.mark.parametrize(
    "word",
    ["Victoria", "Kingston", "Georgetown", "Santiago", "San José", "San Jose", "Congolese", "Dominican", "Guinean"]
    + ["the Kremlin", "Brussels", "Vienna", "Malé", "Male", "Reunion", "Central African"],
)
def test_ambiguous_words_are_left_out(word):
    assert word not in BY_WORD


def test_words_already_names_or_aliases_are_not_repeated():
    names = {row["name"] for row in COUNTRIES} | {row["official_name"] for row in COUNTRIES} | set(ALIASES)
    assert not [row["word"] for row in WORDS if row["word"] in names]
