"""Finding the place by keyboard, in Chromium on a desktop and on a phone: on /karte/ type an address
into the map's search, choose it with the arrow keys and Enter → the map's cross is on it → Enter on
the map pins there → the stored contribution lies at that address's point. And the same control on a
planner's drawing map (/planung/): choosing moves the map, Enter never submits a form."""

import pytest
from django.core.cache import caches
from playwright.sync_api import expect

from participation.models import Contribution
from quartiere.addresses import address_import_file
from quartiere.management.commands.load_demo import DEMO_ADDRESS_FIELDS
from quartiere.models import Address
from tests.backoffice_kit import check_page, sign_in
from tests.browser import DESKTOP, PHONE, Watch, scroll_overflow
from tests.participation.conftest import DEMO, user_in
from tests.participation.test_journey_citizen import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
TEXT = "Hier fehlt ein Fahrradständer."


def zoom_of(url: str) -> int:
    """The zoom level of a basemap tile's URL (/test-tiles/{z}/{x}/{y}.png)."""
    return int(url.split("/test-tiles/")[1].split("/")[0])


def zooms(watch: Watch) -> set[int]:
    """The zoom levels of the basemap tiles asked for so far."""
    return {zoom_of(url) for url in watch.tiles}


@pytest.fixture
def addresses(areas):
    caches["participation"].clear()  # the throttles' counters survive a transactional test
    address_import_file(DEMO / "addresses.csv", fields=DEMO_ADDRESS_FIELDS, source="demo", srid=4326)


@pytest.mark.parametrize("screen", SCREENS)
def test_a_citizen_finds_an_address_by_keyboard_and_pins_there(
    live_server, chromium, basemap, make_consultation, addresses, screen
):
    make_consultation(title="Fahrradparken")
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/karte/", screen=screen)
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(13)
    search = page.get_by_role("combobox", name="Adresse oder Ort suchen")
    if screen is PHONE:
        # on a narrow map the search is folded into a button: Enter unfolds it, the field takes the focus
        toggle = page.get_by_role("button", name="Suchen", exact=True)
        expect(search).to_be_hidden()
        tab_to(page, ".place-search-toggle")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
    else:
        expect(page.locator(".place-search-toggle")).to_be_hidden()
        tab_to(page, ".place-search-input")
    expect(search).to_be_focused()
    expect(search).to_have_attribute("aria-expanded", "false")

    # typing: the results are listed and their number announced
    page.keyboard.type("Schloßstr. 3")
    listbox = page.get_by_role("listbox", name="Gefundene Orte")
    expect(listbox).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("Schloßstraße 3, 71634 Ludwigsburg")
    expect(options.first).to_contain_text("Adresse")
    expect(page.locator(".place-search-status")).to_have_text(
        f"{options.count()} Treffer; mit den Pfeiltasten und Enter wählen."
    )
    # the arrow keys move through them (the input keeps the focus); Escape closes the list
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")

    # chosen: the list closes, the map has the focus and its cross is on the address, in Mitte
    expect(listbox).to_be_hidden()
    expect(page.locator(".place-search-input")).to_have_value("Schloßstraße 3, 71634 Ludwigsburg")
    expect(page.locator("#map")).to_be_focused()
    if screen is PHONE:
        expect(search).to_be_hidden()  # folded again: the map is free
    expect(page.locator("#place-where")).to_have_text(
        "Das Kreuz markiert einen Ort in Mitte, im Beteiligungsgebiet."
    )
    page.keyboard.press("Enter")  # on the map: the pin at the cross
    expect(page.locator("#status")).to_have_text(
        "Ort gewählt in Mitte, im Beteiligungsgebiet. Füllen Sie nun das Formular aus."
    )
    expect(page.locator("#f-category")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type(TEXT)
    tab_to(page, "#contribution-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#received")).to_be_focused()

    # stored at the address's point (within a metre: the map's centre is a whole pixel)
    contribution = Contribution.objects.get(text=TEXT)
    address = Address.objects.get(street="Schloßstraße", number="3")
    assert contribution.geom.srid == address.point.srid == 25832
    assert contribution.geom.distance(address.point) < 1.0

    # 320 px: the control fits, nothing scrolls sideways
    if screen is PHONE:
        page.set_viewport_size({"width": 320, "height": 640})
        box, area = page.locator(".place-search").bounding_box(), page.locator("#map").bounding_box()
        assert box["x"] >= area["x"] and box["x"] + box["width"] <= area["x"] + area["width"]
        assert scroll_overflow(page) == 0
    watch.assert_clean()


def test_a_planner_finds_a_quartier_on_the_drawing_map(live_server, chromium, basemap, addresses):
    user_in("planner", "planners")
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/")
    sign_in(page, "planner")
    search = page.get_by_role("combobox", name="Adresse oder Ort suchen")
    expect(search).to_be_visible()
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
    zooms_before = zooms(watch)
    search.focus()
    page.keyboard.type("Ossweil")
    # the search's own list (the header's city switcher has options too)
    option = page.get_by_role("listbox", name="Gefundene Orte").get_by_role("option").first
    expect(option).to_contain_text("Oßweil, Ludwigsburg")
    expect(option).to_contain_text("Quartier")
    check_page(page)  # axe with the list open; 320 px
    page.keyboard.press("ArrowDown")
    # the map goes to the Quartier: tiles of a closer zoom are asked for
    closer = max(zooms_before) + 1
    with page.expect_request(lambda r: "/test-tiles/" in r.url and zoom_of(r.url) >= closer):
        page.keyboard.press("Enter")
    expect(page.locator(".place-search-status")).to_have_text("Die Karte zeigt Oßweil, Ludwigsburg.")
    expect(page).to_have_url(f"{live_server.url}/planung/")  # no form was sent
    watch.assert_clean()
