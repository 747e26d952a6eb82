"""The citizen's journey on /karte/ in Chromium, by keyboard only, on a desktop and on a phone: skip to
the content, go to a Quartier, move the map with the arrow keys until the cross marks the place, place
the pin, write, send → the confirmation takes the focus and shows the secret deletion link → open it →
confirm → deleted, gone from the database and from the map. The link works in any browser (the token
is the key, not a cookie), also in the form handed out before, and without script (pasted)."""

import re

import pytest
from django.core.cache import caches
from playwright.sync_api import expect

from participation.models import Contribution, ContributionArea, Moderation
from quartiere.models import Area, Level
from tests.browser import DESKTOP, NARROW, PHONE, Watch
from tests.participation.conftest import body, create, post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
TEXT = "Der Gehweg ist hier zu schmal für Kinderwagen."
LINK = re.compile(r"^http://127\.0\.0\.1:\d+/karte/loeschen/#(\d+)\.([A-Za-z0-9_-]{40,})$")


@pytest.fixture(autouse=True)
def unthrottled():
    # every contribution of these journeys comes from 127.0.0.1, and the throttle's counters live in
    # a database table that a transactional test does not empty: start each journey with none
    caches["participation"].clear()


def focused(page, selector: str) -> bool:
    return page.locator(selector).evaluate("e => e === document.activeElement")


