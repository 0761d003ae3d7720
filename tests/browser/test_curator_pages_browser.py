"""The curator's pages (the admin's index, the lists and the add and change forms of requests, deployments and
sources) on a 1366 px laptop and a 390 px phone, light and dark: the page never pans sideways (on a phone a wide
table may scroll inside its own box), and no visible text is under WCAG AA contrast."""

import pytest

from tests.browser.conftest import watched_context
from tests.browser.contrast import CONTRAST
from tests.browser.test_admin_browser import log_in
from tracker.models import ArmsRequest, Deployment, Source

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = [(1366, 900), (390, 844)]
SCHEMES = ["light", "dark"]


def addresses():
    """The pages a curator works in, with the records that have the most to show."""
    request = max(ArmsRequest.objects.all(), key=lambda r: (r.items.count(), -r.pk))
    deployment = Deployment.objects.order_by("pk").first()
    source = Source.objects.order_by("pk").first()
    uncited = ArmsRequest.objects.create(requester=request.requester, supplier=request.supplier, summary="Uncited")
    assert uncited.citations.count() == 0  # the changelist shows its red "none" in the last column
    pages = ["/admin/", "/admin/tracker/reading/add/", "/admin/tracker/importrun/upload/"]  # the index's ways in
    for model, record in (("armsrequest", request), ("deployment", deployment), ("source", source)):
        pages += [
            f"/admin/tracker/{model}/",
            f"/admin/tracker/{model}/add/",
            f"/admin/tracker/{model}/{record.pk}/change/",
        ]
    return pages


def test_curator_pages_fit_and_read_at_both_sizes_in_both_schemes(site, browser, shoot):
    pages = addresses()
    problems = []
    with watched_context(browser) as (context, _):
        page = context.new_page()
        log_in(page, site)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                for path in pages:
                    response = page.goto(site.url + path)
                    assert response.status == 200, (path, response.status)
                    where = f"{path} at {width} px, {scheme}"
                    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                    if scroll > inner:
                        problems.append(f"{where}: the page is {scroll} px wide")
                    texts = page.evaluate(CONTRAST)
                    assert len(texts) > 10, f"{where}: the contrast check saw only {len(texts)} texts"
                    problems += [f"{where}: {t}" for t in texts if t["ratio"] < t["need"]]
                    if width == 1366:
                        problems += fits_at_1366(page, path, where)
                    if scheme == "light" or path == "/admin/":
                        shoot(page, f"curator{path.replace('/', '-').rstrip('-')}-{width}-{scheme}")
    assert not problems, "\n".join(problems)


# A CSS colour as the browser computes it (rgb(…)).
RGB = (
    "(c) => { const e = document.createElement('i'); e.style.color = c; document.body.append(e); "
    "const v = getComputedStyle(e).color; e.remove(); return v; }"
)

# How many characters of an input's text show in its box, measured in its own font.
SHOWN = """(input) => {
  const style = getComputedStyle(input);
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  let n = 0;
  while (n < input.value.length && context.measureText(input.value.slice(0, n + 1)).width <= room) n++;
  return n;
}"""


def fits_at_1366(page, path, where):
    """On a laptop every column of a list, and every cell of an inline, is on screen without scrolling its box;
    an item's description shows a sentence's worth (it showed 25 characters)."""
    found = []
    for box in page.locator("#changelist .results, .inline-group .tabular").all():
        scroll, client = box.evaluate("(e) => [e.scrollWidth, e.clientWidth]")
        if scroll > client:
            found.append(f"{where}: {box.evaluate('(e) => e.className')} is {scroll} px in a {client} px box")
    if path == "/admin/tracker/armsrequest/":  # the uncited draft's "none", on screen and in the admin's red
        none = page.locator("#result_list td.field-citations_shown .uncited")
        box, colour = none.bounding_box(), none.evaluate("(e) => getComputedStyle(e).color")
        red = page.evaluate("getComputedStyle(document.body).getPropertyValue('--error-fg').trim()")
        if box["x"] + box["width"] > page.viewport_size["width"] or colour != page.evaluate(RGB, red):
            found.append(f"{where}: the uncited 'none' at x={box['x']:.0f}, in {colour}, not the error red {red}")
    if path.endswith("/change/") and "armsrequest" in path:
        longest = max(page.locator("#items-group td.field-description input").all(), key=lambda i: len(i.input_value()))
        shown = longest.evaluate(SHOWN)
        if shown < min(38, len(longest.input_value())):
            found.append(f"{where}: an item's description shows {shown} characters of {longest.input_value()!r}")
    return found
