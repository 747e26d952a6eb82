"""Every page fits a phone (WCAG 2.1 1.4.10 Reflow): at 320 CSS px and on a 390 px phone no page scrolls
sideways, the navigation folds behind a "Menü" button that works by keyboard, wide tables scroll in
their own focusable box, and nothing a page loads leaves 127.0.0.1 or logs a console error.

Debian's Chromium against the live server with the Ludwigsburg demo (tests/browser.py)."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.browser import DESKTOP, NARROW, PHONE, Watch, scroll_overflow
from tests.fixtures import load_demo_committed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# every public page (an OGC item page is added from the demo's data)
PUBLIC = [
    "/",
    "/karte/",
    "/karte/datenschutz/",
    "/quartiere/mitte/",
    "/bericht/",
    "/massnahmen/",
    "/strategie/",
    "/planung/anmelden/",
    "/ogc/",
    "/ogc/conformance",
    "/ogc/collections",
    "/ogc/collections/quartiere",
    "/ogc/collections/quartiere/items",
    "/api/docs/",
]
PASSWORD = "pw-for-tests-only"


@pytest.fixture
def demo_live(live_server, basemap, db):
    load_demo_committed()
    return live_server


def ogc_item(client) -> str:
    feature = client.get("/ogc/collections/quartiere/items?f=json&limit=1").json()["features"][0]
    return f"/ogc/collections/quartiere/items/{feature['id']}"


def transparency_items(client) -> list[str]:
    """A published measure's and a published, answered contribution's public pages."""
    measure = client.get("/api/measures/?limit=1").json()["features"][0]["id"]
    answered = [
        f
        for f in client.get("/api/contributions/?limit=1000").json()["features"]
        if f["properties"]["response"]
    ]
    return [f"/massnahmen/{measure}/", f"/karte/beitraege/{answered[0]['id']}/"]


def visit(page, url: str) -> int:
    page.goto(url)
    page.wait_for_load_state("networkidle")  # maps, charts and Swagger UI have drawn
    return scroll_overflow(page)


def overflowing(watch: Watch, chromium, base: str, paths: list[str], screen: dict) -> dict[str, int]:
    """The pages among ``paths`` wider than ``screen``, with how many px."""
    page = watch.context(chromium, screen=screen).new_page()
    widths = {path: visit(page, base + path) for path in paths}
    return {path: px for path, px in widths.items() if px > 0}


@pytest.mark.parametrize("screen", [NARROW, PHONE], ids=["320px", "phone"])
def test_no_public_page_scrolls_sideways_on_a_small_screen(demo_live, chromium, client, screen):
    watch = Watch()
    paths = [*PUBLIC, ogc_item(client), *transparency_items(client)]
    assert overflowing(watch, chromium, demo_live.url, paths, screen) == {}
    watch.assert_clean()
    assert len(watch.requests) > len(paths)  # the pages did load their assets (all from 127.0.0.1)


# the words of the visible h1 and h2 in <main> that the browser broke across lines (a break at a dash
# or slash is a break between words, not within one)
BROKEN_WORDS = """() => {
  const broken = [];
  for (const heading of document.querySelectorAll("main h1, main h2")) {
    if (!heading.offsetParent || heading.getBoundingClientRect().width < 2) continue;
    const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/[^\\s\\-\u2013\u2014\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        if (new Set(rects.map(r => Math.round(r.top))).size > 1) broken.push(word[0]);
      }
    }
  }
  return broken;
}"""


def test_headings_keep_long_german_words_whole_at_320_px(demo_live, chromium):
    """No hyphenation dictionary is to be relied on (Chromium on Linux has none offline), so a heading
    word wider than the line is cut anywhere ("Beteiligungsverfahre|n"): on a phone the headings are
    small enough for the long words of our own texts."""
    page = Watch().context(chromium, screen=NARROW).new_page()
    broken = {}
    for path in ["/", "/beteiligung/", "/massnahmen/", "/strategie/", "/bericht/", "/quartiere/mitte/"]:
        page.goto(demo_live.url + path)
        page.wait_for_load_state("load")
        broken[path] = page.evaluate(BROKEN_WORDS)
    assert broken == dict.fromkeys(broken, [])
    page.goto(demo_live.url + "/beteiligung/")
    expect(page.get_by_role("heading", name="Beteiligungsverfahren", level=1)).to_be_visible()


# the visible Quartier names on the city map (static/js/overview.js) and how many pairs of them overlap
LABELS = """() => {
  const all = [...document.querySelectorAll("#map .area-label")];
  const shown = all.filter(e => !e.classList.contains("area-label-hidden"))
    .map(e => e.getBoundingClientRect());
  let overlapping = 0;
  shown.forEach((a, i) => shown.slice(i + 1).forEach(b => {
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlapping++;
  }));
  return {all: all.length, shown: shown.length, overlapping};
}"""


@pytest.mark.parametrize("screen", [NARROW, PHONE, DESKTOP], ids=["320px", "phone", "desktop"])
def test_the_quartier_names_on_the_city_map_never_overlap(demo_live, chromium, screen):
    """A name that would overlap another is hidden, the larger Quartier's kept; zooming in shows more
    (on a 320 px screen the 12 names of Ludwigsburg's Quartiere covered each other)."""
    page = Watch().context(chromium, screen=screen).new_page()
    page.goto(demo_live.url + "/")
    expect(page.locator("#map[data-labelled=true]")).to_be_attached()
    first = page.evaluate(LABELS)
    assert first["all"] == 12 and first["overlapping"] == 0
    assert first["shown"] >= (4 if screen is NARROW else 8)
    page.evaluate("() => { document.getElementById('map').dataset.labelled = 'false'; }")
    page.get_by_role("button", name="Zoom in").click()
    expect(page.locator("#map[data-labelled=true]")).to_be_attached()
    closer = page.evaluate(LABELS)
    assert closer["overlapping"] == 0 and closer["shown"] >= first["shown"]
    if screen is NARROW:
        assert closer["shown"] > first["shown"]


def test_the_api_docs_fit_320_px_with_an_operation_open(demo_live, chromium):
    watch = Watch()
    page = watch.context(chromium, screen=NARROW).new_page()
    assert visit(page, f"{demo_live.url}/api/docs/") == 0
    operation = page.locator(".opblock-summary").first
    operation.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    expect(page.locator(".responses-table").first).to_be_visible()
    assert scroll_overflow(page) == 0
    watch.assert_clean()


def test_the_workspace_and_the_admin_fit_320_px_for_a_superuser(demo_live, chromium):
    User.objects.create_superuser("chef", "chef@example.org", PASSWORD)
    watch = Watch()
    page = watch.context(chromium, screen=NARROW).new_page()
    assert visit(page, f"{demo_live.url}/admin/login/?next=/admin/") == 0
    page.fill("#id_username", "chef")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    # the login page has #site-name too: measure the index once it has loaded, stylesheets and all
    page.wait_for_url(f"{demo_live.url}/admin/", wait_until="load")
    expect(page.locator("#site-name")).to_be_visible()
    assert scroll_overflow(page) == 0
    # the workspace: map above the panel, both within the screen
    assert visit(page, f"{demo_live.url}/planung/") == 0
    expect(page.locator("#map .leaflet-overlay-pane path").first).to_be_attached()
    map_box = page.locator("#map").bounding_box()
    panel_box = page.locator(".workspace-panel").bounding_box()
    assert map_box["x"] >= 0 and map_box["x"] + map_box["width"] <= NARROW["width"]
    assert panel_box["y"] >= map_box["y"] + map_box["height"]
    watch.assert_clean()


def test_the_menu_folds_on_a_phone_and_opens_and_closes_by_keyboard(demo_live, chromium):
    watch = Watch()
    page = watch.open(chromium, f"{demo_live.url}/bericht/", screen=NARROW)
    toggle = page.get_by_role("button", name="Menü")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Bericht")).to_have_attribute("aria-current", "page")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Übersicht")).to_be_focused()
    assert scroll_overflow(page) == 0
    expect(
        page.get_by_role("button", name="EN", exact=True)
    ).to_be_visible()  # the language switch is in the menu
    page.keyboard.press("Escape")  # closes it and gives the focus back to the button
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(nav).to_be_hidden()
    watch.assert_clean()


