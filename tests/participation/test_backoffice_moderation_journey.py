"""A moderator's journeys through the back office (/moderation/) in Debian's Chromium, on a desktop and
a phone: she clears a queue of 5 pending contributions with one bulk action, then answers one of them
with a link to a measure — each step's visible result asserted, then the public API shows the
response. The same bulk action by keyboard alone; axe-core finds nothing on the queue and the
contribution page; neither scrolls sideways at 320 px."""

import json

import pytest
from playwright.sync_api import expect

from measures.models import Measure
from participation.models import Action, Contribution, ModerationEvent, Response
from tests.axe import assert_accessible
from tests.browser import DESKTOP, NARROW, PHONE, Watch, scroll_overflow
from tests.participation.conftest import create, user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
TEXTS = [
    "Mehr Bänke am Marktplatz",
    "Zebrastreifen vor der Schule",
    "{{ 6*7 }} <script>alert('x')</script>",
    "Fahrradständer am Bahnhof",
    "Trinkbrunnen im Park",
]


@pytest.fixture
def queue_of_five(consultation, city):
    contributions = [create(consultation, text=text, category="idea") for text in TEXTS]
    measures = [
        Measure.objects.create(
            city=city, scope=city, title="Sitzgelegenheiten in der Innenstadt", published=True
        ),
        Measure.objects.create(city=city, scope=city, title="Grüne Plätze", published=True),
    ]
    user_in("moderatorin", "moderators")
    return contributions, measures


def sign_in(watch: Watch, chromium, url: str, screen: dict):
    """Open ``url``: the sign-in page comes first, then the page itself."""
    page = watch.open(chromium, url, screen=screen)
    expect(page).to_have_url(f"{url.split('/moderation/')[0]}/planung/anmelden/?next=/moderation/")
    page.locator("#id_username").fill("moderatorin")
    page.locator("#id_password").fill("pw-for-tests-only")
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Moderation", exact=True)).to_be_visible()
    return page


def focused(page, selector: str) -> bool:
    return page.locator(selector).evaluate("e => e === document.activeElement")


@pytest.mark.parametrize("screen", SCREENS)
def test_a_moderator_clears_a_queue_of_five_and_answers_one_with_a_measure(
    live_server, chromium, basemap, queue_of_five, screen
):
    contributions, (benches, squares) = queue_of_five
    watch = Watch()
    page = sign_in(watch, chromium, f"{live_server.url}/moderation/", screen)

    # the queue: what waits, the five contributions as text, one map for the page
    expect(page.locator(".mq-counts")).to_contain_text("Zu veröffentlichen: 5")
    items = page.locator(".mq-item")
    expect(items).to_have_count(5)
    expect(page.get_by_text("{{ 6*7 }} <script>alert('x')</script>")).to_be_visible()
    expect(page.locator("#mq-map .leaflet-interactive")).to_have_count(5)
    assert_accessible(page)

    # a row on the map: its dot is highlighted
    page.get_by_role("button", name=f"#{contributions[0].pk} auf der Karte zeigen").click()
    expect(page.locator(f"#c-{contributions[0].pk}")).to_have_class("mq-item is-selected")

    # one bulk action for all five
    page.get_by_label("Alle 5 Beiträge dieser Seite auswählen").check()
    for contribution in contributions:
        expect(page.locator(f"#pick-{contribution.pk}")).to_be_checked()
    page.get_by_label("Aktion", exact=True).select_option(label="Veröffentlichen")
    page.get_by_role("button", name="Auf die ausgewählten anwenden").click()
    result = page.locator("#result")
    expect(result).to_contain_text("5 veröffentlicht")
    expect(result).to_be_focused()
    expect(page.locator(".mq-item")).to_have_count(0)
    expect(page.get_by_text("Nichts da: kein Beitrag passt.")).to_be_visible()
    expect(page.locator(".mq-counts")).to_contain_text("Zu veröffentlichen: 0")
    assert set(Contribution.objects.values_list("status", flat=True)) == {"published"}
    assert ModerationEvent.objects.filter(action=Action.PUBLISH).count() == 5

    # she opens the first one among the published and answers it, taken into a measure
    page.get_by_label("Zustand").select_option(label="alle veröffentlichten")
    page.get_by_role("button", name="Anzeigen").click()
    first = contributions[0]
    page.get_by_role("link", name=f"Einzelheiten und Verlauf zu #{first.pk}").click()
    expect(page.get_by_role("heading", name=f"Beitrag #{first.pk}")).to_be_visible()
    expect(page.locator(".mc-about .mq-text")).to_have_text("Mehr Bänke am Marktplatz")
    expect(page.locator("#mq-map .leaflet-interactive")).to_have_count(1)
    assert_accessible(page)
    page.get_by_label("Zuständige Stelle").fill("Grünflächenamt")
    page.get_by_role("radio", name="in eine Maßnahme übernommen").check()
    page.get_by_label("Maßnahme (bei „in eine Maßnahme übernommen“)").select_option(label=benches.title)
    page.get_by_label("Text der Stellungnahme").fill("Wir stellen zehn neue Bänke auf.")
    page.get_by_role("button", name="Stellungnahme speichern").click()
    done = page.locator("#done")
    expect(done).to_contain_text("Die Stellungnahme ist gespeichert.")
    expect(done).to_be_focused()
    expect(page.locator(".mc-current")).to_contain_text("in eine Maßnahme übernommen, von Grünflächenamt")
    expect(page.locator(".mc-current")).to_contain_text(benches.title)
    expect(page.get_by_label(benches.title)).to_be_checked()  # the response's measure is linked
    history = page.locator("section[aria-labelledby=history-h] tbody tr")
    expect(history.first).to_contain_text("Stellungnahme der Verwaltung")
    expect(history.first).to_contain_text("moderatorin")

    # and links a second measure
    page.get_by_label(squares.title).check()
    page.get_by_role("button", name="Verknüpfungen speichern").click()
    expect(page.locator("#done")).to_contain_text("Die verknüpften Maßnahmen sind gespeichert.")
    expect(history.first).to_contain_text("Maßnahmen verknüpft")
    assert_accessible(page)

    answer = Response.objects.get(contribution=first)
    assert (answer.unit, answer.outcome, answer.measure_id) == ("Grünflächenamt", "measure", benches.pk)

    # the public sees the response and the measures
    page.goto(f"{live_server.url}/api/contributions/{first.pk}/")
    public = json.loads(page.locator("body").inner_text())["properties"]
    assert public["response"]["text"] == "Wir stellen zehn neue Bänke auf."
    assert public["response"]["measure"] == benches.pk
    assert public["measures"] == sorted([benches.pk, squares.pk])
    # and on the contribution's public page, linked from the back office
    page.go_back()
    page.get_by_role("link", name="Die öffentliche Seite des Beitrags").click()
    expect(page.get_by_text("Wir stellen zehn neue Bänke auf.")).to_be_visible()
    expect(page.get_by_role("link", name=benches.title).first).to_be_visible()
    expect(page.get_by_text("Grünflächenamt")).to_be_visible()
    watch.assert_clean()


