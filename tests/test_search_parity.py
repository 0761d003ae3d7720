"""Free text and names answer the same on both databases (CI runs this file on SQLite and on PostgreSQL).

Each query's expected answer is written once, here, so passing on both databases means the same
answer on both: no stemming ("drones" does not find "drone"), no stop words ("the" is a word), accents
and case folded alike, hyphens splitting words, every word a prefix.
"""

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat

from tracker.models import ArmsRequest, Citation, Country, Deployment, Person, RequestItem, Source, System
from tracker.models import search as search_module
from tracker.models.names import NAME_KEYS, NameKey, key_words, name_key
from tracker.models.search import DEPLOYMENT_FTS_TABLE, FTS_TABLE

pytestmark = pytest.mark.django_db

SUMMARIES = {
    "the": "The Navy asks for the radar",
    "drone": "One drone",
    "drones": "Many drones",
    "perez": "Juan Pérez signs",
    "velasquez": "VELÁSQUEZ, RAMÓN asks",
    "su30": "Su-30MK2 repairs",
    "cyrillic": "ПЁТР asks for a Т-72",
    "lodz": "Łódź factory",
    "ligature": "ﬁnal ｆｕｌｌ-width order",
    "numbers": "1,000 km drones; S-400",
}


@pytest.fixture
def documents(countries, types, source):
    made = {}
    for key, summary in SUMMARIES.items():
        request = ArmsRequest.objects.create(
            requester=countries["VE"], supplier=countries["RU"], summary=summary, published=True, external_id=key
        )
        Citation.objects.create(source=source, request=request, credibility=2)
        made[key] = request
        deployment = Deployment.objects.create(
            country=countries["RU"], description=summary, published=True, external_id=key
        )
        Citation.objects.create(source=source, deployment=deployment, credibility=2)
    return made


QUERIES = [
    ("the", {"the"}),  # a stop word to PostgreSQL's english configuration, which found nothing
    ("THE NAVY", {"the"}),
    ("drone", {"drone", "drones", "numbers"}),  # a prefix
    ("drones", {"drones", "numbers"}),  # no stemming: "drones" is not "drone"
    ("perez", {"perez"}),
    ("PÉREZ juan", {"perez"}),
    ("velasq ramon", {"velasquez"}),
    ("velásquez", {"velasquez"}),
    ("su-30", {"su30"}),
    ("su 30mk", {"su30"}),
    ("30mk2", {"su30"}),
    ("петр", set()),  # Cyrillic keeps its accents: ё is not е
    ("пётр т", {"cyrillic"}),
    ("ПЁТР", {"cyrillic"}),
    ("łódź", {"lodz"}),
    ("LODZ", set()),  # ł has no decomposition: it stays ł on both
    ("final full", {"ligature"}),
    ("1", {"numbers"}),
    ("s-400 km", {"numbers"}),
    ("radar navy the", {"the"}),
    ("drones navy", set()),
    ("zzzz", set()),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_requests_and_deployments_find_the_same_on_both_databases(documents, query, expected):
    assert set(ArmsRequest.objects.matching(query).values_list("external_id", flat=True)) == expected
    assert set(Deployment.objects.matching(query).values_list("external_id", flat=True)) == expected


def test_a_search_of_many_matches_keeps_the_condition_and_of_few_narrows_to_ids(documents, monkeypatch):
    monkeypatch.setattr(search_module, "FEW", 2)
    many, count = ArmsRequest.objects.matching_counted("drone")
    assert count == 3 and ("MATCH" in str(many.query) or "@@" in str(many.query))
    assert set(many.values_list("external_id", flat=True)) == {"drone", "drones", "numbers"}
    few, count = ArmsRequest.objects.matching_counted("drones")
    assert count == 2 and "MATCH" not in str(few.query) and "@@" not in str(few.query)
    assert set(few.values_list("external_id", flat=True)) == {"drones", "numbers"}


def test_no_words_means_no_filter_and_no_count(documents):
    rows, count = ArmsRequest.objects.matching_counted("-- '&|' --")
    assert count is None and rows.count() == len(SUMMARIES)


# ------------------------------------------------------------------ names

TRICKY = [
    "Su-30MK2",
    "Ramón Celestino Velásquez",
    "ŁÓDŹ",
    "Côte d’Ivoire",
    "ПЁТР Т-72",
    "İstanbul",
    "Æsir ß ﬁ",
    "e\u0301e\u0301",  # decomposed accents
    "100% _under_\\score",
    "tab\tand\u00a0nbsp",
    "Ωμέγα ΣΊΣΥΦΟΣ",
    "日本語 العربية",
]


def test_the_database_reduces_a_name_exactly_as_python_does(types):
    """NameKey in SQL (PostgreSQL's generated column, SQLite's function) equals name_key() in Python."""
    for text in TRICKY:
        slug = f"s-{TRICKY.index(text)}"
        system = System.objects.create(designation=text, slug=slug, equipment_type=types["uav"])
        person = Person.objects.create(name=text)
        source = Source.objects.create(outlet=text, title="Title", url="")
        assert System.objects.annotate(k=NameKey("designation")).get(pk=system.pk).k == name_key(text), text
        assert Person.objects.annotate(k=NameKey("name")).get(pk=person.pk).k == name_key(text), text
        key = Source.objects.annotate(k=NameKey(Concat("outlet", Value(" "), "title"))).get(pk=source.pk).k
        assert key == name_key(f"{text} Title"), text


def test_name_keys_fold_case_accents_and_punctuation():
    assert name_key("Su-30MK2") == " su 30mk2"
    assert key_words("VELÁSQUEZ, Ramón") == ["velasquez", "ramon"]
    assert key_words("ПЁТР") == ["пётр"] and key_words("100%_x") == ["100", "x"]
    assert key_words("e\u0301") == ["e"]


@pytest.fixture
def named(countries, types, source):
    """Names in public use: a published request asks for each system and names each person."""
    systems = [
        System.objects.create(designation=d, slug=s, equipment_type=types["combat-aircraft"])
        for d, s in [("Su-30MK2", "su-30mk2"), ("Su-35", "su-35"), ("S-400 Triumf", "s-400"), ("MiG-29", "mig-29")]
    ]
    persons = [Person.objects.create(name=n) for n in ["Ramón Celestino Velásquez", "Juan Pérez", "Delcy Rodríguez"]]
    request = ArmsRequest.objects.create(
        requester=countries["VE"],
        supplier=countries["RU"],
        requested_by=persons[0],
        addressed_to=persons[1],
        published=True,
    )
    for system in systems:
        RequestItem.objects.create(request=request, equipment_type=types["combat-aircraft"], system=system)
    Citation.objects.create(source=source, request=request, credibility=2)
    other = ArmsRequest.objects.create(
        requester=countries["VE"], supplier=countries["CN"], requested_by=persons[2], published=True
    )
    Citation.objects.create(source=Source.objects.create(outlet="El País", title="Más drones"), request=other)
    return systems, persons


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Su-30", {"Su-30MK2"}),
        ("su30mk2", {"Su-30MK2"}),
        ("SU 30 MK2", {"Su-30MK2"}),
        ("30mk", {"Su-30MK2"}),
        ("su", {"Su-30MK2", "Su-35"}),
        ("s-400", {"S-400 Triumf"}),
        ("s400", {"S-400 Triumf"}),
        ("triumf s", {"S-400 Triumf"}),
        ("mig", {"MiG-29"}),
        ("29", {"MiG-29"}),
        ("k2", {"Su-30MK2"}),  # inside the designation without its hyphen
        ("z", set()),
        ("--", set()),
    ],
)
def test_systems_by_designation(named, query, expected):
    assert set(System.objects.in_public_use().named(query).values_list("designation", flat=True)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("velasq", {"Ramón Celestino Velásquez"}),
        ("VELASQUEZ ramon", {"Ramón Celestino Velásquez"}),
        ("cel vel", {"Ramón Celestino Velásquez"}),
        ("perez", {"Juan Pérez"}),
        ("rodri delcy", {"Delcy Rodríguez"}),
        ("elasquez", set()),  # each word from the start of a word
        ("juan velasquez", set()),  # every word in one name
    ],
)
def test_persons_by_name(named, query, expected):
    assert set(Person.objects.in_public_use().named(query).values_list("name", flat=True)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pais drones", {"El País"}),
        ("EL PAÍS", {"El País"}),
        ("test wire report", {"Test Wire"}),
        ("mas", {"El País"}),
    ],
)
def test_sources_by_outlet_and_title(named, query, expected):
    assert set(Source.objects.in_public_use().named(query).values_list("outlet", flat=True)) == expected


