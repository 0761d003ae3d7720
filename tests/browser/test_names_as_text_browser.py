"""Names are text, wherever a page shows them (issue 19, "Markup from a name").

An editor renamed Mongolia to a name carrying an image and a phishing link, and the map's tooltip drew them. Here
markup is planted in every name the map, the network and the timelines show (a state with a shape, a non-state
party with no ISO code, a system, an equipment type, a person), and each page, tooltip and suggestion must show it
as the literal text it is: no planted element in the DOM, no script run, no Content-Security-Policy breach.
"""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.test_maps_browser import drawn, offline_page
from tracker.dates import DatePrecision
from tracker.models import (
    ArmsRequest,
    Citation,
    Country,
    Deployment,
    EquipmentType,
    Person,
    RequestItem,
    Source,
    System,
)

pytestmark = pytest.mark.django_db(transaction=True)

# A planted element carries data-planted, so finding one in the DOM is one query; onerror would set a flag if run.
TAIL = '<img src=x data-planted onerror="planted=1"><a data-planted href="https://evil.example/">Sign in again</a>'
MONGOLIA = f"Mongolia {TAIL}"
PARTY = f"Front {TAIL}"
SYSTEM = f"S-300 {TAIL}"
TYPE = '<b data-planted>Radars</b><a data-planted href="https://evil.example/">x</a>'
PERSON = f"Batbayar {TAIL}"
UNIT = f"Battalion {TAIL}"


@pytest.fixture
def planted(site):
    """The demo, with markup in the names: Mongolia hosts a deployment known only by its host (a shaded shape with
    a tooltip) and asks the party; the party deploys among the demo's four (a marker); a system and a type named by
    both."""
    mongolia = Country.objects.get(iso2="MN")
    mongolia.name = MONGOLIA
    mongolia.save()
    party = Country.objects.create(name=PARTY, kind=Country.Kind.NON_STATE)
    kind = EquipmentType.objects.get(slug="combat-aircraft")
    kind.name = TYPE
    kind.save()
    system = System.objects.create(designation=SYSTEM, slug="s-300-planted", equipment_type=kind)
    source = Source.objects.create(outlet="Test Wire", title="Planted names", reliability="C")
    request = ArmsRequest.objects.create(
        requester=mongolia,
        supplier=party,
        requested_by=Person.objects.create(name=PERSON, country=mongolia),
        date=datetime.date(2024, 3, 1),
        date_precision=DatePrecision.MONTH,
        summary="Mongolia asks the party for radars",
    )
    RequestItem.objects.create(request=request, equipment_type=kind, system=system, description="radars")
    hosted = Deployment(country=party, host_country=mongolia, equipment_type=kind, system=system, description="radars")
    placed = Deployment(
        country=party,
        equipment_type=kind,
        system=system,
        unit=UNIT,
        description="radars",
        latitude=15,  # in the Caribbean, with the demo's four: a cluster of five
        longitude=-75,
        location_precision="region",
    )
    for record in (request, hosted, placed):
        record.save()
        Citation.objects.create(source=source, credibility=3, **{record.citation_field: record})
        record.published = True
        record.save()
    return {"party": party, "system": system, "request": request}


def nothing_planted(page):
    """No planted element came alive, no script of its ran, and no link leads to the phishing site."""
    expect(page.locator("[data-planted]")).to_have_count(0)
    expect(page.locator("a[href^='https://evil.example']")).to_have_count(0)
    assert page.evaluate("window.planted") is None


def hover_mongolia(page):
    """Points at Mongolia's shape, beside its count, and returns its tooltip."""
    shape = page.locator("path.country.hosting")
    expect(shape).to_have_count(1)
    shape.scroll_into_view_if_needed()
    box = shape.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.5)
    return page.locator(".leaflet-tooltip")


def test_names_with_markup_are_shown_as_text(browser, site, planted, shoot):
    party, system = planted["party"], planted["system"]
    with offline_page(browser) as (page, _):
        # The map: Mongolia's shape, hovered, names it in its tooltip; the party's marker names it in its label.
        page.goto(f"{site.url}/deployments/map/")
        drawn(page, "[data-deployment-map]")
        page.locator(".map").scroll_into_view_if_needed()
        words = f"{MONGOLIA}: 1 deployment known only by host country"
        expect(hover_mongolia(page)).to_have_text(words)
        shoot(page, "names-as-text-map-tooltip", full_page=False)
        nothing_planted(page)
        expect(page.locator(".country-count a")).to_have_attribute("title", words)
        expect(page.locator("#f-type")).to_contain_text(TYPE)
        cluster = page.locator(".map .dep-cluster")
        expect(cluster).to_have_accessible_name("5 deployments in Caribbean (wide region or sea): zoom in")
        cluster.click()  # one place: it opens into its five markers
        marker = page.locator(".map .dep-marker a[aria-label^='Front']")
        expect(marker).to_have_attribute("aria-label", f"{PARTY}: {UNIT[:79]}… (wide region or sea)")
        nothing_planted(page)

        # A country page: its map, with the same tooltip, and its timeline's caption.
        page.goto(f"{site.url}/countries/MN/")
        drawn(page, "[data-deployment-map]")
        expect(page.locator("figure.timeline figcaption")).to_contain_text(f"involving {MONGOLIA}")
        expect(hover_mongolia(page)).to_have_text(words)
        nothing_planted(page)

        # The network: the names round the circle, in the arrows' titles and in the list.
        page.goto(f"{site.url}/matrix/network/")
        drawn(page, "[data-network]")
        node = page.locator(f".network svg a.country[data-code='{party.code}']")
        expect(node.locator("title")).to_have_text(f"{PARTY}: asked 0 times, was asked 1 time")
        expect(node.locator("text.label")).to_have_text(f"{PARTY[:17]}…")
        node.locator("circle").hover()
        expect(page.locator(".network-list")).to_contain_text(f"{MONGOLIA} → {PARTY}", use_inner_text=False)
        page.locator(".network-list-box summary").click()
        shoot(page, "names-as-text-network")
        nothing_planted(page)

        # The party's page and the system's: their timelines' captions.
        page.goto(f"{site.url}/countries/{party.code}/")
        expect(page.locator("figure.timeline figcaption")).to_contain_text(f"involving {PARTY}")
        nothing_planted(page)
        page.goto(f"{site.url}/systems/{system.slug}/")
        expect(page.locator("figure.timeline figcaption")).to_contain_text(f"naming {SYSTEM}")
        nothing_planted(page)

        # The request list: its rows, its summary (fetched by a script), the system box's suggestions.
        page.goto(f"{site.url}/requests/?requester=MN")
        expect(page.locator("section.summary figure.timeline")).to_have_count(1)
        expect(page.locator("table.requests")).to_contain_text(MONGOLIA)
        page.locator("#f-system").press_sequentially("s-300-pl")
        expect(page.locator("#system-slugs option")).to_have_count(1)
        expect(page.locator("#system-slugs option")).to_have_attribute("value", SYSTEM)  # the designation, as text
        page.locator("#f-requester").press_sequentially("Russia, Mon")  # the country box offers names after a comma
        offered = "[...document.querySelectorAll('#country-names option')].map((o) => o.value)"
        assert f"Russia, {MONGOLIA}" in page.evaluate(offered)
        nothing_planted(page)
        page.goto(f"{site.url}/requests/{planted['request'].pk}/")
        expect(page.locator("main")).to_contain_text(PERSON)
        nothing_planted(page)
