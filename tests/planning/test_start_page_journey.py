"""A planner's start page in Chromium, on a desktop and a phone: signing in without ``next`` lands on
/planung/uebersicht/, which lists a measure without budget lines; its link opens the measure's page."""

import pytest
from playwright.sync_api import expect

from geo.permissions import PLANNERS
from measures.services import measure_create
from tests.backoffice_kit import check_page, sign_in
from tests.browser import DESKTOP, PHONE, Watch
from tests.fixtures import user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


@pytest.mark.parametrize("screen", SCREENS)
def test_a_planner_lands_on_the_start_page_and_finds_a_measure_without_budget(
    live_server, chromium, basemap, grid, screen
):
    user_in("planerin", PLANNERS)
    measure = measure_create(city=grid["C"], title="Radweg <Nord>", scope=grid["C"])
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/anmelden/", screen=screen)

    sign_in(page, "planerin")

    page.wait_for_url(f"{live_server.url}/planung/uebersicht/")
    expect(page.get_by_role("heading", name="Was wartet", level=1)).to_be_visible()
    box = page.locator("#waits-unbudgeted")
    expect(box.get_by_role("heading")).to_have_text("Maßnahmen ohne Haushaltsansatz")
    expect(box.locator(".count")).to_have_text("1")
    link = box.get_by_role("link", name="Radweg <Nord>")
    expect(link).to_have_attribute("href", f"/planung/massnahmen/{measure.pk}/")
    # the measure is a draft too; nothing else waits
    expect(page.locator("#waits-drafts").get_by_role("link", name="Radweg <Nord>")).to_be_visible()
    expect(page.locator("#waits-pending .count")).to_have_text("0")
    expect(page.locator(".office-nav a[aria-current=page]")).to_have_text("Übersicht")
    check_page(page)

    # the link leads to the measure's page in the back office
    link.click()
    page.wait_for_url(f"{live_server.url}/planung/massnahmen/{measure.pk}/")
    expect(page.locator("h1")).to_contain_text("Radweg <Nord>")
    watch.assert_clean()
