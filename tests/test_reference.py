import importlib

import pytest
from django.apps import apps

from tracker import reference
from tracker.intake import categories
from tracker.models import Country, EquipmentType

pytestmark = pytest.mark.django_db


def test_every_iso_country_is_preloaded():
    assert Country.objects.states().count() == 249
    venezuela = Country.objects.get(iso2="VE")
    assert (venezuela.name, venezuela.iso3, venezuela.region, venezuela.subregion) == (
        "Venezuela",
        "VEN",
        "Americas",
        "South America",
    )
    assert Country.objects.get(iso3="RUS").name == "Russia"
    assert Country.objects.states().filter(region="").count() == 0
    assert set(Country.objects.states().values_list("kind", flat=True)) == {"state"}


def test_former_states_are_preloaded_without_iso_codes():
    soviet = Country.objects.get(name="Soviet Union")
    assert (soviet.iso2, soviet.kind) == (None, "former_state") and "SUHH" in soviet.notes
    assert Country.objects.filter(iso2__isnull=True).count() == len(list(reference.party_rows()))


def test_loading_reference_data_twice_changes_nothing():
    before = (Country.objects.count(), EquipmentType.objects.count())
    assert reference.load_countries(apps) == (0, 0)
    assert reference.load_historical_states(apps) == 0
    assert reference.load_parties(apps) == (0, 0)
    assert reference.load_equipment_types(apps) == 0
    reference.sync_roles(apps)
    assert (Country.objects.count(), EquipmentType.objects.count()) == before


def test_reload_keeps_a_curators_display_name_and_repairs_codes():
    Country.objects.filter(iso2="CI").update(name="Ivory Coast", region="Nowhere")
    assert reference.load_countries(apps) == (0, 1)
    ivory = Country.objects.get(iso2="CI")
    assert (ivory.name, ivory.region) == ("Ivory Coast", "Africa")


def test_equipment_types_preloaded():
    slugs = set(EquipmentType.objects.values_list("slug", flat=True))
    assert slugs == reference.EQUIPMENT_TYPE_SLUGS
    assert {"uav", "radar-sensor", "electronic-warfare", "combat-aircraft", "air-defence"} <= slugs


@pytest.mark.parametrize(
    "mapping", [categories.SIPRI_CATEGORIES, categories.UNROCA_CATEGORIES], ids=["sipri", "unroca"]
)
def test_every_external_category_maps_to_one_of_our_types(mapping):
    assert set(mapping.values()) <= reference.EQUIPMENT_TYPE_SLUGS
    assert len(mapping) >= 12


@pytest.mark.parametrize(
    ("category", "description", "slug"),
    [
        ("Aircraft", "FGA aircraft", "combat-aircraft"),
        ("Aircraft", "transport aircraft", "aircraft-other"),
        ("Aircraft", "tanker/transport aircraft", "aircraft-other"),
        ("Aircraft", "UAV", "uav"),
        ("Aircraft", "light helicopter", "helicopter"),
        ("Air defence systems", "SAM system", "air-defence"),
        ("Missiles", "SAM", "missile"),
        ("Sensors", "air search radar", "radar-sensor"),
        ("Ships", "gunboat", "ship"),
        ("Armoured vehicles", "tank", "armoured-vehicle"),
        ("Engines", "", "engine"),
        ("", "something new", None),
    ],
)
def test_sipri_description_refines_category(category, description, slug):
    assert categories.sipri_type_slug(category, description) == slug


def test_the_kinds_migration_gives_every_party_its_kind():
    """Adding the field made every row a non-state party: former states and SIPRI's parties get their kind."""
    migration = importlib.import_module("tracker.migrations.0011_country_kinds")
    Country.objects.filter(name__in=["Soviet Union", "United Nations"]).update(kind="non_state")
    Country.objects.filter(name="NATO").delete()
    made = Country.objects.create(name="Nato", notes="Added by a curator before the reference data had it.")
    brigade = Country.objects.create(name="Secret Brigade")
    migration.give_kinds(apps, None)
    kinds = dict(Country.objects.filter(iso2__isnull=True).values_list("name", "kind"))
    assert (kinds["Soviet Union"], kinds["United Nations"], kinds["Nato"]) == (
        "former_state",
        "organisation",
        "organisation",
    )
    assert kinds[brigade.name] == "non_state" and "NATO" not in kinds
    made.refresh_from_db()
    assert made.notes.startswith("Added by a curator")
    assert set(Country.objects.states().values_list("kind", flat=True)) == {"state"}
