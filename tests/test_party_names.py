"""Every party a SIPRI register names resolves, to a party of the right kind, and never to another party.

`sipri_parties.csv` is a cut of the real register (see tests/data/README.md); the test marked `registers`
reads every Supplier and Recipient of the whole shared register and runs only in `make test-registers`.
"""

import csv
from pathlib import Path

import pytest
from django.apps import apps

from tracker import reference
from tracker.intake.country_names import ALIASES, CountryResolver, marks, normalise_name
from tracker.intake.engine import run_import
from tracker.models import Country, CountryKind

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "sipri_parties.csv"
REGISTER = ROOT.parent / "shared" / "data" / "sipri" / "trade-register-current-1990-2023.csv"

# Names without a mark that SIPRI gives to parties without ISO code, and what they are.
UNMARKED_PARTIES = {
    "Czechoslovakia": CountryKind.FORMER_STATE,
    "East Germany (GDR)": CountryKind.FORMER_STATE,
    "Soviet Union": CountryKind.FORMER_STATE,
    "Yugoslavia": CountryKind.FORMER_STATE,
    "South Vietnam": CountryKind.FORMER_STATE,
    "Biafra": CountryKind.FORMER_STATE,
    "Katanga": CountryKind.FORMER_STATE,
    "Kosovo": CountryKind.UNRECOGNISED_STATE,
    "Northern Cyprus": CountryKind.UNRECOGNISED_STATE,
    "Libya GNC": CountryKind.UNRECOGNISED_STATE,
}


