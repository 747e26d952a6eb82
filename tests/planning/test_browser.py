"""The planning pages in Debian's Chromium (Playwright) against a live server: a planner logs in, draws
a focus area, saves, reloads and sees it; a stale edit shows the conflict message and keeps the
drawing; the profile and the report render their maps and charts with no console error and no request
leaving the loopback interface. Screenshots go to pytest's tmp_path (the README's images are made
from the demo by scripts/screenshots)."""

import pytest
from playwright.sync_api import expect

from participation.layers import category_colours
from planning.layers import NO_SCORE_COLOUR, SCORE_CLASSES
from planning.maps import STYLE
from planning.models import FocusArea
from planning.services import focus_area_create, focus_area_update
from tests.browser import Watch
from tests.fixtures import load_demo_committed, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server):
    expect(page.locator("#id_username")).to_be_visible()
    page.fill("#id_username", "planner")
    page.fill("#id_password", "pw-for-tests-only")
    page.click(".login-form button[type=submit]")
    expect(page.locator("#map .leaflet-overlay-pane path").first).to_be_attached()


def test_a_planner_draws_a_focus_area_saves_reloads_and_sees_it(
    tmp_path, live_server, chromium, basemap, grid, planner
):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/")
    login(page, live_server)
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(3)  # the three Quartiere
    page.click(".leaflet-pm-icon-polygon")
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(-120, -60), (80, -70), (110, 60), (-90, 70)]
    for dx, dy in corners:
        page.mouse.click(cx + dx, cy + dy)
    page.mouse.click(cx + corners[0][0], cy + corners[0][1])  # closes the ring
    expect(page.locator("#fa-form")).to_be_visible()
    page.fill("#fa-name", "Neuer Schwerpunkt")
    page.check("input[name=dimensions][value=green]")
    page.click("#fa-save")
    expect(page.locator("#ws-status")).to_have_text("Gespeichert.")
    focus_area = FocusArea.objects.get()
    assert focus_area.name == "Neuer Schwerpunkt" and focus_area.dimensions == ["green"]
    assert focus_area.geom.srid == 25832 and focus_area.geom.num_coords == 5
    assert focus_area.area_links.filter(level=3).exists()
    page.reload()
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(4)
    page.locator('#map path[stroke-dasharray="6 4"]').click()
    expect(page.locator("#fa-name")).to_have_value("Neuer Schwerpunkt")
    page.screenshot(path=str(tmp_path / "planung.png"))
    watch.assert_clean()


def test_an_edit_with_a_stale_version_shows_the_conflict_and_keeps_the_drawing(
    live_server, chromium, basemap, grid, planner
):
    focus_area = focus_area_create(
        city=grid["C"], name="Alt", geom=square(1200, 200, 1800, 800), dimensions=["just"], published=True
    )
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/")
    login(page, live_server)
    shape = page.locator('#map path[stroke-dasharray="6 4"]')
    expect(shape).to_have_count(1)
    # meanwhile someone else changes it: the version the planner saw is stale now
    focus_area_update(focus_area_id=focus_area.pk, expected_versions=None, name="Von jemand anderem")
    shape.click()
    page.fill("#fa-name", "Meine Änderung")
    page.click("#fa-save")
    expect(page.locator("#ws-conflict")).to_be_visible()
    expect(page.locator("#ws-conflict-text")).to_contain_text("inzwischen geändert")
    # the planner's work is still there: the form, the shape on the map
    expect(page.locator("#fa-name")).to_have_value("Meine Änderung")
    expect(shape).to_have_count(1)
    assert FocusArea.objects.get().name == "Von jemand anderem"
    # loading the current version lets the planner save deliberately over it
    page.click("#ws-reload")
    expect(page.locator("#ws-conflict")).to_be_hidden()
    page.click("#fa-save")
    expect(page.locator("#ws-status")).to_have_text("Gespeichert.")
    assert FocusArea.objects.get().name == "Meine Änderung"
    watch.assert_clean(expected_statuses=(412,))


