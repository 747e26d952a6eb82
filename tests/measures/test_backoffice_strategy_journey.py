"""A planner edits the strategy tree in Chromium, on a desktop and a phone: adds a strategic goal
under an action field, renames it, and meets a refused delete (a measure still refers to the goal)
and a rejected save (errors beside the fields, the summary takes the focus)."""

import pytest
from playwright.sync_api import expect

from geo.permissions import PLANNERS
from measures.models import StrategicGoal
from tests.backoffice_kit import check_page, sign_in
from tests.browser import DESKTOP, PHONE, Watch
from tests.fixtures import user_in
from tests.measures.factories import ActionFieldFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
FIELD = "Leistungsfähige und lernende Verwaltung"


@pytest.mark.parametrize("screen", SCREENS)
def test_a_planner_adds_a_strategic_goal_and_renames_it(live_server, chromium, basemap, screen):
    user_in("planerin", PLANNERS)
    field = ActionFieldFactory(name=FIELD)
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/strategie/", screen=screen)
    sign_in(page, "planerin")
    page.wait_for_url(f"{live_server.url}/planung/strategie/")
    expect(page.locator(f"#action-field-{field.pk}")).to_contain_text("Noch kein strategisches Ziel.")
    check_page(page)

    page.get_by_role("link", name=f"Strategisches Ziel hinzufügen zu {FIELD}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Neues strategisches Ziel in „{FIELD}“")
    expect(page.get_by_label("Handlungsfeld")).to_have_value(str(field.pk))
    page.get_by_label("Titel").fill("Generationengerechter Haushalt")
    page.get_by_label("Text").fill("Infrastruktur in gutem Zustand, genug Mittel für den Unterhalt.")
    check_page(page)
    page.get_by_role("button", name="Anlegen").click()

    page.wait_for_url(f"{live_server.url}/planung/strategie/?ok=created")
    expect(page.locator(".office-done")).to_have_text("Angelegt.")
    goal = StrategicGoal.objects.get()
    item = page.locator(f"#goal-{goal.pk}")
    expect(item.locator(".goal-number")).to_have_text("1.")
    expect(item.locator(".goal-title")).to_have_text("Generationengerechter Haushalt")

    item.get_by_role("link", name="Bearbeiten Ziel 1. Generationengerechter Haushalt").click()
    title = page.get_by_label("Titel")
    expect(title).to_have_value("Generationengerechter Haushalt")
    # an empty title is refused beside the field; the summary takes the focus
    title.fill("")
    page.get_by_role("button", name="Sichern").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_title-error")).to_be_visible()
    check_page(page)

    title.fill("Haushalt mit Generationengerechtigkeit")
    page.get_by_role("button", name="Sichern").click()
    page.wait_for_url(f"{live_server.url}/planung/strategie/?ok=saved")
    expect(page.locator(f"#goal-{goal.pk} .goal-title")).to_have_text(
        "Haushalt mit Generationengerechtigkeit"
    )
    goal.refresh_from_db()
    assert goal.title == "Haushalt mit Generationengerechtigkeit"
    assert [h.history_user.username for h in goal.history.all()] == ["planerin", "planerin"]

    # the action field cannot go while it has a goal: the page says why, nothing is deleted
    page.get_by_role("link", name=f"Bearbeiten Handlungsfeld {FIELD}").click()
    page.get_by_role("button", name="Löschen").click()  # the confirmation is accepted
    expect(page.locator(".office-refusal")).to_contain_text(
        "Dieses Handlungsfeld hat noch 1 strategisches Ziel"
    )
    expect(page.locator(".office-refusal")).to_be_focused()
    check_page(page)
    assert StrategicGoal.objects.filter(action_field=field).exists()

    # a master plan covering the action field
    page.get_by_role("link", name="Zurück zur Strategie").click()
    page.get_by_role("link", name="Neuer Masterplan").click()
    # the new page has loaded before it is checked (the old one may still be unloading)
    expect(page.get_by_role("heading", level=1)).to_have_text("Neuer Masterplan")
    check_page(page)
    page.get_by_label("Titel").fill("Masterplan Verwaltung 2030")
    page.get_by_label("Status").select_option("adopted")
    page.get_by_label(FIELD).check()
    page.get_by_role("button", name="Anlegen").click()
    page.wait_for_url(f"{live_server.url}/planung/strategie/?ok=created")
    row = page.locator("#plans-heading + .table-scroll tbody tr")
    expect(row).to_contain_text("Masterplan Verwaltung 2030")
    expect(row).to_contain_text(FIELD)
    watch.assert_clean(expected_statuses=(400, 409), dialogs=1)
