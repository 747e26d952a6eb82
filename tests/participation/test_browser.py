"""The citizens' map in Debian's Chromium (Playwright), against a live server: pin, moderate, see,
support — with a text that would run script if it were ever treated as HTML."""

import base64
from urllib.parse import urlsplit

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from participation.models import Contribution, Support
from participation.moderation import contribution_moderate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EVIL = "<img src=x onerror=alert(1)>"
# a 1×1 grey PNG, served for every basemap tile
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def chromium(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still sync
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # the test's ORM calls while Playwright's event loop ran used connections of that context
        # (asgiref's Local): close them here, or the test database cannot be dropped at the end
        connections.close_all()


class Watch:
    """Everything a page does that the test must see: requests leaving 127.0.0.1, console errors,
    uncaught exceptions and dialogs (an alert() from injected script would be one)."""

    def __init__(self, live_server_url: str):
        self.origin = urlsplit(live_server_url)
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.tiles = 0
        self.pages = 0

    def route(self, route):
        url = urlsplit(route.request.url)
        if url.scheme == "data":
            route.continue_()
        elif url.hostname != "127.0.0.1":
            self.outside.append(route.request.url)
            route.abort()
        elif url.path.startswith("/test-tiles/"):
            self.tiles += 1
            route.fulfill(status=200, content_type="image/png", body=TILE)
        else:
            route.continue_()

    def attach(self, context):
        context.route("**/*", self.route)
        context.on("page", self.page)

    def page(self, page):
        self.pages += 1
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)


def open_karte(browser, watch: Watch, url: str, **options):
    context = browser.new_context(locale="de-DE", **options)
    watch.attach(context)
    page = context.new_page()
    page.goto(url)
    # the consultation's outline and the 12 Quartier outlines are drawn, the map fitted to them
    # (locators, not wait_for_function: the page's CSP rightly forbids the eval that would need)
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(13)
    expect(page.locator("#list-count")).not_to_be_empty()
    return context, page


def test_a_citizen_pins_a_moderator_publishes_a_visitor_supports(
    live_server, chromium, consultation, moderator, settings
):
    settings.BASEMAP_URL = f"{live_server.url}/test-tiles/{{z}}/{{x}}/{{y}}.png"
    watch = Watch(live_server.url)

    # a citizen on a phone-sized screen places a pin and sends the form
    citizen, page = open_karte(
        chromium, watch, f"{live_server.url}/karte/", viewport={"width": 390, "height": 844}
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator("#f-category").select_option("problem")
    page.locator("#f-text").fill(EVIL)
    page.locator("#f-pseudonym").fill("Nachbarin")
    page.get_by_role("button", name="Beitrag senden").click()
    # the confirmation takes the focus; the secret link carries its token in the fragment
    expect(page.locator("#received")).to_be_focused()
    expect(page.locator("#received-message")).to_contain_text("wartet auf Moderation")
    assert page.locator(".pin-pending").count() == 1
    assert "/karte/loeschen/#" in page.locator("#delete-link").get_attribute("href")
    contribution = Contribution.objects.get()
    assert (contribution.status, contribution.text, contribution.category) == ("pending", EVIL, "problem")
    citizen.close()

    # a moderator publishes it
    contribution_moderate(contribution_id=contribution.pk, action="publish", actor=moderator)

    # another visitor sees the pin, reads the text literally and supports it
    visitor, page = open_karte(chromium, watch, f"{live_server.url}/karte/")
    item = page.locator("#contribution-list li")
    assert item.count() == 1
    assert item.locator(".contribution-text").text_content() == EVIL
    page.locator(".leaflet-marker-icon.pin-problem").click()
    popup = page.locator(".leaflet-popup-content")
    assert popup.locator(".contribution-text").text_content() == EVIL
    assert page.locator("img[src='x']").count() == 0
    popup.get_by_role("button", name="Unterstützen").click()
    expect(popup.locator(".support-count")).to_have_text("Unterstützungen: 1")
    assert Support.objects.filter(contribution=contribution).count() == 1
    assert popup.get_by_role("button", name="Unterstützung zurücknehmen").is_visible()
    visitor.close()

    assert watch.dialogs == []
    assert watch.outside == []
    assert watch.errors == []
    assert watch.tiles > 0
    assert watch.pages == 2  # the listeners above were attached to both pages
