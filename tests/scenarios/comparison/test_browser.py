"""The comparison page in Debian's Chromium against a live server: a planner signs in and reads the
comparison on a desktop and a 390 px phone — the tables are there, the map draws what changes, the
page does not scroll sideways, nothing leaves the loopback interface and the console stays clean."""

import pytest
from playwright.sync_api import expect

from geo.permissions import PLANNERS
from tests.axe import assert_accessible
from tests.browser import DESKTOP, NARROW, PHONE, Watch, scroll_overflow
from tests.fixtures import user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_planner_reads_the_comparison_on_a_desktop_and_a_phone(
    tmp_path, live_server, chromium, basemap, case
):
    user_in("planner", PLANNERS)
    url = f"{live_server.url}/planung/szenarien/{case['S'].pk}/vergleich/?mit={case['T'].pk}"
    watch = Watch()
    context = watch.context(chromium, screen=DESKTOP)
    page = context.new_page()
    page.goto(url)
    page.fill("#id_username", "planner")
    page.fill("#id_password", "pw-for-tests-only")
    page.click(".login-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Vergleich: Szenario S")
    for table in ("#table-years", "#table-dimensions", "#table-funding", "#table-goal3", "#table-quartiere"):
        expect(page.locator(table)).to_be_visible()
    # the 2024 row: baseline, S, T, then the differences written out with their sign
    expect(page.locator("#table-years tbody tr").nth(1)).to_contain_text("250.000")
    expect(page.locator("#table-years tbody tr").nth(1)).to_contain_text("+120.000")
    expect(page.locator(".gap-table").first).to_contain_text("schließt")
    # the map: the three Quartiere, then P1 (new), M3 (dropped, a point), M1 and M2 (budget changed)
    expect(page.locator("#map_scenario_changes")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#map_scenario_changes .leaflet-overlay-pane path")).to_have_count(7)
    expect(page.locator("#map-legend")).to_contain_text("neu")
    assert scroll_overflow(page) == 0
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)
    # on paper: no navigation, buttons or map controls; the tables and the map stay
    page.emulate_media(media="print")
    for hidden in (".office-nav", ".site-header", "#print", ".compare-with", ".leaflet-control-zoom"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("#table-index")).to_be_visible()
    expect(page.locator("#map_scenario_changes")).to_be_visible()
    page.pdf(path=str(tmp_path / "vergleich.pdf"), format="A4")
    page.emulate_media(media="screen")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("#map_scenario_changes")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#table-quartiere")).to_be_attached()
    page.locator("#table-quartiere").scroll_into_view_if_needed()
    expect(page.locator("#table-quartiere")).to_be_visible()
    assert scroll_overflow(page) == 0
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    page.set_viewport_size(NARROW)  # 320 px: still no sideways scrolling
    expect(page.locator("#table-years")).to_be_attached()
    assert scroll_overflow(page) == 0
    watch.assert_clean()