def tab_to(page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus, as a person would (fails after ``limit`` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"{selector} never got the focus by Tab")


def open_map(watch: Watch, chromium, url: str, screen: dict):
    page = watch.open(chromium, url, screen=screen)
    # the consultation's outline and the 12 Quartier outlines are drawn; the Quartiere are offered
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(13)
    expect(page.locator("#place-quartier option")).to_have_count(13)
    expect(page.locator("#crosshair")).to_be_visible()
    return page


def pin_by_keyboard(page, *, place_with: str = "button") -> tuple[str, str]:
    """The journey up to the confirmation, keys only; the place is taken with the button "Place the
    pin here" or with Enter on the map. Returns (the deletion link, the Quartier the page announced
    for the chosen place)."""
    # the first Tab shows the skip link; Enter moves into the content
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Zum Inhalt springen")
    assert skip.bounding_box()["y"] >= 0  # on screen while focused
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    expect(skip).not_to_be_in_viewport()

    # go to a Quartier: the map flies there and says so; the cross then names the place under it
    tab_to(page, "#place-quartier")
    page.keyboard.type("Mitte")
    expect(page.locator("#place-quartier")).to_have_value(re.compile(r"^\d+$"))
    expect(page.locator("#status")).to_contain_text("Die Karte zeigt Mitte")
    where = page.locator("#place-where")
    expect(where).to_have_text("Das Kreuz markiert einen Ort in Mitte, im Beteiligungsgebiet.")

    # the next stop is the map: the arrow keys move it under the cross
    page.keyboard.press("Tab")
    expect(page.locator("#map")).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    expect(where).to_contain_text(
        re.compile(r"^Das Kreuz markiert einen Ort in .+, im Beteiligungsgebiet\.$")
    )

    # "Place the pin here" (or Enter on the map): the place is announced (the Quartier and that it
    # lies inside the consultation's area), the form opens with the focus in it
    if place_with == "button":
        tab_to(page, "#use-centre")
        expect(page.locator("#use-centre")).to_have_text("Pin hier setzen")
    page.keyboard.press("Enter")
    placed = page.locator("#status")
    expect(placed).to_have_text(
        re.compile(r"^Ort gewählt in (.+), im Beteiligungsgebiet\. Füllen Sie nun das Formular aus\.$")
    )
    quartier = re.search(r"Ort gewählt in (.+), im", placed.text_content()).group(1)
    expect(page.locator("#crosshair")).to_be_hidden()  # the draft pin marks the place now
    expect(page.locator(".pin-draft")).to_have_count(1)
    # the pin sits where the cross was: in the middle of the map (where it came to rest)
    pin, area = page.locator(".pin-draft").bounding_box(), page.locator("#map").bounding_box()
    assert abs(pin["x"] + pin["width"] / 2 - (area["x"] + area["width"] / 2)) <= 2
    assert abs(pin["y"] + pin["height"] / 2 - (area["y"] + area["height"] / 2)) <= 2
    expect(page.locator("#f-category")).to_be_focused()
    page.keyboard.type("Problem")
    expect(page.locator("#f-category")).to_have_value("problem")
    page.keyboard.press("Tab")
    expect(page.locator("#f-text")).to_be_focused()
    page.keyboard.type(TEXT)
    expect(page.locator("#f-count")).to_have_text(f"{len(TEXT)} von 2000 Zeichen")
    page.keyboard.press("Tab")
    page.keyboard.type("Nachbarin")
    tab_to(page, "#contribution-form button[type=submit]")
    page.keyboard.press("Enter")

    # the confirmation has the focus and shows the deletion link; the status line does not repeat it
    received = page.locator("#received")
    expect(received).to_be_focused()
    expect(received).to_have_attribute("role", "status")
    link = page.locator("#delete-link")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert LINK.match(href) and link.text_content() == href
    expect(page.locator("#status")).to_be_empty()
    expect(page.locator("#crosshair")).to_be_visible()  # ready for the next one
    return href, quartier


def confirm_by_keyboard(page, base: str) -> None:
    """On the deletion page: the code was taken from the link (and out of the address bar); confirm."""
    expect(page).to_have_url(f"{base}/karte/loeschen/")  # no fragment left in the address bar
    expect(page.locator("h1")).to_have_text("Ihren Beitrag löschen")
    expect(page.locator("#delete-question")).to_have_text(
        "Möchten Sie Ihren Beitrag endgültig löschen? Das lässt sich nicht rückgängig machen."
    )
    expect(page.locator("#code-found")).to_be_visible()
    expect(page.locator("#delete-code")).to_be_hidden()
    tab_to(page, "#delete-form button[type=submit]")
    expect(page.locator("#delete-form button[type=submit]")).to_have_text("Endgültig löschen")
    page.keyboard.press("Enter")
    expect(page.locator("#delete-result")).to_have_text(
        "Ihr Beitrag wurde gelöscht. Er ist von der Karte und aus unserer Datenbank entfernt."
    )


@pytest.mark.parametrize("screen", SCREENS)
def test_a_citizen_pins_by_keyboard_and_deletes_through_the_link(
    live_server, chromium, basemap, make_consultation, screen
):
    # post-moderation: the contribution is on the public map at once, so its removal shows there too
    consultation = make_consultation(title="Gehwege", moderation=Moderation.POST)
    watch = Watch()
    page = open_map(watch, chromium, f"{live_server.url}/karte/", screen)
    expect(page.locator("h1")).to_have_text("Gehwege")

    href, quartier = pin_by_keyboard(page)
    expect(page.locator("#received-message")).to_have_text("Eingegangen – Ihr Beitrag ist veröffentlicht.")
    pk = int(LINK.match(href).group(1))
    contribution = Contribution.objects.get(pk=pk)
    assert (
        contribution.consultation_id,
        contribution.category,
        contribution.text,
        contribution.pseudonym,
    ) == (
        consultation.pk,
        "problem",
        TEXT,
        "Nachbarin",
    )
    # the Quartier the page announced is the one the server links the pin to
    assert ContributionArea.objects.get(contribution=contribution, level=Level.QUARTIER).area.name == quartier
    # another visitor sees it on the map
    visitor = watch.open(chromium, f"{live_server.url}/karte/", screen=screen)
    expect(visitor.locator("#contribution-list .contribution-text")).to_have_text([TEXT])
    visitor.context.close()

    # the deletion link, opened by keyboard in the same browser
    page.keyboard.press("Tab")
    expect(page.locator("#delete-link")).to_be_focused()
    page.keyboard.press("Enter")
    confirm_by_keyboard(page, live_server.url)
    assert not Contribution.objects.filter(pk=pk).exists()

    # back on the map, it is gone
    tab_to(page, "a[href='/karte/']:not([aria-current])")
    page.keyboard.press("Enter")
    expect(page.locator("#list-count")).to_have_text("Noch keine Beiträge.")
    expect(page.locator(".leaflet-marker-icon.pin-problem")).to_have_count(0)

    # the same link once more: already deleted
    page.goto(href)
    tab_to(page, "#delete-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#delete-result")).to_have_text("Dieser Beitrag wurde bereits gelöscht.")
    watch.assert_clean(expected_statuses=(410,))


@pytest.mark.parametrize("screen", SCREENS)
def test_the_link_works_in_a_fresh_browser(live_server, chromium, basemap, consultation, screen):
    watch = Watch()
    page = open_map(watch, chromium, f"{live_server.url}/karte/", screen)
    href, _quartier = pin_by_keyboard(page, place_with="enter")
    expect(page.locator("#received-message")).to_have_text("Eingegangen – Ihr Beitrag wartet auf Moderation.")
    page.context.close()
    assert Contribution.objects.get().status == "pending"

    # another browser without any cookie of the first: the token in the link is the key
    page = watch.open(chromium, href, screen=screen)
    confirm_by_keyboard(page, live_server.url)
    assert Contribution.objects.count() == 0
    # the fragment went to no server: no request of either browser carried the token
    token = LINK.match(href).group(2)
    assert not [url for url in watch.requests if token in url]
    watch.assert_clean()


