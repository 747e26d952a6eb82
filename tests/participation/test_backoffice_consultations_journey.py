"""A planner sets up a consultation in Chromium, on a desktop and a phone: signs in, opens "Neues
Beteiligungsverfahren", draws its area on the map (Leaflet-Geoman), ticks two target groups, creates
it, finds it in the list of open consultations and follows the link to the public map /karte/, where
the drawn area is the consultation's outline. A rejected form shows its errors beside the fields."""

import pytest
from playwright.sync_api import expect

from geo.permissions import PLANNERS
from participation.models import Consultation
from tests.backoffice_kit import check_page, sign_in
from tests.browser import DESKTOP, PHONE, Watch
from tests.fixtures import load_demo_committed, user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


@pytest.fixture
def demo_live(live_server, basemap, db):
    load_demo_committed()
    user_in("planerin", PLANNERS)
    return live_server


def draw_square(page, half: float = 25) -> None:
    """A square of 2 × ``half`` px around the middle of the map, drawn with Geoman's polygon tool."""
    page.locator("#consultation-map").scroll_into_view_if_needed()
    page.locator("#consultation-map .leaflet-pm-icon-polygon").click()
    box = page.locator("#consultation-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(x - half, y - half), (x + half, y - half), (x + half, y + half), (x - half, y + half)]
    for corner in corners:
        page.mouse.click(*corner)
    page.mouse.click(*corners[0])


@pytest.mark.parametrize("screen", SCREENS)
def test_a_planner_creates_a_consultation_with_a_drawn_area(demo_live, chromium, screen):
    title = f"Spielplätze am Marktplatz ({screen['width']})"
    watch = Watch()
    page = watch.open(chromium, f"{demo_live.url}/planung/verfahren/", screen=screen)
    sign_in(page, "planerin")
    page.wait_for_url(f"{demo_live.url}/planung/verfahren/")
    expect(page.get_by_role("heading", name="Beteiligungsverfahren", level=1)).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Neues Beteiligungsverfahren").click()
    expect(page.get_by_role("heading", name="Neues Beteiligungsverfahren", level=1)).to_be_visible()
    expect(page.locator("#consultation-map .leaflet-overlay-pane path")).to_have_count(12)  # the Quartiere
    check_page(page)

    # first without a title: the error stands beside the field, the summary takes the focus
    page.get_by_role("button", name="Anlegen").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("Titel")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_title-error")).to_be_visible()
    check_page(page)

    page.get_by_label("Titel").fill(title)
    draw_square(page)
    expect(page.locator("#consultation-map-status")).to_have_text(
        "Fläche gezeichnet: Sie gilt, sobald Sie speichern."
    )
    expect(page.locator("#id_area")).to_have_value("draw")
    page.get_by_label("Jugendliche").check()
    page.get_by_label("Familien").check()
    page.get_by_label("Themen").fill("Spielen, Familie")
    page.get_by_role("button", name="Anlegen").click()

    page.wait_for_url(f"{demo_live.url}/planung/verfahren/?ok=*")
    consultation = Consultation.objects.get(title=title)
    assert consultation.area is None and consultation.geom is not None
    assert consultation.target_groups == ["young_people", "families"]
    expect(page.locator(".office-done")).to_contain_text(f"„{title}“ wurde gespeichert.")
    row = page.locator(f"#consultation-{consultation.pk}")
    expect(
        page.locator("section", has=page.locator("#group-open")).locator(f"#consultation-{consultation.pk}")
    ).to_be_visible()
    expect(row).to_contain_text("gezeichnete Fläche")
    expect(row.locator(".tag-list li")).to_have_text(["Spielen", "Familie"])
    check_page(page)

    # its edit page shows the drawn area again
    row.get_by_role("link", name=title).click()
    expect(page.locator("#consultation-map .leaflet-overlay-pane path")).to_have_count(13)
    expect(page.get_by_label("Jugendliche")).to_be_checked()
    check_page(page)
    page.go_back()

    page.locator(".office-done").get_by_role("link", name="Auf der öffentlichen Karte ansehen").click()
    page.wait_for_url(f"{demo_live.url}/karte/?verfahren={consultation.slug}")
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("#consultation-orientation")).to_have_text(
        "Themen: Spielen, Familie · Zielgruppen: Jugendliche, Familien"
    )
    # the consultation's outline (the drawn square) and the 12 Quartiere
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(13)
    watch.assert_clean(expected_statuses=(400,))
