"""A citizen follows a contribution to its measure, in Debian's Chromium on a desktop and a phone: from
the participation map's list or its popup, or from the contribution's own page, to /massnahmen/<id>/,
which shows the measure, its budget, its map and the contribution. Every public page added for it passes
axe-core (WCAG 2.1 A/AA) with no violation and scrolls no sideways at 320 px; text people wrote shows as
text (an injected script would open a dialog, which the Watch counts)."""

import re

import pytest
from playwright.sync_api import expect

from tests.axe import assert_accessible
from tests.browser import DESKTOP, NARROW, PHONE, Watch, scroll_overflow, wait_still
from tests.planning.transparency_story import CONTRIBUTION_TEXT, RESPONSE_TEXT, TITLE, UNIT, Story, tell

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
BUDGET = re.compile(r"^1\.750\s€$")


@pytest.fixture
def story(demo_committed, live_server, basemap, planner) -> Story:
    return tell(planner)


def assert_measure_page(page, story: Story) -> None:
    """The measure's page as the public sees it: title, status, budget, the contribution, its map."""
    expect(page).to_have_url(re.compile(rf"/massnahmen/{story.measure.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("#measure-status")).to_have_text("beschlossen")
    expect(page.locator("#measure-budget")).to_have_text(BUDGET)
    expect(
        page.get_by_role("table", name="Budget je Haushaltsjahr und Finanzierungsquelle (EUR)")
    ).to_be_visible()
    contribution = page.locator(".contribution-card")
    expect(contribution).to_have_count(1)
    expect(contribution).to_contain_text(CONTRIBUTION_TEXT)
    expect(contribution).to_contain_text(RESPONSE_TEXT)
    expect(page.locator("#measure-map")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#measure-map .leaflet-overlay-pane path")).to_have_count(1)
    assert_accessible(page)
    assert scroll_overflow(page) == 0


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("via", ["list", "popup"])
def test_a_citizen_follows_a_contribution_from_the_map_to_its_measure(
    live_server, chromium, story, screen, via
):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/karte/", screen=screen)
    expect(page.locator("#contribution-list > li").first).to_be_visible()
    page.locator("#filter-text").fill("Bitte mehr Bänke")
    item = page.locator("#contribution-list > li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(CONTRIBUTION_TEXT)
    # what became of it: the official response and the measure it led to
    expect(item.locator(".response")).to_contain_text(f"Stellungnahme der Verwaltung ({UNIT},")
    expect(item.locator(".response")).to_contain_text("in eine Maßnahme übernommen")
    expect(item.locator(".response")).to_contain_text(RESPONSE_TEXT)
    expect(item.get_by_role("link", name="Seite dieses Beitrags")).to_have_attribute(
        "href", f"/karte/beitraege/{story.contribution.pk}/"
    )
    if via == "list":
        item.get_by_role("link", name=TITLE).click()
    else:
        item.get_by_role("button", name="Auf der Karte zeigen").click()
        popup = page.locator(".leaflet-popup")
        expect(popup).to_contain_text(RESPONSE_TEXT)
        wait_still(popup)  # the map has zoomed to the pin and panned the popup into view
        popup.get_by_role("link", name=TITLE).click()
    assert_measure_page(page, story)
    watch.assert_clean()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_citizen_follows_a_shared_link_of_a_contribution_to_its_measure(
    live_server, chromium, story, screen
):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/karte/beitraege/{story.contribution.pk}/", screen=screen)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Beitrag {story.contribution.pk}")
    expect(page.locator("blockquote")).to_have_text(CONTRIBUTION_TEXT)
    response = page.get_by_role("region", name="Stellungnahme der Verwaltung")
    expect(response).to_contain_text(UNIT)
    expect(response).to_contain_text("in eine Maßnahme übernommen")
    expect(response.locator(".response-text")).to_have_text(RESPONSE_TEXT)
    assert_accessible(page)
    assert scroll_overflow(page) == 0
    page.get_by_role("link", name=TITLE).click()
    assert_measure_page(page, story)
    # and back from the measure to the contribution
    page.get_by_role("link", name=f"Beitrag {story.contribution.pk}").click()
    expect(page).to_have_url(re.compile(rf"/karte/beitraege/{story.contribution.pk}/$"))
    watch.assert_clean()


def test_a_citizen_filters_the_measures_and_opens_one(live_server, chromium, story):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/massnahmen/", screen=PHONE)
    page.get_by_label("Status").select_option("decided")
    page.get_by_label("Quartier").select_option("mitte")
    page.get_by_label("Sortieren nach").select_option("-budget")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page).to_have_url(re.compile(r"status=decided&.*quartier=mitte&.*sort=-budget"))
    expect(page.get_by_label("Status")).to_have_value("decided")
    cards = page.locator(".measure-card")
    expect(cards.filter(has_text=TITLE)).to_have_count(1)
    for card in cards.all():
        expect(card).to_contain_text("beschlossen")
        expect(card).to_contain_text("Mitte")
    assert_accessible(page)
    cards.filter(has_text=TITLE).get_by_role("link", name=TITLE).click()
    assert_measure_page(page, story)
    watch.assert_clean()


def test_from_the_overview_through_a_quartier_to_its_measure_and_the_strategy(live_server, chromium, story):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/", screen=PHONE)
    quartiere = page.get_by_role("navigation", name="Quartiersprofile")
    expect(quartiere.get_by_role("link")).to_have_count(12)
    quartiere.get_by_role("link", name="Mitte", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mitte")
    page.get_by_role("link", name=TITLE).click()
    assert_measure_page(page, story)
    # its goal in the strategy, with the goal's progress; the menu on the phone leads there too
    page.get_by_role("button", name="Menü").click()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Strategie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategie von Ludwigsburg")
    goal = page.locator(f"#goal-{story.goal.pk}")
    expect(goal).to_contain_text("Fortschritt")
    expect(goal.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.locator(".action-field").first.locator(".goal")).to_have_count(5)
    watch.assert_clean()


@pytest.mark.parametrize("screen", [pytest.param(DESKTOP, id="desktop"), pytest.param(NARROW, id="320px")])
def test_every_new_page_is_accessible_and_fits_the_screen(live_server, chromium, story, screen):
    watch = Watch()
    context = watch.context(chromium, screen=screen)
    page = context.new_page()
    pages = [
        "/massnahmen/",
        "/massnahmen/?status=decided&quartier=mitte&sort=-budget",
        "/massnahmen/?page=2",
        f"/massnahmen/{story.measure.pk}/",
        "/strategie/",
        f"/karte/beitraege/{story.contribution.pk}/",
        "/massnahmen/?status=bogus",
        # the pages that link to them now
        "/",
        "/quartiere/mitte/",
        "/bericht/",
        "/karte/",
    ]
    for path in pages:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert scroll_overflow(page) == 0, path
        assert_accessible(page)
    # the measure page with its budget lines opened
    page.goto(f"{live_server.url}/massnahmen/{story.measure.pk}/")
    page.locator(".budget-lines summary").click()
    expect(page.locator(".budget-lines table")).to_be_visible()
    assert scroll_overflow(page) == 0
    assert_accessible(page)
    watch.assert_clean(expected_statuses=(400,))
