"""Text is data, in Chromium: the pages show every text field literally — as text in headings, tables,
lists, map tooltips and layer controls — and nothing a person wrote runs (no dialog from
``alert(1)``, no console error, no 5xx, no request leaving 127.0.0.1). WMS maps label it without
failing."""

import pytest
from playwright.sync_api import expect

from tests.browser import PHONE, Watch
from tests.fixtures import load_demo_committed
from tests.geo.wms_support import wms_connections  # noqa: F401 - ends Mapnik's sessions after the module
from tests.security.conftest import PAYLOAD, poison

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server, basemap):
    load_demo_committed()
    return poison()


def tooltip_of(page, map_name: str, prop: str) -> str:
    """Open the tooltip of the feature whose property ``prop`` is the payload; its text."""
    page.evaluate(
        """([mapName, prop, payload]) => {
            let found = null;
            window[mapName].eachLayer(l => {
                if (!found && l.feature && l.feature.properties && l.feature.properties[prop] === payload) {
                    found = l;
                }
            });
            if (!found) { throw new Error("no feature with " + prop); }
            const at = found.getLatLng ? found.getLatLng() : found.getBounds().getCenter();
            found.fire("mouseover", { latlng: at }, true);  // as a pointer would, up to its layer
        }""",
        [map_name, prop, PAYLOAD],
    )
    tooltip = page.locator(f"#{map_name} .leaflet-tooltip").last
    expect(tooltip).to_be_visible()
    return tooltip.inner_text()


def test_the_profile_shows_every_text_as_text(chromium, live_server, world):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/quartiere/mitte/")
    expect(page.locator("h1")).to_have_text(PAYLOAD)
    assert page.title().startswith(PAYLOAD)
    expect(page.locator("table.data td", has_text=PAYLOAD).first).to_be_visible()  # the measure
    expect(page.locator(".responses .quote", has_text=PAYLOAD)).to_have_count(1)  # the contribution
    expect(page.locator("#map_quartier[data-loaded=true]")).to_be_attached()
    # the layer control names the Quartier's layer by its name, as text
    expect(
        page.locator("#map_quartier .leaflet-control-layers-overlays label", has_text=PAYLOAD)
    ).to_have_count(1)
    assert PAYLOAD in tooltip_of(page, "map_quartier", "title")
    assert "42" not in page.locator("h1").inner_text()
    watch.assert_clean()


def test_the_report_overview_and_participation_map_show_the_text_as_text(chromium, live_server, world):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/bericht/")
    expect(page.locator("a", has_text=PAYLOAD).first).to_be_visible()
    expect(page.locator("#map_priority_all[data-loaded=true]")).to_be_attached()
    assert PAYLOAD in tooltip_of(page, "map_priority_all", "name")

    page = watch.open(chromium, f"{live_server.url}/")
    expect(page.locator(".area-label", has_text=PAYLOAD)).to_have_count(1)

    page = watch.open(chromium, f"{live_server.url}/karte/?verfahren={world.consultation.slug}", screen=PHONE)
    expect(page.locator("h1")).to_have_text(PAYLOAD)
    # the contribution's text, its response's text and unit, the pseudonym, the Quartier's name
    texts = page.locator("#contribution-list .contribution-text")
    expect(texts.filter(has_text=PAYLOAD)).to_have_count(2)
    assert texts.filter(has_text=PAYLOAD).all_inner_texts() == [PAYLOAD, PAYLOAD]
    item = page.locator("#contribution-list li").filter(
        has=page.locator(".contribution-text", has_text=PAYLOAD)
    )
    expect(item.locator("h4")).to_contain_text(PAYLOAD)
    expect(item).to_contain_text(world.contribution.pseudonym)
    watch.assert_clean()


def test_wms_maps_label_the_text_without_failing(client, world):
    # Mapnik reads the committed data over its own connections and draws the names as labels
    response = client.get(
        "/ows",
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetMap",
            "LAYERS": "quartiere,focus_areas,measures",
            "STYLES": "",
            "CRS": "EPSG:25832",
            "BBOX": "509000,5410000,517000,5418000",
            "WIDTH": "512",
            "HEIGHT": "512",
            "FORMAT": "image/png",
        },
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
