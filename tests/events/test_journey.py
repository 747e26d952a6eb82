"""A citizen's journey in Chromium, keyboard only, on a desktop and on a phone: find the walk in the
list of events (filter by kind), open it, see its place on the map and the seats left, register,
see the seat count fall, open the cancellation link from the confirmation mail, cancel, and see the
seat free again. The pages pass axe-core and reflow at 320 px."""

import re

import pytest
from django.core import mail
from django.core.cache import caches
from playwright.sync_api import expect

from events.models import Registration
from tests.backoffice_kit import check_page
from tests.browser import DESKTOP, PHONE, Watch
from tests.fixtures import load_demo_committed
from tests.participation.test_journey_citizen import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WALK = "Spaziergang durch die Innenstadt (illustrativ)"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/beteiligung/veranstaltungen/abmelden/#\d+\.[A-Za-z0-9_-]{40,}")


@pytest.fixture
def demo_loaded(transactional_db):
    load_demo_committed()
    caches["participation"].clear()  # the throttle's counters: a transactional test does not empty them


@pytest.mark.parametrize("screen", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_find_register_and_cancel_by_keyboard(demo_loaded, live_server, basemap, chromium, screen):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/beteiligung/veranstaltungen/", screen=screen)
    expect(page.get_by_role("heading", name="Veranstaltungen", exact=True)).to_be_visible()
    if screen is DESKTOP:
        check_page(page)

    # filter by kind: walks only
    tab_to(page, "#f-kind")
    page.keyboard.type("Spaziergang")
    tab_to(page, ".event-filters button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"kind=walk"))
    expect(page.locator(".event-item")).to_have_count(1)
    expect(page.locator(".event-item")).to_contain_text("2 Plätze frei")

    # open the walk
    tab_to(page, f"a:text-is('{WALK}')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(WALK)
    expect(page.locator("#seats")).to_have_text("2 Plätze frei")
    expect(page.locator("#event-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.get_by_text("stufenloser Zugang")).to_be_visible()
    if screen is DESKTOP:
        check_page(page)

    # register two people, keys only
    tab_to(page, "#id_name")
    page.keyboard.type("Nachbarin")
    page.keyboard.press("Tab")
    expect(page.locator("#id_email")).to_be_focused()
    page.keyboard.type("nachbarin@example.org")
    page.keyboard.press("Tab")
    expect(page.locator("#id_people")).to_be_focused()
    page.keyboard.type("2")
    page.keyboard.press("Tab")  # the honeypot is out of the tab order: next is the button
    expect(page.get_by_role("button", name="Anmelden", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Sie sind angemeldet")).to_be_visible()
    expect(page.locator("#seats")).to_have_text("ausgebucht")
    expect(page.get_by_text("Ausgebucht.")).to_be_visible()
    assert Registration.objects.filter(name="Nachbarin", people=2).count() == 1
    assert "nachbarin@example.org" not in page.content()

    # the confirmation mail's link cancels, in any browser
    (message,) = [m for m in mail.outbox if m.to == ["nachbarin@example.org"]]
    link = LINK.search(message.body).group(0)
    other = watch.open(chromium, link, screen=screen)
    expect(other.locator("#code-found")).to_be_visible()
    assert "#" not in other.url  # the code left the address bar
    tab_to(other, "#delete-form button")
    other.keyboard.press("Enter")
    expect(other.get_by_role("status")).to_contain_text("storniert")
    assert not Registration.objects.filter(name="Nachbarin").exists()
    if screen is DESKTOP:
        check_page(other)

    page.reload()
    expect(page.locator("#seats")).to_have_text("2 Plätze frei")
    watch.assert_clean()
