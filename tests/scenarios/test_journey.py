"""The scenario journey in Debian's Chromium: a planner composes a scenario (a new measure drawn on the
map with a budget line, a postponed measure) and shares it; a strategy board member signs in on a
phone (390 px), lands on the shared scenarios, reads it and comments; the planner sees the comment and
records the adoption; the new measure is public on /massnahmen/. Pages pass axe-core and reflow at
320 px."""

import pytest
from playwright.sync_api import expect

from geo.permissions import PLANNERS, STRATEGY_BOARD
from measures.models import BudgetLine, Measure
from quartiere.models import Area, Level
from scenarios.models import Scenario, State
from tests.backoffice_kit import check_page
from tests.browser import DESKTOP, NARROW, PHONE, Watch, scroll_overflow
from tests.fixtures import load_demo_committed
from tests.scenarios.conftest import PAYLOAD, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Haushalt 2023 – Reise"
NEW = "Spielplatz am Salonwald"
POSTPONED = "Neue Ortsmitte Eglosheim"


@pytest.fixture
def demo_live(live_server, basemap):
    load_demo_committed()
    city = Area.objects.get(level=Level.CITY, code="08118048")
    member("planerin", PLANNERS, city)
    member("beirat", STRATEGY_BOARD, city)
    return live_server


def sign_in(page, username: str) -> None:
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("pw-for-tests-only")
    page.get_by_role("button", name="Anmelden").click()


def test_compose_share_comment_and_adopt(demo_live, chromium):
    base = demo_live.url
    watch = Watch()
    postponed = Measure.objects.get(title=POSTPONED)
    years_before = sorted(
        postponed.budget_lines.filter(fiscal_year__gte=2023).values_list("fiscal_year", flat=True)
    )

    # the planner composes
    page = watch.open(chromium, base + "/planung/szenarien/", screen=DESKTOP)
    sign_in(page, "planerin")
    expect(page.get_by_role("heading", name="Szenarien", exact=True)).to_be_visible()
    page.get_by_role("link", name="Neues Szenario").click()
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Haushaltsjahr").fill("2023")
    page.get_by_role("button", name="Szenario anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.locator(".mo-messages")).to_contain_text("Das Szenario wurde angelegt.")

    page.get_by_role("link", name="Neue Maßnahme hinzufügen").click()
    page.get_by_label("Titel").fill(NEW)
    page.get_by_label("grün", exact=True).check()
    page.locator("#measure-map").scroll_into_view_if_needed()
    page.locator(".leaflet-pm-icon-marker").click()
    box = page.locator("#measure-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.6)
    expect(page.locator("#map-status")).to_contain_text("Ein Ort ist in der Karte gezeichnet.")
    page.get_by_role("button", name="Neue Maßnahme hinzufügen").click()
    expect(page.locator(".mo-messages")).to_contain_text("Die neue Maßnahme wurde hinzugefügt.")
    line_form = page.locator("form[aria-labelledby=new-line-title]")
    line_form.get_by_label("Betrag (EUR)").fill("250000")
    line_form.get_by_label("Finanzierungsquelle").select_option(label="Fördermittel")
    line_form.get_by_role("button", name="Haushaltsposten hinzufügen").click()
    expect(page.locator("#proposed-lines")).to_contain_text("2023: 250.000,00 €")

    page.get_by_role("link", name=f"Zurück zum Szenario „{NAME}“").click()
    change = page.locator("form[aria-labelledby=mc-form-heading]")
    change.get_by_label("Veröffentlichte Maßnahme").select_option(label=POSTPONED)
    change.get_by_label("verschieben", exact=True).check()
    change.get_by_label("Verschieben um (Jahre)").fill("2")
    change.get_by_role("button", name="Änderung hinzufügen").click()
    expect(page.locator("#measure-change-list")).to_contain_text(f"{POSTPONED} · um 2 Jahre verschoben")
    expect(
        page.locator("#scenario-map path.leaflet-interactive, #scenario-map .leaflet-interactive").first
    ).to_be_attached()
    # axe runs on the board member's page below (the same partials); here: no sideways scrolling at 320 px
    page.set_viewport_size(NARROW)
    assert scroll_overflow(page) == 0
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Für den Strategiebeirat freigeben").click()
    expect(page.locator("#scenario-meta")).to_contain_text("für den Strategiebeirat freigegeben")

    # the board member, on a phone: lands on the shared scenarios, reads, comments
    board = watch.open(chromium, base + "/planung/anmelden/", screen=PHONE)
    sign_in(board, "beirat")
    expect(board).to_have_url(base + "/planung/szenarien/")
    expect(board.get_by_role("link", name=NAME)).to_be_visible()
    expect(board.get_by_text("Soziale Infrastruktur")).to_have_count(0)  # the demo's draft is not shared
    board.get_by_role("link", name=NAME).click()
    expect(board.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(board.locator("#proposed-list")).to_contain_text(NEW)
    expect(board.locator("#compare-link")).to_be_visible()
    expect(board.get_by_role("button", name="Zum Entwurf zurückziehen")).to_have_count(0)
    expect(board.get_by_role("button", name="Änderung hinzufügen")).to_have_count(0)
    board.get_by_label("Ihr Kommentar").fill(PAYLOAD)
    board.get_by_role("button", name="Kommentar hinzufügen").click()
    expect(board.locator("#comment-list .comment-body")).to_have_text(PAYLOAD)
    check_page(board)

    # the planner sees the comment and adopts
    page.reload()
    expect(page.locator("#comment-list .comment-body")).to_have_text(PAYLOAD)
    decide = page.locator("form[aria-labelledby=decide-heading]")
    decide.get_by_label("Wortlaut der Entscheidung").fill("Beschlossen für den Haushalt 2023")
    decide.get_by_role("button", name="Entscheidung festhalten").click()
    expect(page.locator("#decision-recorded")).to_contain_text("Beschlossen für den Haushalt 2023")
    expect(page.locator("#audit-table")).to_contain_text("in die veröffentlichten Daten übernommen")
    scenario = Scenario.objects.get(name=NAME)
    assert scenario.state == State.ADOPTED
    created = Measure.objects.get(title=NEW)
    assert created.published and created.geom.geom_type == "Point"
    assert list(BudgetLine.objects.filter(measure=created).values_list("fiscal_year", "amount")) == [
        (2023, 250000)
    ]
    years_after = sorted(
        postponed.budget_lines.filter(fiscal_year__gte=2025).values_list("fiscal_year", flat=True)
    )
    assert years_after == [y + 2 for y in years_before]

    public = watch.open(chromium, base + "/massnahmen/?sort=-updated", screen=DESKTOP)
    expect(public.get_by_role("link", name=NEW)).to_be_visible()
    watch.assert_clean()
