"""The region page in Debian's Chromium, on a desktop and a 360 px phone: the map draws the
municipalities and recolours them by the number chosen, the table is sorted by keyboard (a column's
link and Enter), the regional measure shows the municipalities it touches with their shares, the CSV
downloads; axe-core finds nothing and nothing scrolls sideways at 320 px. Then the layer ``cities``
answers a WMS GetMap (Mapnik reads the committed rows)."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.backoffice_kit import check_page
from tests.browser import DESKTOP, Watch, scroll_overflow
from tests.geo.wms_support import Picture, getmap, wms_connections  # noqa: F401 - ends Mapnik's sessions
from tests.region import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_360 = {"width": 360, "height": 780}


@pytest.fixture
def region_live(live_server, basemap):
    ids = world.build()
    return live_server, ids


@pytest.mark.parametrize("screen", [DESKTOP, PHONE_360], ids=["desktop", "phone"])
def test_region_page(region_live, chromium, screen):
    server, ids = region_live
    watch = Watch()
    page = watch.open(chromium, server.url + "/region/", screen=screen)
    expect(page.get_by_role("heading", level=1)).to_have_text("Region Testregion")
    expect(page.locator("#region-map")).to_have_attribute("data-loaded", "true")
    assert page.locator("#region-map path.leaflet-interactive").count() == 3
    # the legend follows the number chosen
    page.get_by_label("Gemeinden einfärben nach").select_option("contributions_per_1000")
    expect(page.locator("#map-legend .legend-heading")).to_have_text("Beiträge je 1.000 Einwohner")

    # sorting by keyboard: focus the column's link, Enter; the page comes back sorted
    rows = page.locator("#region-table tbody th[scope=row]")
    expect(rows).to_have_text(["Astadt", "Bdorf", "Cheim"])
    link = page.locator('#region-table a[data-sort="population"]')
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator('#region-table th[aria-sort="ascending"]')).to_contain_text("Einwohner")
    expect(rows).to_have_text(["Cheim", "Bdorf", "Astadt"])
    page.locator('#region-table a[data-sort="population"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator('#region-table th[aria-sort="descending"]')).to_contain_text("Einwohner")
    expect(rows).to_have_text(["Astadt", "Bdorf", "Cheim"])

    # the regional measure and the municipalities it touches, with their shares
    route = page.locator(f'#regional-table tr[data-measure="{ids["m2"]}"]')
    expect(route).to_contain_text("Regionaler Radweg")
    expect(route.locator("ul.touched li")).to_have_text(["Astadt 50\u00a0%", "Bdorf 50\u00a0%"])

    # the CSV, in the table's order
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert [row["name"] for row in csv.DictReader(io.StringIO(text))] == ["Astadt", "Bdorf", "Cheim"]

    # the table scrolls inside its box, never the page
    assert scroll_overflow(page) == 0
    check_page(page)
    watch.assert_clean()


def test_the_cities_layer_over_wms(region_live, client):
    response = client.get(
        getmap(
            "499000,5399000,507000,5405000", layers="cities", size=(200, 150), STYLES="budget_per_inhabitant"
        )
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    # something was drawn: the municipalities' fills and outlines are more than one colour
    assert len(set(Picture(response.content).pixels())) > 2
