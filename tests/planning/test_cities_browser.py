"""The city switcher and the city pages in Debian's Chromium: switching city with the keyboard alone
on a desktop and on a 360 px phone (the menu folded), landing on the city's page, opening a Quartier;
no sideways scrolling at 320 px; no axe-core violation (WCAG 2.1 A/AA); names with template and HTML
syntax shown as text."""

import pytest
from playwright.sync_api import expect

from tests.axe import assert_accessible
from tests.browser import DESKTOP, NARROW, Watch, scroll_overflow
from tests.planning.cities_story import ASPERG, KORNWESTHEIM, LUDWIGSBURG, SYNTAX, build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_360 = {"width": 360, "height": 740}


def tab_to(page, element_id: str, limit: int = 40) -> None:
    """Press Tab until the element ``element_id`` has the focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def switch_by_keyboard(page, name: str, ags: str) -> None:
    """Choose ``name`` in the focused switcher by typing (a closed select selects as one types), then
    Tab to its button and press Enter."""
    select = page.locator("#city-switch")
    expect(select).to_be_focused()
    page.keyboard.type(name[:6])
    expect(select).to_have_value(ags)
    page.keyboard.press("Tab")
    expect(page.locator(".city-switch button")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staedte/{ags}/")


def test_switching_city_by_keyboard_on_a_desktop_and_opening_a_quartier(live_server, chromium, basemap):
    build()
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/", screen=DESKTOP)
    expect(page.locator("h1")).to_have_text("Ludwigsburg")
    expect(page.get_by_label("Stadt", exact=True)).to_have_value(LUDWIGSBURG)  # the current city
    tab_to(page, "city-switch")
    switch_by_keyboard(page, "Kornwestheim", KORNWESTHEIM)
    expect(page.locator("h1")).to_have_text("Kornwestheim")
    expect(page.locator("#city-switch")).to_have_value(KORNWESTHEIM)
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(2)  # its two Quartiere
    assert_accessible(page)  # WCAG 2.1 A/AA, the switcher included
    link = page.locator(".quartier-links").get_by_role("link", name="Mitte")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staedte/{KORNWESTHEIM}/quartiere/mitte/")
    expect(page.locator("h1")).to_have_text("Mitte")
    expect(page.locator(".page-head")).to_contain_text("Kornwestheim")
    expect(page.locator("#map_quartier .leaflet-overlay-pane path").first).to_be_attached()
    watch.assert_clean()


def test_switching_city_by_keyboard_on_a_phone_with_the_menu_folded(live_server, chromium, basemap):
    build()
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/staedte/{LUDWIGSBURG}/", screen=PHONE_360)
    toggle = page.get_by_role("button", name="Menü")
    expect(page.locator("#city-switch")).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    tab_to(page, "city-switch")
    assert scroll_overflow(page) == 0
    box = page.locator(".city-switch").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_360["width"]
    switch_by_keyboard(page, "Kornwestheim", KORNWESTHEIM)
    expect(page.locator("h1")).to_have_text("Kornwestheim")
    assert scroll_overflow(page) == 0
    watch.assert_clean()


def test_the_city_pages_fit_320_px_and_show_names_as_text(live_server, chromium, basemap):
    found = build()
    osterholz = next(area for key, area in found.items() if key.startswith(f"{KORNWESTHEIM}/osterholz"))
    watch = Watch()
    context = watch.context(chromium, screen=NARROW)
    page = context.new_page()
    paths = [
        "/",
        "/staedte/",
        f"/staedte/{KORNWESTHEIM}/",
        f"/staedte/{ASPERG}/",
        f"/staedte/{KORNWESTHEIM}/quartiere/{osterholz.slug}/",
        f"/staedte/{KORNWESTHEIM}/bericht/",
        f"/staedte/{KORNWESTHEIM}/beteiligung/",
    ]
    for path in paths:
        page.goto(live_server.url + path)
        assert scroll_overflow(page) == 0, path
    assert_accessible(page)  # the city's consultations
    page.goto(f"{live_server.url}/staedte/")
    assert_accessible(page)  # the list of cities with its search form
    # the menu open, the switcher in it: still no sideways scrolling
    page.get_by_role("button", name="Menü").click()
    expect(page.locator("#city-switch")).to_be_visible()
    assert scroll_overflow(page) == 0
    page.goto(f"{live_server.url}/staedte/{ASPERG}/")
    expect(page.locator("h1")).to_have_text(f"Asperg {SYNTAX}")
    page.goto(f"{live_server.url}/staedte/{KORNWESTHEIM}/quartiere/{osterholz.slug}/")
    expect(page.locator("h1")).to_have_text(f"Osterholz {SYNTAX}")
    expect(page.locator("#city-switch option", has_text="Asperg")).to_have_text(f"Asperg {SYNTAX}")
    watch.assert_clean()  # no dialog: the script in the names never ran