def test_the_bulk_action_by_keyboard_alone(live_server, chromium, basemap, queue_of_five):
    contributions, _ = queue_of_five
    watch = Watch()
    page = sign_in(watch, chromium, f"{live_server.url}/moderation/", DESKTOP)
    expect(page.locator(".mq-item")).to_have_count(5)

    # Tab through the page to "select all": every stop shows where the focus is
    for _ in range(60):
        page.keyboard.press("Tab")
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", page.evaluate("() => document.activeElement.outerHTML")
        if focused(page, "#pick-all"):
            break
    else:
        raise AssertionError("never reached 'select all' by Tab")
    page.keyboard.press("Space")
    for contribution in contributions:
        expect(page.locator(f"#pick-{contribution.pk}")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused(page, "#bulk-action")
    page.keyboard.press("ArrowDown")  # "Veröffentlichen", the first action
    expect(page.locator("#bulk-action")).to_have_value("publish")
    page.keyboard.press("Tab")
    assert focused(page, "#bulk-reason")
    page.keyboard.press("Tab")
    assert focused(page, "#bulk button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#result")).to_contain_text("5 veröffentlicht")
    expect(page.locator("#result")).to_be_focused()
    assert set(Contribution.objects.values_list("status", flat=True)) == {"published"}

    # a single checkbox is named by its contribution, and a refusal is told as such
    page.goto(f"{live_server.url}/moderation/?state=published")
    checkbox = page.get_by_label(f"#{contributions[1].pk} auswählen (Idee)")
    checkbox.focus()
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    page.locator("#bulk-action").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "Ablehnen", without the reason
    expect(page.locator("#bulk-action")).to_have_value("reject")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    summary = page.locator("#errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Begründung")
    expect(page.locator("#bulk-reason")).to_have_attribute("aria-describedby", "bulk-reason-error")
    assert_accessible(page)
    assert Contribution.objects.get(pk=contributions[1].pk).status == "published"
    watch.assert_clean(expected_statuses=(400,))


def test_the_queue_and_the_contribution_page_fit_320_px(live_server, chromium, basemap, queue_of_five):
    contributions, _ = queue_of_five
    Contribution.objects.filter(pk=contributions[0].pk).update(text="Ein_sehr_langes_Wort_" * 20)
    watch = Watch()
    page = sign_in(watch, chromium, f"{live_server.url}/moderation/", NARROW)
    expect(page.locator(".mq-item")).to_have_count(5)
    assert scroll_overflow(page) == 0
    page.goto(f"{live_server.url}/moderation/{contributions[0].pk}/")
    expect(page.get_by_role("heading", name=f"Beitrag #{contributions[0].pk}")).to_be_visible()
    assert scroll_overflow(page) == 0
    watch.assert_clean()
