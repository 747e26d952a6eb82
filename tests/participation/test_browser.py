"""The citizens' map in Debian's Chromium (Playwright), against a live server: pin, moderate, see,
support — with a text that would run script if it were ever treated as HTML."""

import pytest
from playwright.sync_api import expect

from participation.layers import category_colours
from participation.models import Contribution, Support
from participation.moderation import contribution_moderate
from tests.browser import PHONE, Watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIL = "<img src=x onerror=alert(1)>"


def open_karte(browser, watch: Watch, url: str, **options):
    context = watch.context(browser, **options)
    page = context.new_page()
    page.goto(url)
    # the consultation's outline and the 12 Quartier outlines are drawn, the map fitted to them
    # (locators, not wait_for_function: the page's CSP rightly forbids the eval that would need)
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(13)
    expect(page.locator("#list-count")).not_to_be_empty()
    return context, page


def test_a_citizen_pins_a_moderator_publishes_a_visitor_supports(
    live_server, chromium, basemap, consultation, moderator
):
    watch = Watch(dismiss_dialogs=True)

    # a citizen on a phone-sized screen places a pin and sends the form
    citizen, page = open_karte(chromium, watch, f"{live_server.url}/karte/", screen=PHONE)
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator("#f-category").select_option("problem")
    page.locator("#f-text").fill(EVIL)
    page.locator("#f-pseudonym").fill("Nachbarin")
    page.get_by_role("button", name="Beitrag senden").click()
    # the confirmation takes the focus; the secret link carries its token in the fragment
    expect(page.locator("#received")).to_be_focused()
    expect(page.locator("#received-message")).to_contain_text("wartet auf Moderation")
    expect(page.locator(".pin-pending")).to_have_count(1)
    assert "/karte/loeschen/#" in page.locator("#delete-link").get_attribute("href")
    contribution = Contribution.objects.get()
    assert (contribution.status, contribution.text, contribution.category) == ("pending", EVIL, "problem")
    citizen.close()

    # a moderator publishes it
    contribution_moderate(contribution_id=contribution.pk, action="publish", actor=moderator)

    # another visitor sees the pin, reads the text literally and supports it
    visitor, page = open_karte(chromium, watch, f"{live_server.url}/karte/")
    item = page.locator("#contribution-list li")
    expect(item).to_have_count(1)
    expect(item.locator(".contribution-text")).to_have_text(EVIL)
    # pin and list entry in the category's colour, from participation's one palette (via the config)
    rgb = "rgb({}, {}, {})".format(*bytes.fromhex(category_colours()["problem"][1:]))
    expect(page.locator(".leaflet-marker-icon.pin-problem")).to_have_css("background-color", rgb)
    expect(item.locator(".contribution")).to_have_css("border-left-color", rgb)
    page.locator(".leaflet-marker-icon.pin-problem").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".contribution-text")).to_have_text(EVIL)
    assert page.locator("img[src='x']").count() == 0
    popup.get_by_role("button", name="Unterstützen").click()
    expect(popup.locator(".support-count")).to_have_text("Unterstützungen: 1")
    assert Support.objects.filter(contribution=contribution).count() == 1
    expect(popup.get_by_role("button", name="Unterstützung zurücknehmen")).to_be_visible()
    visitor.close()

    watch.assert_clean()  # no dialog (EVIL never ran), nothing left 127.0.0.1, no console error, no 5xx
    assert any("/test-tiles/" in url for url in watch.tiles)