def test_on_a_desktop_the_navigation_shows_without_a_menu_button(demo_live, chromium):
    watch = Watch()
    page = watch.open(chromium, f"{demo_live.url}/", screen=DESKTOP)
    expect(page.get_by_role("button", name="Menü")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link")).to_have_count(10)
    for link in nav.get_by_role("link").all():
        expect(link).to_be_visible()
    # all on the header's one row
    tops = {round(link.bounding_box()["y"]) for link in nav.get_by_role("link").all()}
    assert len(tops) == 1
    assert scroll_overflow(page) == 0
    watch.assert_clean()


def test_wide_tables_scroll_in_their_own_box_which_a_keyboard_can_reach(demo_live, chromium):
    watch = Watch()
    page = watch.open(chromium, f"{demo_live.url}/bericht/", screen=NARROW)
    page.wait_for_load_state("networkidle")
    gaps = page.get_by_role("region", name="Lücken: hoher Bedarf, geringes geplantes Angebot Tabelle")
    expect(gaps.get_by_role("table")).to_be_visible()
    wider = gaps.evaluate("box => box.scrollWidth - box.clientWidth")
    assert wider > 0  # the table is wider than the screen …
    assert scroll_overflow(page) == 0  # … and scrolls inside its box, not the page
    gaps.focus()
    expect(gaps).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")  # arrow keys scroll the box
    watch.assert_clean()


def test_the_report_budget_tables_sit_side_by_side_without_overlapping_on_a_desktop(demo_live, chromium):
    watch = Watch()
    page = watch.open(chromium, f"{demo_live.url}/bericht/", screen=DESKTOP)
    boxes = page.locator(".budget-tables > .table-scroll")
    expect(boxes).to_have_count(3)
    rects = [box.bounding_box() for box in boxes.all()]

    def overlap(a, b):
        return not (
            a["x"] + a["width"] <= b["x"]
            or b["x"] + b["width"] <= a["x"]
            or a["y"] + a["height"] <= b["y"]
            or b["y"] + b["height"] <= a["y"]
        )

    assert not any(overlap(rects[i], rects[j]) for i in range(3) for j in range(i + 1, 3))
    assert rects[1]["x"] > rects[0]["x"] + rects[0]["width"]  # by year on the left, the others right
    # at 1280 px each table fits its box: nothing to scroll
    assert boxes.evaluate_all("boxes => boxes.map(b => b.scrollWidth - b.clientWidth)") == [0, 0, 0]
    watch.assert_clean()


def test_it_answers_favicon_ico_with_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("/favicon.svg")
    html = client.get("/planung/anmelden/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_the_browser_finds_the_favicon_on_the_overview(demo_live, chromium):
    watch = Watch()
    page = watch.open(chromium, f"{demo_live.url}/", screen=PHONE)
    page.wait_for_load_state("networkidle")
    href = page.locator("link[rel=icon]").get_attribute("href")
    linked = page.evaluate("href => fetch(href).then(r => r.ok && r.headers.get('content-type'))", href)
    assert linked.startswith("image/svg+xml")
    # (the Watch's request routing trips fetch() over a redirect: ask the way a client does)
    asked = page.request.get(f"{demo_live.url}/favicon.ico")
    assert asked.ok and asked.headers["content-type"].startswith("image/svg+xml")
    watch.assert_clean()  # no 404 for an icon the browser looked for
