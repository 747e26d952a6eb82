"""The participatory budget in Chromium, on a desktop and a phone: a citizen proposes a project by
keyboard only (the place taken with the cross in the map's centre), staff publish it and mark it
feasible with a revised cost and open the vote, the citizen votes within the budget and hears the
remaining amount change (over the budget is said, and refused), staff close the vote and turn the
winners into measures with budget lines, and the results page shows the ranking and what remains."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.utils import timezone
from playwright.sync_api import expect

from budgeting.models import Budget, Phase, Proposal, Status
from geo.permissions import PLANNERS
from measures.models import BudgetLine
from participation.models import Consultation
from quartiere.models import Area
from tests.backoffice_kit import check_page, sign_in
from tests.browser import DESKTOP, PHONE, Watch
from tests.budgeting.conftest import proposal
from tests.fixtures import load_demo_committed, user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


@pytest.fixture
def budget(live_server, basemap, db) -> Budget:
    caches["participation"].clear()  # the throttle's counters: every journey posts from 127.0.0.1
    load_demo_committed()
    user_in("planerin", PLANNERS)
    city = Area.objects.get(code="08118048")
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Bürgerhaushalt Test",
        slug="bh-test",
        city=city,
        area=city,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        pins=False,
    )
    budget = Budget.objects.create(
        consultation=consultation, city=city, total=Decimal("100000"), fiscal_year=2027
    )
    proposal(budget, "80000", title="Skatepark am See")
    return budget


def tab_to(page, selector: str, *, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.locator(selector).evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"{selector} never got the focus by Tab")


@pytest.mark.parametrize("screen", SCREENS)
def test_propose_review_vote_close_and_convert(budget, live_server, chromium, screen):
    base = f"{live_server.url}/beteiligung/bh-test/buergerhaushalt/"
    watch = Watch()
    citizen = watch.open(chromium, base + "vorschlagen/", screen=screen)
    expect(citizen.get_by_role("heading", name="Projekt vorschlagen", level=1)).to_be_visible()
    if screen is DESKTOP:
        check_page(citizen)

    # keyboard only: the fields, then the map (arrow keys), then the cross's place
    tab_to(citizen, "#f-title")
    citizen.keyboard.type("Trinkbrunnen am Marktplatz")
    tab_to(citizen, "#f-text")
    citizen.keyboard.type("Ein Trinkbrunnen für heiße Tage.")
    tab_to(citizen, "#f-cost_estimate")
    citizen.keyboard.type("25000")
    tab_to(citizen, "#bh-map")
    citizen.keyboard.press("+")  # closer in, then a step north
    citizen.keyboard.press("+")
    citizen.keyboard.press("ArrowUp")
    tab_to(citizen, "#take-place")
    citizen.keyboard.press("Enter")
    expect(citizen.locator("#place-status")).to_contain_text("Ort übernommen")
    expect(citizen.locator("#f-lon")).to_have_value(re.compile(r"^9\.\d+$"))
    expect(citizen.locator("#f-lat")).to_have_value(re.compile(r"^48\.\d+$"))
    tab_to(citizen, ".bh-form button[type=submit]")
    citizen.keyboard.press("Enter")
    expect(citizen.locator("#bh-done")).to_contain_text("Trinkbrunnen am Marktplatz")
    created = Proposal.objects.get(budget=budget, title="Trinkbrunnen am Marktplatz")
    assert created.status == Status.PENDING and created.cost_estimate == Decimal("25000")

    # staff: publish, feasible at 30,000 €, on to the vote
    staff = watch.open(chromium, f"{live_server.url}/planung/buergerhaushalt/{budget.pk}/", screen=screen)
    sign_in(staff, "planerin")
    card = staff.locator(f"section[aria-labelledby=proposal-{created.pk}]")
    card.get_by_role("button", name="Veröffentlichen").click()
    card = staff.locator(f"section[aria-labelledby=proposal-{created.pk}]")
    expect(card).to_contain_text("veröffentlicht")
    card.get_by_label("Geprüfte Kosten").fill("30000")
    card.get_by_role("button", name="Machbar", exact=False).first.click()
    expect(staff.locator(f"section[aria-labelledby=proposal-{created.pk}]")).to_contain_text("30.000 €")
    staff.get_by_role("button", name="Weiter zur Phase: Machbarkeitsprüfung").click()
    staff.get_by_role("button", name="Weiter zur Phase: Abstimmung").click()
    expect(staff.get_by_role("status")).to_contain_text("Die Phase ist jetzt: Abstimmung")

    # the citizen votes: the remaining amount is said as projects are chosen
    citizen.goto(base + "abstimmen/")
    remaining = citizen.locator("#bh-remaining")
    expect(remaining).to_have_text("Verbleibend: 100.000 €")
    expect(remaining).to_have_attribute("aria-live", "polite")
    if screen is DESKTOP:
        check_page(citizen)
    citizen.get_by_label("Trinkbrunnen am Marktplatz").check()
    expect(remaining).to_have_text("Verbleibend: 70.000 €")
    citizen.get_by_label("Skatepark am See").check()
    expect(remaining).to_have_text("10.000 € über dem Budget – bitte etwas abwählen.")
    citizen.get_by_role("button", name="Meine Stimme speichern").click()  # the server refuses it too
    expect(citizen.get_by_role("alert")).to_contain_text("10.000 € mehr als das Budget von 100.000 €")
    citizen.get_by_label("Skatepark am See").uncheck()
    expect(remaining).to_have_text("Verbleibend: 70.000 €")
    citizen.get_by_role("button", name="Meine Stimme speichern").click()
    expect(citizen.locator(".bh-done")).to_contain_text("Ihre Stimme wurde gespeichert")
    expect(citizen.get_by_label("Trinkbrunnen am Marktplatz")).to_be_checked()

    # staff close the vote and turn the winner into a measure with its budget line
    staff.reload()
    staff.get_by_role("button", name="Abstimmung schließen und Ergebnis veröffentlichen").click()
    staff.get_by_role(
        "button", name="Geförderte Vorschläge in Maßnahmen mit Haushaltsansätzen umwandeln"
    ).click()
    expect(staff.get_by_role("status")).to_contain_text("Die erfolgreichen Vorschläge sind jetzt Maßnahmen")
    created.refresh_from_db()
    line = BudgetLine.objects.get(measure=created.measure)
    assert (line.fiscal_year, line.amount) == (2027, Decimal("30000.00"))

    citizen.goto(base + "ergebnis/")
    rows = citizen.locator("tbody tr")
    expect(rows.first).to_contain_text("Trinkbrunnen am Marktplatz")
    expect(rows.first).to_contain_text("ja")
    expect(rows.nth(1)).to_contain_text("nein")  # no votes, not funded
    expect(citizen.locator("main")).to_contain_text("70.000 € bleiben")
    if screen is DESKTOP:
        check_page(citizen)
        citizen.goto(base)  # the list and map of the proposals
        expect(citizen.locator("#bh-map .leaflet-interactive")).to_have_count(2)
        check_page(citizen)
    assert Budget.objects.get(pk=budget.pk).phase == Phase.RESULTS
    watch.assert_clean(expected_statuses=(400,))
