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
    assert Country.objects.filter(region="").count() == 0


def test_former_states_are_preloaded_without_iso_codes():
    soviet = Country.objects.get(name="Soviet Union")
    assert soviet.iso2 is None and "SUHH" in soviet.notes
    assert Country.objects.filter(iso2__isnull=True).count() == len(reference.HISTORICAL_STATES)


def test_loading_reference_data_twice_changes_nothing():
    before = (Country.objects.count(), EquipmentType.objects.count())
    assert reference.load_countries(apps) == (0, 0)
    assert reference.load_historical_states(apps) == 0
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
