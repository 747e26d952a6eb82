"""A planner's journey in Chromium: sign in, upload a layer file of green spaces, see it listed, define
a spatial indicator on it, and see the computed values listed. The pages pass axe-core and reflow at
320 px."""

import os

import pytest
from playwright.sync_api import expect

from geo.permissions import PLANNERS
from quartiere.models import Level
from tests.backoffice_kit import check_page, sign_in
from tests.browser import DESKTOP, PHONE, Watch
from tests.fixtures import feature, import_areas, import_region, square, user_in
from tests.indicators.spatial.conftest import GREEN, write_geojson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# the browser tests assert that no request leaves 127.0.0.1: serve the live server there
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


@pytest.fixture
def small_world(transactional_db):
    import_region()
    import_areas(Level.CITY, feature("C", "Stadt", square(0, 0, 2000, 1000), population=3000))
    import_areas(
        Level.QUARTIER,
        feature("Q1", "West", square(0, 0, 1000, 1000), population=1000),
        feature("Q2", "Ost", square(1000, 0, 2000, 1000), population=2000),
    )
    user_in("planerin", PLANNERS)


@pytest.mark.parametrize("screen", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_a_planner_uploads_a_layer_and_defines_an_indicator(
    small_world, live_server, chromium, tmp_path, screen
):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/indikatoren/ebenen/", screen=screen)
    sign_in(page, "planerin")
    expect(page.get_by_role("heading", name="Referenzebenen", exact=True)).to_be_visible()
    expect(page.get_by_text("Noch keine Referenzebene.")).to_be_visible()

    # upload the green spaces
    page.get_by_role("link", name="Ebene hochladen").click()
    expect(page.get_by_role("heading", name="Referenzebene hochladen")).to_be_visible()
    if screen is DESKTOP:
        check_page(page)
    page.get_by_label("Datei", exact=True).set_input_files(
        str(write_geojson(tmp_path / "gruen.geojson", GREEN))
    )
    page.get_by_label("Name (Schlüssel)").fill("gruen")
    page.get_by_label("Titel", exact=True).fill("Grünflächen")
    page.get_by_label("Jahr der Daten").fill("2024")
    page.get_by_label("Lizenz", exact=True).fill("CC BY 4.0")
    page.get_by_role("button", name="Hochladen und importieren").click()
    expect(page.get_by_role("status")).to_have_text(
        "Ebene „gruen“ importiert; ihre Indikatoren werden neu berechnet."
    )
    row = page.locator("#layers tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Grünflächen")
    expect(row.locator("td").nth(2)).to_have_text("3")
    expect(row).to_contain_text("CC BY 4.0")
    if screen is DESKTOP:
        check_page(page)

    # define the share of green space
    page.get_by_role("link", name="Neuer räumlicher Indikator").click()
    page.get_by_label("Referenzebene", exact=True).select_option(label="gruen")
    page.get_by_label("Methode", exact=True).select_option(value="area_share")
    page.get_by_label("Schlüssel", exact=True).fill("gruen_anteil")
    page.get_by_label("Name (Deutsch)").fill("Anteil Grünfläche")
    page.get_by_label("Name (Englisch)").fill("Share of green space")
    page.get_by_label("Einheit", exact=True).fill("%")
    page.get_by_label("Dimension", exact=True).select_option(value="green")
    page.get_by_role("button", name="Anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Räumlicher Indikator „Anteil Grünfläche“")
    expect(page.get_by_role("status")).to_have_text("Gespeichert; die Werte sind berechnet.")
    # hand-computed (test_methods.py): Q1 8 %, Q2 1 %, the city 4.5 %
    values = page.locator("#spatial-values tbody tr")
    expect(values).to_have_count(3)
    expect(values.nth(0)).to_contain_text("Stadt")
    expect(values.nth(0).locator("td").last).to_have_text("4,50")
    expect(page.locator("#spatial-values tbody tr", has_text="West").locator("td").last).to_have_text("8,00")
    expect(page.locator("#spatial-values tbody tr", has_text="Ost").locator("td").last).to_have_text("1,00")
    if screen is DESKTOP:
        check_page(page)
    watch.assert_clean()
