"""The profile's indicators in Chromium on a phone (390 px) and at 320 px: the time series is visible
(sparkline, and the table once opened) and nothing scrolls sideways; the report's choropleths at 320 px."""

import pytest

from quartiere.models import Area
from tests.browser import NARROW, PHONE, Watch, scroll_overflow
from tests.indicators.maps.conftest import build_city

pytestmark = [pytest.mark.browser]


def test_profile_indicators_on_a_phone(transactional_db, live_server, chromium, basemap):
    build_city()
    slug = Area.objects.get(code="Q3").slug
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/quartiere/{slug}/", screen=PHONE)
    panel = page.locator("section.indicator-panel")
    assert panel.get_by_role("heading", name="Indikatoren im Zeitverlauf", exact=True).is_visible()
    armut = panel.locator('li[data-indicator="armut"]')
    armut.scroll_into_view_if_needed()
    assert armut.locator("svg.sparkline").is_visible()
    assert "2023: 36" in armut.locator(".indicator-latest").inner_text()
    armut.get_by_text("Zeitreihe").click()
    table = armut.locator("table")
    assert table.is_visible()
    assert table.locator("tbody tr").all_inner_texts() == ["2022\t30\t18", "2023\t36\t20"]
    assert scroll_overflow(page) == 0
    page.set_viewport_size(NARROW)
    assert scroll_overflow(page) == 0
    # the report's choropleths fit 320 px too, one per indicator
    page.goto(f"{live_server.url}/bericht/?stadt={Area.objects.get(code='C').pk}")
    maps = page.locator("figure.indicator-map")
    assert maps.count() == 2
    maps.first.scroll_into_view_if_needed()
    assert maps.first.locator("svg path").count() == 4 and maps.first.is_visible()
    assert scroll_overflow(page) == 0
    watch.assert_clean()
