"""A planner's journey through the workspace /planung/ in Debian's Chromium, on a desktop and a phone.

The workspace changes only the object the planner opened: drawing a focus area with a vertex placed
exactly on a measure's pin creates the focus area and leaves the measure alone (it used to select the
measure and save the polygon as its geometry); a measure's geometry changes only after "Geometrie
bearbeiten", a change of its type asks first, and cancelling restores it. Geoman speaks German."""

import re

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from measures.models import Measure
from measures.services import measure_create
from planning.models import FocusArea
from planning.services import focus_area_create
from tests.browser import DESKTOP, PHONE, Watch, scroll_overflow, wait_still
from tests.fixtures import point, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


@pytest.fixture
def bench(grid):
    """A point measure (a bench) in Quartier B and a published focus area in Quartier A."""
    measure = measure_create(
        city=grid["C"],
        title="Bank am Marktplatz",
        geom=point(1500, 500),
        dimensions=["just"],
        status="planned",
    )
    focus_area = focus_area_create(
        city=grid["C"], name="Alter Schwerpunkt", geom=square(200, 200, 700, 800), dimensions=["green"]
    )
    return measure, focus_area


def sign_in(chromium, live_server, screen):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/", screen=screen)
    expect(page.get_by_role("heading", name="Anmeldung zum Arbeitsbereich der Planung")).to_be_visible()
    page.get_by_label("Benutzername").fill("planner")
    page.get_by_label("Passwort").fill("pw-for-tests-only")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("#map .leaflet-overlay-pane path").first).to_be_attached()
    expect(pin(page)).to_be_visible()
    return watch, page


def main_overflow(page) -> int:
    """How many CSS px the workspace is wider than the page's main area (0: it fits). The site's
    header is measured by the pages' own reflow tests."""
    return scroll_overflow(page, within="main")


def has_class(name: str) -> re.Pattern:
    """A class attribute containing ``name`` (Playwright matches it as a regular expression)."""
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def pin(page):
    return page.locator("#map .leaflet-marker-pane img.leaflet-marker-icon")


def pin_tip(page) -> tuple[float, float]:
    """Where the pin points: the bottom centre of its icon (2 px inside it)."""
    box = pin(page).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] - 2


def map_box(page) -> dict:
    page.locator("#map").scroll_into_view_if_needed()
    return page.locator("#map").bounding_box()


def heading(page):
    return page.locator("#ws-object-heading")


def draw_polygon(page, corners: list[tuple[float, float]]) -> None:
    """Click each corner (page pixels), then the first again to close the ring."""
    for x, y in corners:
        page.mouse.click(x, y)
    page.mouse.click(*corners[0])


