"""A planner's journey in Chromium (desktop and a 390 px phone): create a weighting that puts more weight
on an indicator in the back office, open the report with it and see the ranking change."""

import pytest
from playwright.sync_api import expect

from planning.models import Weighting
from tests.browser import DESKTOP, PHONE, Watch, scroll_overflow
from tests.planning.test_priority_evidence import evidence  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def green_ranking(page) -> list[str]:
    """The Quartiere of the report's green table (the third), in their order."""
    return page.locator("#prio-3 + .table-scroll tbody th").all_inner_texts()


@pytest.mark.parametrize("screen", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_a_planner_weights_an_indicator_more_and_the_report_ranks_anew(
    live_server,
    chromium,
    basemap,
    evidence,  # noqa: F811
    planner,
    screen,
):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/gewichtungen/", screen=screen)
    page.fill("#id_username", "planner")
    page.fill("#id_password", "pw-for-tests-only")
    page.click(".login-form button[type=submit]")
    expect(page.get_by_role("heading", name="Gewichtungen des Prioritätsindex")).to_be_visible()
    expect(page.get_by_role("link", name="Gewichtungen", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("table.weightings tbody tr")).to_have_count(1)  # the default, "Standard"
    page.get_by_label("Name", exact=True).fill("Mehr Grün")
    expect(page.get_by_label("Kopie von")).to_have_value(str(evidence["weighting"].pk))
    page.get_by_role("button", name="Anlegen und bearbeiten").click()
    expect(page.get_by_role("heading", name="Gewichtung „Mehr Grün“")).to_be_visible()
    gruen = page.get_by_label("gruen (%)")
    expect(gruen).to_have_value("1.0")
    gruen.fill("10")
    page.get_by_role("button", name="Sichern").click()
    expect(page.get_by_role("status")).to_have_text("Gespeichert: „Mehr Grün“.")
    weighting = Weighting.objects.get(name="Mehr Grün")
    assert not weighting.is_default
    # the list with both weightings (the second with its "make default" button) fits the screen
    page.goto(f"{live_server.url}/planung/gewichtungen/")
    expect(page.locator("table.weightings tbody tr")).to_have_count(2)
    assert scroll_overflow(page) <= 1
    # the report with the default weighting: green ranks Quelle, Alpha, Beta (docs/priorities.md)
    page.goto(f"{live_server.url}/bericht/?stadt={evidence['city'].pk}")
    assert green_ranking(page) == ["Quelle", "Alpha", "Beta"]
    # with "Mehr Grün": gruen counts 10 ×, Beta (least green) overtakes Alpha
    page.get_by_label("Gewichtung", exact=True).select_option(label="Mehr Grün")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator("#weighting-shown")).to_contain_text("Gewichtung: Mehr Grün.")
    assert green_ranking(page) == ["Quelle", "Beta", "Alpha"]
    expect(page.locator("#prio-3 + .table-scroll tbody tr").nth(1).locator("td.rank-range")).to_be_visible()
    assert scroll_overflow(page) <= 1
    watch.assert_clean()
