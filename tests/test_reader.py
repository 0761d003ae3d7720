"""The article reader (tracker/reader/): the seed article, small texts of our own, the command's output.

The shared articles are other people's writing: `make test-articles` scores the reader on them; here
we use the project's copy of the seed article and sentences written for these tests.
"""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tracker.models import ArmsRequest, Capture, Job, Source, System
from tracker.reader import article as articles
from tracker.reader.dates import dates_in
from tracker.reader.output import read

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parent.parent / "tracker" / "data" / "seed_article.txt"


def proposal(body, published=None, precision=""):
    return read(articles.Article(body=body, published=published, precision=precision))


def pairs(found):
    return [(r["requester"]["code"], r["supplier"]["code"], r["status"]) for r in found["requests"]]


def quotes(found):
    for request in found["requests"]:
        yield request["quote"]
        yield from (item["quote"] for item in request["items"])
    yield from (deployment["quote"] for deployment in found["deployments"])


@pytest.fixture
def systems(types):
    for designation, slug in [
        ("Su-30MK2", "combat-aircraft"),
        ("Su-35", "combat-aircraft"),
        ("Commander", "aircraft-other"),
    ]:
        System.objects.create(designation=designation, equipment_type=types[slug], slug=designation.lower())


def test_the_seed_article_gives_its_four_requests_and_the_deployment(countries, systems):
    body = SEED.read_text(encoding="utf-8")
    found = proposal(body)
    assert pairs(found) == [("VE", "RU", "requested"), ("VE", "CN", "requested"), ("VE", "IR", "delivered"),
                            ("VE", "IR", "requested")]  # fmt: skip
    russia = found["requests"][0]
    assert russia["channel"] == "letter" and "Nicolas Maduro" in russia["people"]
    kinds = {(i["equipment_type"], i["system"], i["help_kind"]) for i in russia["items"]}
    assert ("combat-aircraft", "Su-30MK2", "repair") in kinds or ("aircraft-other", "Su-30MK2", "repair") in kinds
    hedged = [i for i in russia["items"] if i["hedged"]]
    assert [i["description"] for i in hedged] == ["missile supplies"]  # "possibly missile supplies"
    iran = found["requests"][3]
    assert [i["equipment_type"] for i in iran["items"]] == ["radar-sensor", "electronic-warfare", "uav"]
    assert iran["items"][2]["hedged"] is True  # "almost certainly drones"
    assert [(d["country"]["code"], d["location"]) for d in found["deployments"]] == [("US", "the Caribbean")]
    for quote in quotes(found):
        assert body[quote["start"] : quote["end"]] == quote["text"] and quote["text"]


def test_nothing_is_proposed_from_a_report_without_a_request(countries):
    body = (
        "North Korea fired a ballistic missile into the sea on Thursday, the military said. "
        "Japan lodged a protest through diplomatic channels. "
        "Officials said the opposition was seeking regime change, not weapons."
    )
    assert proposal(body, datetime.date(2022, 10, 14), "day")["requests"] == []


def test_a_request_naming_no_supplier_gets_the_unknown_party_never_a_guess(countries):
    found = proposal("Poland intends to buy six additional Patriot missile batteries, the minister said on Tuesday.")
    (request,) = found["requests"]
    assert request["supplier"] == {"code": None, "name": "Unknown supplier(s)"}
    assert request["items"][0]["quantity_requested"] == 6 and request["items"][0]["system"] == "Patriot"


@pytest.mark.parametrize(
    "words, quantity",
    [
        ("14 missile units", 14),
        ("twelve fighter jets", 12),
        ("some 300 tanks", None),
        ("up to 300 tanks", None),
        ("at least 12 tanks", None),
        ("several fighter jets", None),
        ("dozens of drones", None),
    ],
)
def test_a_quantity_only_when_the_text_gives_an_exact_number(countries, words, quantity):
    (request,) = proposal(f"Serbia asked Russia for {words}.")["requests"]
    assert request["items"][0]["quantity_requested"] == quantity