@pytest.mark.parametrize("screen", SCREENS)
def test_a_vertex_on_a_measure_pin_belongs_to_the_new_focus_area_and_the_measure_stays(
    live_server, chromium, basemap, planner, bench, screen, tmp_path
):
    measure, _old = bench
    before = Measure.objects.get(pk=measure.pk)
    watch, page = sign_in(chromium, live_server, screen)

    # nothing is open; Geoman's tool says in German what it does
    expect(page.get_by_role("heading", name="Nichts geöffnet")).to_be_visible()
    polygon_tool = page.locator(".button-container", has=page.locator(".leaflet-pm-icon-polygon"))
    expect(polygon_tool).to_have_attribute("title", "Neues Fokusgebiet zeichnen")
    expect(page.locator(".leaflet-pm-icon-marker")).to_have_count(0)  # nothing to draw a point for

    page.locator(".workspace-panel").get_by_role("button", name="Neues Fokusgebiet zeichnen").click()
    expect(page.locator("#map")).to_be_in_viewport(ratio=0.9)
    expect(heading(page)).to_have_text("Neues Fokusgebiet")
    expect(page.locator("#ws-mode")).to_contain_text(
        "Andere Objekte lassen sich beim Zeichnen nicht auswählen"
    )
    expect(page.locator("#map")).to_have_class(has_class("ws-locked"))
    expect(pin(page)).to_have_class(has_class("ws-inert"))
    expect(page.get_by_role("button", name="Letzten Eckpunkt entfernen")).to_be_visible()

    box = map_box(page)
    x, y = pin_tip(page)
    step = min(box["width"], box["height"]) / 5
    page.mouse.move(x - step, y - step / 2)
    expect(
        page.locator(".leaflet-tooltip").filter(has_text="Klicken Sie, um den ersten Eckpunkt zu setzen")
    ).to_be_visible()
    # the second vertex goes exactly onto the pin
    draw_polygon(
        page, [(x - step, y - step / 2), (x, y), (x - step / 3, y + step), (x - 1.4 * step, y + step / 2)]
    )

    # the drawing became the new focus area; the measure was not opened
    expect(heading(page)).to_have_text("Neues Fokusgebiet")
    expect(page.locator("#fa-name")).to_be_focused()
    expect(page.locator("#m-form")).to_be_hidden()
    page.locator("#fa-name").fill("Rund um die Bank")
    page.get_by_label("gerecht").check()
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator("#ws-status")).to_have_text("Gespeichert.")
    expect(page.get_by_role("heading", name="Nichts geöffnet")).to_be_visible()
    expect(page.locator('#map path[stroke-dasharray="6 4"]')).to_have_count(2)
    page.screenshot(path=str(tmp_path / "planner-focus-area.png"))

    created = FocusArea.objects.get(name="Rund um die Bank")
    assert created.dimensions == ["just"] and created.geom.num_coords == 5
    # its vertex sits on the bench (snapped to the pin), well within a metre
    assert min(Point(c, srid=25832).distance(measure.geom) for c in created.geom.coords[0][0]) < 1
    after = Measure.objects.get(pk=measure.pk)
    assert after.geom.geom_type == "Point" and after.geom.equals_exact(before.geom, 0)
    assert after.version == before.version and after.history.count() == before.history.count()
    assert main_overflow(page) == 0
    watch.assert_clean()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_measure_changes_only_after_edit_geometry_and_a_type_change_asks_first(
    live_server, chromium, basemap, planner, bench, screen, tmp_path
):
    measure, focus_area = bench
    watch, page = sign_in(chromium, live_server, screen)

    # clicking the pin opens the measure: type and title, no editing yet
    pin(page).click()
    expect(heading(page)).to_have_text("Maßnahme: Bank am Marktplatz")
    expect(heading(page)).to_be_focused()
    expect(page.locator("#m-status")).to_have_text("Status: geplant")
    expect(page.get_by_role("button", name="Geometrie speichern")).to_be_hidden()
    expect(
        page.get_by_role("link", name="Alle Angaben der Maßnahme in der Verwaltung bearbeiten")
    ).to_have_attribute("href", f"/admin/measures/measure/{measure.pk}/change/")

    page.get_by_role("button", name="Geometrie bearbeiten").click()
    expect(page.locator("#ws-mode")).to_contain_text(
        "Sie bearbeiten die Geometrie von Maßnahme „Bank am Marktplatz“"
    )
    # a measure may become a point, a line or an area: the tools say so in German
    for icon, title in (
        ("marker", "Punkt zeichnen"),
        ("polyline", "Linie zeichnen"),
        ("polygon", "Fläche zeichnen"),
    ):
        tool = page.locator(".button-container", has=page.locator(f".leaflet-pm-icon-{icon}"))
        expect(tool).to_have_attribute("title", title)

    # another object does not answer while the measure is being edited
    old_shape = page.locator('#map path[stroke-dasharray="6 4"]')
    expect(old_shape).to_have_class(has_class("ws-inert"))
    shape_box = old_shape.bounding_box()
    page.mouse.click(shape_box["x"] + shape_box["width"] / 2, shape_box["y"] + shape_box["height"] / 2)
    expect(heading(page)).to_have_text("Maßnahme: Bank am Marktplatz")

    # a new shape for the measure: an area instead of the point
    page.locator(".leaflet-pm-icon-polygon").click()
    box = map_box(page)
    x, y = pin_tip(page)
    step = min(box["width"], box["height"]) / 6
    draw_polygon(page, [(x + step / 2, y - step), (x + 2 * step, y - step), (x + 2 * step, y + step / 2)])
    expect(page.locator("#ws-status")).to_contain_text(
        "Neue Form für Maßnahme „Bank am Marktplatz“ gezeichnet"
    )

    page.get_by_role("button", name="Geometrie speichern").click()
    dialog = page.get_by_role("dialog", name="Geometrietyp ändern?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(
        "Maßnahme „Bank am Marktplatz“ ist bisher ein Punkt; gespeichert würde eine Fläche."
    )
    expect(dialog.get_by_role("button", name="Abbrechen")).to_be_focused()
    page.screenshot(path=str(tmp_path / "planner-type-change.png"))
    dialog.get_by_role("button", name="Abbrechen").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#ws-status")).to_have_text("Nicht gespeichert: Der Geometrietyp bleibt, wie er war.")
    assert Measure.objects.get(pk=measure.pk).geom.geom_type == "Point"

    page.get_by_role("button", name="Geometrie speichern").click()
    dialog.get_by_role("button", name="Typ ändern und speichern").click()
    expect(page.locator("#ws-status")).to_have_text("Gespeichert.")
    expect(page.get_by_role("heading", name="Nichts geöffnet")).to_be_visible()
    expect(pin(page)).to_have_count(0)  # the bench is an area now

    changed = Measure.objects.get(pk=measure.pk)
    assert changed.geom.geom_type == "Polygon" and changed.version == measure.version + 1
    assert changed.geom.contains(changed.geom.centroid) and changed.geom.area > 100
    assert FocusArea.objects.get().version == focus_area.version  # the other object is untouched
    assert main_overflow(page) == 0
    watch.assert_clean()