def test_a_rejected_save_shows_the_services_reason_in_german(live_server, chromium, basemap, grid, planner):
    # the rule "a focus area touches its city" lives in planning.services; its reason reaches the
    # German workspace translated, naming the field, and nothing is stored
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/")
    login(page, live_server)
    page.click(".leaflet-pm-icon-polygon")
    city = page.locator("#map .leaflet-overlay-pane path").first.bounding_box()
    above = city["y"] - 40  # the map shows more than the city: north of it lies the region
    assert above > page.locator("#map").bounding_box()["y"] + 20
    x = city["x"] + city["width"] / 2
    corners = [(x - 60, above - 15), (x + 60, above - 15), (x + 60, above + 15), (x - 60, above + 15)]
    for cx, cy in corners:
        page.mouse.click(cx, cy)
    page.mouse.click(*corners[0])  # closes the ring
    page.fill("#fa-name", "Außerhalb")
    page.click("#fa-save")

    expect(page.locator("#ws-status")).to_contain_text("geom: liegt außerhalb der Stadt Teststadt.")
    assert not FocusArea.objects.exists()
    watch.assert_clean(expected_statuses=(400,))


def rendered_chart(page) -> int:
    """Pixels the chart drew (the canvas' size as a data URL grows with what is drawn on it)."""
    return page.locator("#budget-chart").evaluate("canvas => canvas.toDataURL('image/png').length")


def fills(page, selector: str) -> set[str]:
    """The fill colours of the map's drawn shapes."""
    return set(page.locator(f"{selector} .leaflet-overlay-pane path").evaluate_all(FILLS))


FILLS = "paths => paths.map(p => p.getAttribute('fill'))"


def filled(selector: str, colours) -> str:
    """A selector of the map's shapes filled in one of ``colours``."""
    return ", ".join(f'{selector} .leaflet-overlay-pane path[fill="{colour}"]' for colour in colours)


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*bytes.fromhex(colour[1:]))


def test_the_profile_and_the_report_render_maps_and_charts(live_server, chromium, basemap, db, tmp_path):
    load_demo_committed()
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/quartiere/mitte/")
    expect(page.locator("#map_quartier .leaflet-overlay-pane path").first).to_be_attached()
    expect(page.locator("#map_quartier .leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator("#map_quartier[data-loaded=true]")).to_be_attached()
    # contributions in their category's colour (participation's palette), none in another
    others = {
        STYLE["quartier"]["color"],
        STYLE["focus_area"]["fillColor"],
        STYLE["measure"]["fillColor"],
        "none",
    }
    palette = set(category_colours().values())
    contributions = fills(page, "#map_quartier") - others
    assert contributions and contributions <= palette
    assert rendered_chart(page) > 3000
    page.screenshot(path=str(tmp_path / "quartier.png"))
    page = watch.open(chromium, f"{live_server.url}/bericht/")
    for dimension in ("all", "just", "green", "productive"):
        expect(page.locator(f"#map_priority_{dimension} .leaflet-overlay-pane path")).to_have_count(12)
    # the legend: one swatch per score class, in the class's colour (set from the page, not inline)
    swatches = page.locator(".legend-row .swatch")
    expect(swatches).to_have_count(len(SCORE_CLASSES))
    for index, (_upto, _de, _en, colour) in enumerate(SCORE_CLASSES):
        expect(swatches.nth(index)).to_have_css("background-color", rgb(colour))
    assert fills(page, "#map_priority_all") <= {colour for *_rest, colour in SCORE_CLASSES} | {
        NO_SCORE_COLOUR
    }
    assert rendered_chart(page) > 3000
    page.screenshot(path=str(tmp_path / "bericht.png"))
    watch.assert_clean()


def test_the_workspace_draws_contributions_and_priorities_in_the_shared_colours(
    demo_committed, live_server, chromium, basemap, db, planner, tmp_path
):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/")
    login(page, live_server)
    expect(page.locator("#map .leaflet-tile-loaded").first).to_be_attached()
    palette = category_colours().values()
    classes = [colour for *_rest, colour in SCORE_CLASSES]
    expect(page.locator(filled("#map", palette))).to_have_count(0)  # the layer is off at first
    page.get_by_label("Veröffentlichte Beiträge").check()
    expect(page.locator(filled("#map", palette)).first).to_be_attached()
    assert "#fb8c00" not in fills(page, "#map")  # the colour the workspace used to have of its own
    page.get_by_label("Prioritätsindex").check()
    expect(page.locator(filled("#map", classes))).to_have_count(12)  # the demo's 12 Quartiere all scored
    page.screenshot(path=str(tmp_path / "planung-farben.png"))
    watch.assert_clean()
