from pathlib import Path

import pytest

from tracker.models import ArmsRequest, Citation, Deployment, Person, RequestItem, Source, System
from tracker.samples.demo import load_demo

pytestmark = pytest.mark.django_db

ARTICLE = (Path(__file__).parent.parent / "tracker" / "data" / "seed_article.txt").read_text(encoding="utf-8")
MODELS = [ArmsRequest, RequestItem, Deployment, Citation, Source, Person, System]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_load_twice_gives_the_same_counts():
    load_demo()
    first = counts()
    assert first == {
        "ArmsRequest": 4,
        "RequestItem": 10,
        "Deployment": 4,
        "Citation": 12,
        "Source": 2,
        "Person": 3,
        "System": 1,
    }
    assert load_demo() == dict.fromkeys(["sources", "people", "systems", "requests", "deployments"], 0)
    assert counts() == first


def test_demo_reload_keeps_curator_edits(demo):
    request = ArmsRequest.objects.get(external_id="demo:2025-ve-ru-repairs")
    request.summary = "Edited by a curator"
    request.save()
    load_demo()
    request.refresh_from_db()
    assert request.summary == "Edited by a curator"


def test_who_asked_whom(demo):
    pairs = sorted(ArmsRequest.objects.published().values_list("requester__iso2", "supplier__iso2", "status"))
    assert pairs == [
        ("VE", "CN", "requested"),
        ("VE", "IR", "delivered"),
        ("VE", "IR", "requested"),
        ("VE", "RU", "requested"),
    ]
    russia = ArmsRequest.objects.get(external_id="demo:2025-ve-ru-repairs")
    assert russia.requested_by.name == "Nicolas Maduro"
    assert russia.items.get(system__designation="Su-30MK2").help_kind == "repair"
    iran = ArmsRequest.objects.get(external_id="demo:2025-ve-ir-sensors-jammers-drones")
    assert iran.requested_by.name == "Ramon Celestino Velasquez"
    assert set(iran.items.values_list("equipment_type__slug", flat=True)) == {
        "radar-sensor",
        "electronic-warfare",
        "uav",
    }


def test_every_quote_is_verbatim_from_the_article(demo):
    # A quote may join several sentences of the article; each one must be in it word for word.
    for quote in Citation.objects.values_list("quote", flat=True):
        for sentence in split_sentences(quote):
            assert sentence in ARTICLE, sentence


def split_sentences(quote):
    """Split a citation quote back into the article sentences it was built from."""
    from tracker.samples import demo as demo_module

    sentences = [value for name, value in vars(demo_module).items() if name.startswith("S_")]
    parts, rest = [], quote
    while rest:
        match = next((s for s in sentences if rest.startswith(s)), None)
        assert match, f"quote does not start with an article sentence: {rest[:80]}"
        parts.append(match)
        rest = rest[len(match) :].lstrip()
    return parts


def test_truth_before_completeness(demo):
    # Nobody reported a number: none is filled in.
    assert not RequestItem.objects.exclude(quantity_requested=None).exists()
    assert not RequestItem.objects.exclude(quantity_delivered=None).exists()
    assert not Deployment.objects.exclude(quantity=None).exists()
    assert not Deployment.objects.exclude(personnel=None).exists()
    troops = Deployment.objects.get(external_id="demo:2025-us-caribbean-troops")
    assert troops.description == "thousands of troops"
    # The article gives only its year.
    assert set(ArmsRequest.objects.values_list("date_precision", flat=True)) == {"year"}
    assert {r.date_display for r in ArmsRequest.objects.all()} == {"2025"}
    # Hedges are kept on the items they qualify.
    hedged = set(RequestItem.objects.filter(hedged=True).values_list("description", flat=True))
    assert hedged == {"possibly missile supplies", "almost certainly drones with a range of 1,000 km"}


def test_every_demo_record_is_published_with_a_citation(demo):
    assert ArmsRequest.objects.published().count() == ArmsRequest.objects.count() == 4
    assert Deployment.objects.published().count() == Deployment.objects.count() == 4
    ford = Deployment.objects.get(unit="USS Gerald R. Ford carrier strike group")
    assert ford.status == "announced" and ford.country.iso2 == "US"