def test_a_link_of_the_old_form_still_deletes(live_server, chromium, api, consultation):
    created = body(post(api, consultation))
    pk, token = created["delete_url"].split("#", 1)[1].split(".", 1)
    watch = Watch()

    page = watch.open(chromium, f"{live_server.url}/karte/loeschen/{pk}/{token}/", screen=PHONE)

    confirm_by_keyboard(page, live_server.url)
    assert Contribution.objects.count() == 0
    watch.assert_clean()


def test_without_script_the_code_is_pasted(live_server, chromium, api, consultation):
    created = body(post(api, consultation))
    code = created["delete_url"].split("#", 1)[1]
    watch = Watch()

    page = watch.open(
        chromium, f"{live_server.url}/karte/loeschen/#{code}", screen=PHONE, java_script_enabled=False
    )

    field = page.get_by_label("Code aus Ihrem Löschlink")
    expect(field).to_be_visible()
    tab_to(page, "#delete-code")
    page.keyboard.type("not a code")
    page.keyboard.press("Enter")
    expect(page.locator("#delete-error")).to_contain_text("Code: Bitte fügen Sie den Code")
    expect(page.get_by_label("Code aus Ihrem Löschlink")).to_have_attribute("aria-invalid", "true")
    assert Contribution.objects.count() == 1

    tab_to(page, "#delete-code")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page.locator("#delete-result")).to_contain_text("Ihr Beitrag wurde gelöscht.")
    assert Contribution.objects.count() == 0
    watch.assert_clean(expected_statuses=(400,))


# everything in <main> that reaches past the viewport's right edge, except Leaflet's own panes and
# tiles (clipped by the map); the site header is measured by its own tests
PAST_THE_EDGE = """main => [...main.querySelectorAll('*')]
    .filter(e => !(e.closest('.leaflet-container') && !e.classList.contains('leaflet-container')))
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map(e => e.tagName + '#' + e.id + '.' + e.className)"""


def test_the_map_page_fits_320_px_without_horizontal_scrolling(live_server, chromium, basemap, consultation):
    long_word = "Donaudampfschifffahrtsgesellschaftskapitänsmützenablage"
    create(consultation, text=f"{long_word} {long_word}", pseudonym="X" * 60, publish=True)
    watch = Watch()
    page = open_map(watch, chromium, f"{live_server.url}/karte/", NARROW)
    expect(page.locator("#contribution-list li")).to_have_count(1)
    assert page.locator("main").evaluate(PAST_THE_EDGE) == []

    # the form open, then the confirmation with its long link
    page.get_by_role("button", name="Pin hier setzen").click()
    expect(page.locator("#contribution-form")).to_be_visible()
    assert page.locator("main").evaluate(PAST_THE_EDGE) == []
    page.locator("#f-text").fill(long_word)
    page.get_by_role("button", name="Beitrag senden").click()
    expect(page.locator("#received")).to_be_focused()
    expect(page.locator("#delete-link")).to_be_visible()
    assert page.locator("main").evaluate(PAST_THE_EDGE) == []
    # words of the confirmation wrap whole or hyphenated by the rules of its language (it split
    # "Mode ration" anywhere before); only the link may break anywhere
    style = page.locator("#received-message").evaluate(
        "e => [getComputedStyle(e).wordBreak, getComputedStyle(e).hyphens, e.closest('[lang]').lang]"
    )
    assert style == ["normal", "auto", "de"]
    assert page.locator("#delete-link").evaluate("e => getComputedStyle(e).overflowWrap") == "anywhere"

    for path in ("/karte/loeschen/", "/karte/datenschutz/", "/karte/?verfahren=unknown"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("main").evaluate(PAST_THE_EDGE) == [], path
    watch.assert_clean(expected_statuses=(404,))


def test_a_place_outside_the_consultation_area_is_announced_and_not_taken(
    live_server, chromium, basemap, make_consultation
):
    make_consultation(
        title="Rund ums Schloss", area=Area.objects.get(level=Level.QUARTIER, code="08118048-01")
    )
    watch = Watch()
    page = open_map(watch, chromium, f"{live_server.url}/karte/", DESKTOP)

    tab_to(page, "#place-quartier")
    page.keyboard.type("Poppenweiler")
    expect(page.locator("#place-where")).to_have_text(
        "Das Kreuz markiert einen Ort in Poppenweiler, außerhalb des Beteiligungsgebiets."
    )
    tab_to(page, "#use-centre")
    page.keyboard.press("Enter")

    expect(page.locator("#status")).to_have_text(
        "Dieser Ort liegt außerhalb des Beteiligungsgebiets; es wurde nichts gesetzt. "
        "Verschieben Sie die Karte und wählen Sie einen anderen Ort."
    )
    expect(page.locator(".pin-draft")).to_have_count(0)
    expect(page.locator("#contribution-form")).to_be_hidden()
    expect(page.locator("#crosshair")).to_be_visible()
    assert Contribution.objects.count() == 0
    watch.assert_clean()
