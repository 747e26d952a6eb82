"""Many cities in one deployment, in Chromium on a desktop and a 360 px phone: a planner of Ludwigsburg
is offered only Ludwigsburg as the measure's city, though a second city exists; a regional planner is
offered only the region and creates a regional measure for the whole region."""

import pytest
from playwright.sync_api import expect

from geo.permissions import PLANNERS
from measures.models import Measure
from quartiere.models import Area, Level
from staff.models import Membership
from tests.axe import assert_accessible
from tests.browser import DESKTOP, Watch, scroll_overflow
from tests.fixtures import load_demo_committed, user_in
from tests.staff.region_world import LUDWIGSBURG, second_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_360 = {"width": 360, "height": 780}
NEW = "/planung/massnahmen/neu/"


def sign_in(watch: Watch, chromium, base: str, screen: dict, username: str):
    page = watch.open(chromium, base + NEW, screen=screen)
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("pw-for-tests-only")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Neue Maßnahme")).to_be_visible()
    return page


def city_choices(page) -> list[str]:
    return [text.strip() for text in page.locator("#id_city option").all_inner_texts()]


@pytest.mark.parametrize("screen", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE_360, id="360px")])
def test_a_city_planner_sees_only_their_city_and_a_regional_planner_makes_a_regional_measure(
    live_server, basemap, chromium, screen
):
    load_demo_committed()
    ludwigsburg = Area.objects.get(level=Level.CITY, code=LUDWIGSBURG)
    region = ludwigsburg.parent
    second_city(region, ludwigsburg)
    for name, area in (("planer-lb", ludwigsburg), ("planer-region", region)):
        Membership.objects.create(user=user_in(name, PLANNERS), city=area)
    base = live_server.url
    watch = Watch()

    page = sign_in(watch, chromium, base, screen, "planer-lb")
    assert city_choices(page) == ["Ludwigsburg"]
    expect(page.get_by_label("Stadt", exact=True)).to_have_value(str(ludwigsburg.pk))
    assert "Teststadt" not in page.locator("#id_scope").inner_text()
    assert scroll_overflow(page) == 0

    page = sign_in(watch, chromium, base, screen, "planer-region")
    assert city_choices(page) == [region.name]
    expect(page.get_by_label("Stadt oder Region", exact=True)).to_have_value(str(region.pk))
    page.get_by_label("Titel").fill("Regionaler Radschnellweg")
    page.locator('input[name="place"][value="scope"]').check()
    expect(page.locator("#place-scope")).to_be_visible()
    page.locator("#id_scope").select_option(str(region.pk))
    assert_accessible(page)
    assert scroll_overflow(page) == 0
    page.get_by_role("button", name="Maßnahme anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maßnahme „Regionaler Radschnellweg“")
    measure = Measure.objects.get(title="Regionaler Radschnellweg")
    assert measure.city_id == region.pk and measure.scope_id == region.pk and measure.geom is None
    assert scroll_overflow(page) == 0
    watch.assert_clean()