@pytest.mark.parametrize(
    "text, published, precision, expected",
    [
        ("last week", datetime.date(2022, 7, 18), "day", ["2022-07"]),  # a week is a month at most
        ("last week", datetime.date(2022, 7, 3), "day", []),  # ... and nothing when it may be June
        ("on Sunday", datetime.date(2022, 9, 5), "day", ["2022-09-04"]),
        ("on Sunday", datetime.date(2022, 9, 1), "month", ["2022-09"]),  # the article gives a month only
        ("in mid-October", datetime.date(2025, 10, 31), "day", ["2025-10"]),
        ("in mid-October", datetime.date(2025, 3, 1), "day", ["2024-10"]),  # not a future October
        ("In August 2022", datetime.date(2022, 9, 5), "day", ["2022-08"]),
        ("in 2019", None, "", ["2019"]),
        ("some 1,000 troops and 2020 drones", None, "", []),  # a count is not a year
    ],
)
def test_dates_keep_the_precision_the_words_give(text, published, precision, expected):
    assert [found.iso for found in dates_in(text, 0, published, precision)] == expected


def test_a_date_after_publication_is_not_taken(countries):
    (request,) = proposal(
        "Iran asked Russia for Su-35 fighter jets in December 2022.", datetime.date(2022, 9, 5), "day"
    )["requests"]
    assert request["date"] is None


def test_a_refusal_is_the_askers_request_refused(countries):
    body = "German Chancellor Olaf Scholz ruled out supplying Taurus cruise missiles to Ukraine in May 2023."
    (request,) = proposal(body)["requests"]
    assert (request["requester"]["code"], request["supplier"]["code"], request["status"]) == ("UA", "DE", "refused")


def test_plain_word_designations_are_systems_only_before_an_equipment_word(countries, systems):
    found = proposal("The Commander of the air force said Iran asked Russia for Su-35 fighter jets.")
    (request,) = found["requests"]
    assert [item["system"] for item in request["items"]] == ["Su-35"]


def test_the_shared_header_format_is_read_and_offsets_count_from_the_body(tmp_path, countries):
    file = tmp_path / "a.txt"
    body = "Ukraine asked Germany for Taurus cruise missiles last week."
    file.write_text(f"Title: A test\nOutlet: Test desk\nURL: https://example.org/a\nPublished: 2023-05-26\n\n{body}\n")
    out = io.StringIO()
    call_command("read_article", str(file), "--json", stdout=out)
    found = json.loads(out.getvalue())
    assert found["source"] == {"title": "A test", "outlet": "Test desk", "url": "https://example.org/a",
                               "published": "2023-05-26", "author": None}  # fmt: skip
    (request,) = found["requests"]
    assert request["date"] == "2023-05" and request["quote"]["start"] == 0
    assert request["items"][0]["system"] == "Taurus" and request["items"][0]["equipment_type"] == "missile"


def test_reading_writes_nothing(tmp_path, countries, settings):
    settings.EVIDENCE_CAPTURE = True
    before = (ArmsRequest.objects.count(), Source.objects.count(), Capture.objects.count(), Job.objects.count())
    call_command("read_article", str(SEED), "--json", stdout=io.StringIO())
    assert (ArmsRequest.objects.count(), Source.objects.count(), Capture.objects.count(), Job.objects.count()) == before


def test_a_saved_page_is_read_through_its_main_text(tmp_path, countries):
    page = tmp_path / "saved.html"
    page.write_text(
        "<html><head><title>Armenia buys radars</title><meta name='author' content='A. Writer'>"
        "<meta property='article:published_time' content='2020-03-02'></head><body><nav>Home</nav><article>"
        "<p>Armenia has signed a contract with India for four SWATHI weapon-locating radars, officials said.</p>"
        "<p>Deliveries are expected within months, according to officials in both capitals.</p></article></body></html>"
    )
    out = io.StringIO()
    call_command("read_article", str(page), "--json", stdout=out)
    found = json.loads(out.getvalue())
    assert (
        found["source"]["published"] == "2020-03-02" and found["source"]["author"] == "A Writer"
    )  # as trafilatura gives it
    (request,) = found["requests"]
    item = request["items"][0]
    assert (item["system"], item["quantity_requested"], request["status"]) == ("SWATHI", 4, "agreed")


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("read_article", str(tmp_path / "nope.txt"))
