"""The deployment map and the who-asked-whom network in a real browser, offline: every request the pages make goes to
this machine (any other fails the test), at desktop and phone width, in light and dark."""

from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watched_context
from tests.browser.contrast import below_aa
from tracker.models import Citation, Country, Deployment, EquipmentType, Source

pytestmark = pytest.mark.django_db(transaction=True)

LOCAL = {"127.0.0.1", "localhost"}
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@contextmanager
def offline_page(browser, width="desktop", scheme="light"):
    """A page whose requests may go to this machine only: any other is aborted, and fails the test on leaving.

    Yields the page and the list of local URLs it asked for.
    """
    phone = width == "phone"
    options = {"viewport": WIDTHS[width], "color_scheme": scheme, "is_mobile": phone, "has_touch": phone}
    with watched_context(browser, **options) as (context, problems):
        asked, outside = [], []

        def route(route):
            url = route.request.url
            if urlsplit(url).hostname in LOCAL:
                asked.append(url)
                route.continue_()
            else:
                outside.append(url)
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        yield page, asked
        assert outside == [], f"requests left the machine: {outside}"


def drawn(page, selector):
    expect(page.locator(f"{selector}[data-drawn]")).to_have_count(1)


def test_the_map_draws_the_demo_deployments_offline(browser, site, shoot):
    with offline_page(browser) as (page, asked):
        page.goto(f"{site.url}/deployments/map/")
        drawn(page, "[data-deployment-map]")
        # Natural Earth's countries, from our own copy, and the vendored library.
        assert page.locator("path.country").count() > 200
        assert any(url.endswith("/static/vendor/world-atlas-2.0.2/countries-50m.json") for url in asked)
        assert any(url.endswith("/static/vendor/leaflet-1.9.4/leaflet.js") for url in asked)
        # The four deployments of the build-up, all placed "in the Caribbean": one cluster of four.
        expect(page.locator(".map-status")).to_have_text("4 deployments: 4 placed by coordinates.")
        cluster = page.locator(".map .dep-cluster.dep-cluster-region")  # ringed as its members: a wide region
        # Its number for the eye, its words for a screen reader, and the place they are at, in words, under it.
        name = "4 deployments in Caribbean (wide region or sea): zoom in"
        expect(page.get_by_role("button", name=name)).to_be_visible()
        expect(cluster.locator("span[aria-hidden=true]").first).to_have_text("4")
        expect(cluster.locator(".map-place")).to_have_text("Caribbean")
        expect(cluster.locator(".map-place")).to_be_visible()
        # The countries around it are named on the map (no tiles: the names come with the shapes).
        for country in ("Cuba", "Jamaica", "Venezuela", "Colombia"):
            expect(page.locator(".map .country-name span", has_text=country)).to_be_visible()
        shoot(page, "map-demo")
        cluster.click()  # one place: the cluster opens into its four markers
        markers = page.locator(".map .dep-marker.dep-region a")
        expect(markers).to_have_count(4)
        labels = {markers.nth(i).get_attribute("aria-label") for i in range(4)}
        assert "US: USS Gerald R. Ford carrier strike group, in Caribbean (wide region or sea)" in labels
        ford = page.get_by_label("US: USS Gerald R. Ford carrier strike group, in Caribbean (wide region or sea)")
        ford.click()
        expect(page.locator("h1")).to_contain_text("USS Gerald R. Ford carrier strike group")
        expect(page.locator(".facts")).to_contain_text("(wide region or sea)")


def test_the_map_takes_the_list_filters_and_shades_host_countries(browser, site, shoot):
    # One more, known only by its host country.
    deployment = Deployment.objects.create(
        country=Country.objects.get(iso2="RU"),
        host_country=Country.objects.get(iso2="VE"),
        equipment_type=EquipmentType.objects.get(slug="combat-aircraft"),
        description="SYNTHETIC test aircraft",
        published=True,
    )
    Citation.objects.create(source=Source.objects.first(), deployment=deployment, credibility=3)
    with offline_page(browser) as (page, _):
        page.goto(f"{site.url}/deployments/")
        drawn(page, "[data-deployment-map]")
        expect(page.locator(".map-status")).to_have_text(
            "5 deployments: 4 placed by coordinates; 1 known only by host country."
        )
        expect(page.locator("path.country.hosting")).to_have_count(1)
        shoot(page, "map-panel-on-the-list")
        page.locator(".country-count a").click()
        assert "host=VE" in page.url
        expect(page.locator("table.deployments tbody tr")).to_have_count(1)

        # The list's filters reach the map; its link opens the full map with them.
        page.goto(f"{site.url}/deployments/?country=RU")
        drawn(page, "[data-deployment-map]")
        expect(page.locator(".map-status")).to_have_text("1 deployment: 1 known only by host country.")
        expect(page.locator(".map .dep-cluster, .map .dep-marker")).to_have_count(0)
        page.get_by_role("link", name="Open the full map").click()
        assert page.url.endswith("/deployments/map/?country=RU")
        drawn(page, "[data-deployment-map]")
        expect(page.get_by_label("Deploying country")).to_have_value("RU")

        # A country page: what it deployed and what it hosted.
        page.goto(f"{site.url}/countries/VE/")
        drawn(page, "[data-deployment-map]")
        expect(page.locator("path.country.focus")).to_have_count(1)
        expect(page.locator(".map-status")).to_have_text("1 deployment: 1 known only by host country.")
        shoot(page, "map-panel-on-a-country")
        page.get_by_role("link", name="what it hosted").click()
        assert page.url.endswith("/deployments/map/?host=VE")
        drawn(page, "[data-deployment-map]")
        expect(page.locator(".map-status")).to_have_text("1 deployment: 1 known only by host country.")