@pytest.mark.parametrize("screen", SCREENS)
def test_moving_a_pin_saves_without_asking_and_cancel_restores_the_stored_geometry(
    live_server, chromium, basemap, planner, bench, screen
):
    measure, _focus_area = bench
    watch, page = sign_in(chromium, live_server, screen)

    # cancel: a new shape is drawn, then dropped; the stored point is shown again and nothing is saved
    pin(page).click()
    page.get_by_role("button", name="Geometrie bearbeiten").click()
    page.locator(".leaflet-pm-icon-polygon").click()
    box = map_box(page)
    x, y = pin_tip(page)
    step = min(box["width"], box["height"]) / 6
    draw_polygon(page, [(x - step, y - step), (x - 2 * step, y - step), (x - 2 * step, y)])
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(
        5
    )  # 3 Quartiere, focus area, new shape
    page.get_by_role("button", name="Abbrechen").click()
    expect(page.locator("#ws-status")).to_have_text(
        "Abgebrochen: Die gespeicherte Fassung wird wieder gezeigt."
    )
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(4)
    expect(pin(page)).to_have_count(1)
    expect(pin(page)).not_to_have_class(has_class("ws-inert"))
    assert Measure.objects.get(pk=measure.pk).version == measure.version

    # the same type (a point moved by dragging) is saved without a question
    pin(page).click()
    page.get_by_role("button", name="Geometrie bearbeiten").click()
    expect(page.locator("#map")).to_be_in_viewport(ratio=0.9)  # on the phone it scrolls back to the map
    # the pin can be dragged now, and neither the page's scroll nor the map moves it any more
    expect(pin(page)).to_have_class(re.compile(r"\bws-target\b"))
    expect(pin(page)).to_have_class(re.compile(r"\bleaflet-pm-draggable\b"))
    wait_still(pin(page))
    x, y = pin_tip(page)
    page.mouse.move(x, y - 10)
    page.mouse.down()
    page.mouse.move(x + step / 2, y - 10 + step / 2, steps=8)
    page.mouse.up()
    page.get_by_role("button", name="Geometrie speichern").click()
    expect(page.locator("#ws-status")).to_have_text("Gespeichert.")
    moved = Measure.objects.get(pk=measure.pk)
    assert moved.geom.geom_type == "Point" and moved.version == measure.version + 1
    assert 1 < moved.geom.distance(measure.geom) < 1000
    watch.assert_clean()