US = {"United States", "United States Minor Outlying Islands", "United States Virgin Islands", "Mexico"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("VE", {"Venezuela", "Cabo Verde"}),  # the code, and a word that starts so
        ("ven", {"Venezuela"}),
        ("venez", {"Venezuela"}),
        ("bolivarian", {"Venezuela"}),  # the ISO name
        ("cote d ivoire", {"Côte d'Ivoire"}),
        ("côte", {"Côte d'Ivoire"}),
        ("rus fed", {"Russia"}),
        ("united states", US),
        ("states united", US),  # in any order, each word in one of the names
        ("united mex", {"Mexico"}),  # "United Mexican States"
        ("hezbollah", set()),  # a party no published record names
        ("zz", set()),
    ],
)
def test_countries_by_code_and_name(named, query, expected):
    assert set(Country.objects.named(query).values_list("name", flat=True)) == expected


def test_a_code_typed_whole_comes_first(named):
    assert [c.name for c in Country.objects.named("ve")] == ["Venezuela", "Cabo Verde"]
    assert [c.name for c in Country.objects.named("VEN")] == ["Venezuela"]


def test_a_party_is_found_by_its_sipri_names_once_in_public_use(countries, source):
    houthis = Country.objects.get(name="Houthi rebels (Yemen)")
    assert not Country.objects.named("huthi").exists()
    request = ArmsRequest.objects.create(requester=houthis, supplier=countries["IR"], published=True)
    Citation.objects.create(source=source, request=request, credibility=3)
    assert list(Country.objects.named("huthi")) == [houthis]  # SIPRI's older spelling, from its notes
    assert list(Country.objects.named("houthi rebels")) == [houthis]


# ------------------------------------------------------------------ the indexes stay in place


def test_the_full_text_indexes_and_name_keys_exist():
    """A later migration that rebuilds a table on SQLite drops its triggers; PostgreSQL's columns are raw SQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            triggers = {row[0] for row in cursor.fetchall()}
            for table in (FTS_TABLE, DEPLOYMENT_FTS_TABLE):
                assert {f"{table}_insert", f"{table}_delete", f"{table}_update"} <= triggers
        else:
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE column_name IN ('search_vector', 'name_key')"
            )
            columns = set(cursor.fetchall())
            assert {("tracker_armsrequest", "search_vector"), ("tracker_deployment", "search_vector")} <= columns
            assert {(table, "name_key") for table in NAME_KEYS} <= columns