def party_names(path):
    """Every distinct Supplier and Recipient of a current-layout register."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("SIPRI AT Database ID,"))
    rows = list(csv.DictReader(lines[start:]))
    assert rows, f"no deals in {path}"
    return {name for row in rows for name in (row["Supplier"], row["Recipient"]) if name}


def expected_kind(name):
    """What SIPRI says the name is: its mark, its words, or (unmarked) a state unless listed above."""
    if marks(name) >= 2:
        return CountryKind.ORGANISATION
    if marks(name) == 1:
        return CountryKind.NON_STATE
    if name.lower().startswith("unknown"):
        return CountryKind.UNKNOWN
    return UNMARKED_PARTIES.get(name, CountryKind.STATE)


def names_of(country):
    """Every key that may name this country: its names, its codes and the aliases listed for it."""
    keys = {normalise_name(country.name), normalise_name(country.official_name)}
    if country.iso2:
        keys |= {country.iso2.lower(), country.iso3.lower()}
    targets = {country.iso2, normalise_name(country.name)}
    keys |= {
        normalise_name(alias)
        for alias, target in ALIASES.items()
        if target in targets or normalise_name(target) in targets
    }
    return keys - {""}


def wrong_resolutions(names):
    """(name, what it resolved to) for every name that resolves to nothing, to the wrong kind, or by a guess."""
    resolver = CountryResolver()
    wrong = []
    for name in sorted(names):
        found = resolver.resolve(name)
        if found is None or found.kind != expected_kind(name) or normalise_name(name) not in names_of(found):
            wrong.append((name, found and (found.name, found.kind)))
    return wrong


def test_every_party_in_the_register_sample_resolves_to_its_kind():
    names = party_names(SAMPLE)
    assert len(names) == 54
    assert wrong_resolutions(names) == []


@pytest.mark.registers
def test_every_party_in_the_shared_register_resolves_to_its_kind():
    assert REGISTER.is_file(), f"{REGISTER} is missing: make test-registers needs ../shared/data/ beside the project"
    names = party_names(REGISTER)
    assert len(names) == 228
    assert wrong_resolutions(names) == []


@pytest.mark.parametrize(
    ("name", "party", "kind"),
    [
        ("PRC (Israel/Palestine)*", "PRC (Israel/Palestine)", CountryKind.NON_STATE),
        ("Hezbollah (Lebanon)*", "Hezbollah (Lebanon)", CountryKind.NON_STATE),
        ("Libya HoR*", "Libya HoR", CountryKind.NON_STATE),
        ("United Nations**", "United Nations", CountryKind.ORGANISATION),
        ("NATO**", "NATO", CountryKind.ORGANISATION),
        ("unknown supplier(s)", "Unknown supplier(s)", CountryKind.UNKNOWN),
        ("Unknown recipient(s)", "Unknown recipient(s)", CountryKind.UNKNOWN),
        ("unknown rebel group*", "Unknown rebel group", CountryKind.NON_STATE),
        ("Northern Cyprus", "Northern Cyprus", CountryKind.UNRECOGNISED_STATE),
        ("Kosovo", "Kosovo", CountryKind.UNRECOGNISED_STATE),
        ("XK", "Kosovo", CountryKind.UNRECOGNISED_STATE),
        ("Biafra", "Biafra", CountryKind.FORMER_STATE),
        ("Katanga", "Katanga", CountryKind.FORMER_STATE),
        ("South Vietnam", "South Vietnam", CountryKind.FORMER_STATE),
        ("Soviet Union", "Soviet Union", CountryKind.FORMER_STATE),
        # The classic layout's Cold War parties, and older spellings of today's
        ("ANC (South Africa)*", "ANC (South Africa)", CountryKind.NON_STATE),
        ("UNITA (Angola)*", "UNITA (Angola)", CountryKind.NON_STATE),
        ("Contras (Nicaragua)*", "Contras (Nicaragua)", CountryKind.NON_STATE),
        ("Mujahedin (Afghanistan)*", "Mujahedin (Afghanistan)", CountryKind.NON_STATE),
        ("PLO (Israel)*", "PLO (Israel)", CountryKind.NON_STATE),
        ("Viet Cong (South Vietnam)*", "Viet Cong (South Vietnam)", CountryKind.NON_STATE),
        ("PKK (Turkey)*", "PKK (Turkiye)", CountryKind.NON_STATE),
        ("Huthi rebels (Yemen)*", "Houthi rebels (Yemen)", CountryKind.NON_STATE),
        ("HoR (Libya)*", "Libya HoR", CountryKind.NON_STATE),  # the classic register of October 2025
        ("Palestinian Islamic Jihad (Israel/Palestine)*", "PIJ (Israel/Palestine)", CountryKind.NON_STATE),
    ],
)
def test_sipri_parties_resolve_to_themselves(name, party, kind):
    found = CountryResolver().resolve(name)
    assert (found.name, found.kind, found.iso2) == (party, kind, None)


def test_the_popular_resistance_committees_are_never_china():
    resolver = CountryResolver()
    assert resolver.resolve("PRC (Israel/Palestine)*").name == "PRC (Israel/Palestine)"
    assert resolver.resolve("PRC").iso2 == "CN"  # the alias still holds on its own
    Country.objects.filter(name="PRC (Israel/Palestine)").delete()
    assert CountryResolver().resolve("PRC (Israel/Palestine)*") is None  # a bad row, not China


@pytest.mark.parametrize(
    "name",
    [
        "China*",  # a state is not a non-state party
        "Russia**",
        "NATO*",  # an organisation is not a non-state party
        "Hezbollah (Lebanon)**",
        "China (Israel/Palestine)*",  # no bracket is stripped to find something
        "Lebanon (Hezbollah)",
        "Russia (Wagner)",
        "Atlantis",
        "Freedom Front (Atlantis)*",
        "unknown",
    ],
)
def test_a_name_is_never_guessed(name):
    assert CountryResolver().resolve(name) is None


def test_every_country_is_found_by_its_own_name_and_no_alias_is_dangling():
    """No reference party hides another: each row's name resolves to that row; every alias names a row."""
    resolver = CountryResolver()
    assert [c.name for c in Country.objects.all() if resolver.resolve(c.name) != c] == []
    assert [alias for alias in ALIASES if resolver.resolve(alias) is None] == []


def test_the_register_sample_imports_with_every_party_resolved():
    outcome = run_import("requests", SAMPLE.read_bytes(), "sipri_parties.csv", dry_run=True)
    assert [p for p in outcome.problems if p.column in ("Supplier", "Recipient")] == []
    count = Country.objects.count()
    run_import("requests", SAMPLE.read_bytes(), "sipri_parties.csv", skip_invalid=True)
    assert Country.objects.count() == count  # resolved, never created


def test_reference_parties_have_their_kind_and_no_iso_code():
    kinds = dict(Country.objects.filter(iso2__isnull=True).values_list("name", "kind"))
    expected = {name: kind for name, kind, *_ in reference.party_rows()}
    assert kinds == expected
    assert set(kinds.values()) == set(CountryKind.values) - {CountryKind.STATE}
    assert reference.load_parties(apps) == (0, 0)