@pytest.mark.parametrize("screen", SCREENS)
def test_deleting_a_focus_area_asks_in_the_page_and_cancelling_keeps_it(
    live_server, chromium, basemap, planner, bench, screen
):
    _measure, focus_area = bench
    watch, page = sign_in(chromium, live_server, screen)

    shape = page.locator('#map path[stroke-dasharray="6 4"]')
    shape.click()
    expect(heading(page)).to_have_text("Fokusgebiet: Alter Schwerpunkt")
    expect(page.locator("#fa-name")).to_have_value("Alter Schwerpunkt")
    page.get_by_role("button", name="Löschen").click()
    dialog = page.get_by_role("dialog", name="Dieses Objekt löschen?")
    expect(dialog).to_contain_text("Fokusgebiet „Alter Schwerpunkt“")
    dialog.get_by_role("button", name="Abbrechen").click()
    expect(dialog).to_be_hidden()
    assert FocusArea.objects.filter(pk=focus_area.pk).exists()

    page.get_by_role("button", name="Löschen").click()
    dialog.get_by_role("button", name="Löschen").click()
    expect(page.locator("#ws-status")).to_have_text("Gelöscht.")
    expect(shape).to_have_count(0)
    expect(page.get_by_role("heading", name="Nichts geöffnet")).to_be_visible()
    assert not FocusArea.objects.filter(pk=focus_area.pk).exists()
    watch.assert_clean()  # no window.confirm: the question was the page's own dialog


def test_the_workspace_and_its_drawing_tools_speak_english_too(
    live_server, chromium, basemap, planner, bench
):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/", locale="en-GB")
    page.get_by_label("User name").fill("planner")
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Nothing opened")).to_be_visible()
    polygon_tool = page.locator(".button-container", has=page.locator(".leaflet-pm-icon-polygon"))
    expect(polygon_tool).to_have_attribute("title", "Draw a new focus area")

    pin(page).click()
    expect(heading(page)).to_have_text("Measure: Bank am Marktplatz")
    expect(page.locator("#m-status")).to_have_text("Status: planned")
    page.get_by_role("button", name="Edit geometry").click()
    expect(page.locator("#ws-mode")).to_contain_text(
        "You are editing the geometry of Measure “Bank am Marktplatz”"
    )
    marker_tool = page.locator(".button-container", has=page.locator(".leaflet-pm-icon-marker"))
    expect(marker_tool).to_have_attribute("title", "Draw a point")
    watch.assert_clean()


def test_an_object_opened_while_the_map_reloads_stays_open_on_its_new_layer(
    live_server, chromium, basemap, planner, bench
):
    """Cancelling reloads the objects; a planner who opens a pin before the reload has arrived keeps it
    open when the new pins replace the old ones, and can edit it (the pin is neither inert nor stale)."""
    measure, _focus_area = bench
    watch, page = sign_in(chromium, live_server, DESKTOP)
    pin(page).click()
    page.get_by_role("button", name="Geometrie bearbeiten").click()
    held: list = []
    # the reload waits until the test lets it through (later requests pass on to the Watch's handler)
    page.route("**/api/measures/?*", lambda route: route.fallback() if held else held.append(route))
    page.get_by_role("button", name="Abbrechen").click()
    expect(page.locator("#ws-status")).to_have_text(
        "Abgebrochen: Die gespeicherte Fassung wird wieder gezeigt."
    )
    while not held:
        page.wait_for_timeout(20)
    pin(page).click()  # the old pin, about to be replaced
    expect(heading(page)).to_contain_text("Bank am Marktplatz")
    held[0].fallback()
    expect(pin(page)).to_have_count(1)
    expect(pin(page)).to_have_class(re.compile(r"\bws-target\b"))
    expect(heading(page)).to_contain_text("Bank am Marktplatz")
    page.get_by_role("button", name="Geometrie bearbeiten").click()
    expect(pin(page)).to_have_class(re.compile(r"\bws-target\b"))
    expect(pin(page)).to_have_class(re.compile(r"\bleaflet-pm-draggable\b"))
    expect(pin(page)).not_to_have_class(re.compile(r"\bws-inert\b"))
    assert Measure.objects.get(pk=measure.pk).version == measure.version
    watch.assert_clean()