def test_a_deployment_far_from_any_other_is_drawn(browser, site):
    # The map's least zoom is fractional (the world fills the panel's width); the cluster library walked its levels
    # from there, skipped its top one, which holds a marker near no other at any zoom, and never drew it.
    deployment = Deployment.objects.create(
        country=Country.objects.get(iso2="RU"),
        equipment_type=EquipmentType.objects.get(slug="combat-aircraft"),
        description="SYNTHETIC lone aircraft",
        latitude=35,
        longitude=38,
        location_precision="site",
        published=True,
    )
    Citation.objects.create(source=Source.objects.first(), deployment=deployment, credibility=3)
    with offline_page(browser) as (page, _):
        for path in ("/deployments/map/", "/deployments/", "/countries/RU/"):
            page.goto(f"{site.url}{path}")
            drawn(page, "[data-deployment-map]")
            expect(page.locator(".map .dep-marker.dep-site a")).to_have_count(1)
        page.get_by_role("button", name="Zoom in").click()
        expect(page.locator(".map .dep-marker.dep-site a")).to_have_count(1)
        page.get_by_role("button", name="Zoom out").click()
        expect(page.locator(".map .dep-marker.dep-site a")).to_have_count(1)


def test_the_network_draws_the_demo_requests_and_opens_the_list(browser, site, shoot):
    with offline_page(browser) as (page, _):
        page.goto(f"{site.url}/matrix/")
        drawn(page, "[data-network]")
        network = page.locator(".network svg")
        expect(network.locator("a.link")).to_have_count(3)
        expect(network.locator("a.country")).to_have_count(4)
        expect(page.locator(".network-status")).to_have_text(
            "4 requests in 3 links (requester → asked country). Showing them all."
        )
        shoot(page, "network-on-the-matrix")
        page.get_by_role("combobox", name="Strongest links shown").select_option("10")
        expect(page.locator("[data-network][data-drawn='10']")).to_have_count(1)  # drawn again
        expect(network.locator("a.link")).to_have_count(3)
        # By keyboard, as the arrows and circles are links.
        network.locator("a.link[data-from='VE'][data-to='IR']").focus()
        page.keyboard.press("Enter")
        expect(page.locator(".count")).to_contain_text("2 requests match")
        assert "requester=VE" in page.url and "supplier=IR" in page.url

        page.goto(f"{site.url}/matrix/network/?links=1")
        drawn(page, "[data-network]")
        expect(page.locator(".network svg a.link")).to_have_count(1)
        expect(page.locator(".network-status")).to_contain_text("Showing the 1 strongest, which hold 2 of them.")
        page.locator(".network svg a.country[data-code='IR'] circle").click()
        expect(page.locator(".count")).to_contain_text("2 requests match")
        assert page.url.endswith("/requests/?country=IR")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_map_and_network_at_each_width_and_scheme(browser, site, shoot, width, scheme):
    with offline_page(browser, width, scheme) as (page, _):
        for path, selector, name in [
            ("/deployments/map/", "[data-deployment-map]", "map"),
            ("/matrix/network/", "[data-network]", "network"),
        ]:
            page.goto(f"{site.url}{path}")
            drawn(page, selector)
            # Nothing overflows sideways; the drawing fits the screen.
            assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
            box = page.locator(f"{selector} .map, {selector} .network svg").first.bounding_box()
            assert box["width"] > 0.7 * min(WIDTHS[width]["width"], 600) and box["height"] > 200
            # Every word on the drawing (counts, place and country names) reads at AA over what it is drawn on.
            drawing = page.locator(f"{selector} .map, {selector} .network svg").first.element_handle()
            assert below_aa(page, drawing) == [], (path, below_aa(page, drawing))
            shoot(page, f"{name}-{width}-{scheme}")
        sea = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--map-sea').trim()")
        assert sea == {"light": "#dbe7f1", "dark": "#0a1622"}[scheme]
