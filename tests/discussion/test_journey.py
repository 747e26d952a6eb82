"""The discussion's journey in Debian's Chromium, on a desktop and a phone: a citizen comments on a
contribution by keyboard alone (with an email for the answer); a moderator publishes it in the queue;
a planner answers it officially from the contribution page; the citizen sees the official answer
(and got a mail) and reports another comment. Each step's visible result asserted; axe-core finds
nothing on the contribution page and the queue; neither scrolls sideways at 320 px."""

import re

import pytest
from django.core import mail
from django.core.cache import caches
from playwright.sync_api import expect

from discussion.models import Comment, CommentFlag
from participation.models import Status
from tests.backoffice_kit import check_page
from tests.browser import DESKTOP, PHONE, Watch
from tests.participation.conftest import areas, city, consultation, create, make_consultation, user_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
TEXT = "Gibt es hier bald einen Zebrastreifen? {{ 6*7 }} <script>alert(1)</script>"


@pytest.fixture(autouse=True)
def unthrottled():
    caches["participation"].clear()


def tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus, as a person would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.locator(selector).evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"{selector} never got the focus by Tab")


def signed_in(watch: Watch, chromium, url: str, screen: dict, username: str):
    """Open ``url`` as ``username``: the sign-in page first, then the page."""
    page = watch.open(chromium, url, screen=screen)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw-for-tests-only")
    page.locator("#id_password").press("Enter")
    return page


@pytest.mark.parametrize("screen", SCREENS)
def test_a_comment_is_published_answered_officially_and_seen_by_the_citizen(
    live_server,
    chromium,
    consultation,  # noqa: F811 - participation's fixture, imported above
    screen,
):
    contribution = create(consultation, publish=True, text="Der Übergang ist gefährlich.")
    other = Comment.objects.create(
        contribution=contribution, city=contribution.city, text="Werbung für Pillen", status=Status.PUBLISHED
    )
    user_in("moderatorin", "moderators")
    user_in("planerin", "planners")
    url = f"{live_server.url}/karte/beitraege/{contribution.pk}/"
    watch = Watch()

    # 1. the citizen writes a comment, keyboard only
    citizen = watch.open(chromium, url, screen=screen)
    expect(citizen.get_by_role("heading", name="Diskussion")).to_be_visible()
    tab_to(citizen, "#c-text-new")
    citizen.keyboard.type(TEXT)
    citizen.keyboard.press("Tab")
    expect(citizen.locator("#c-pseudonym-new")).to_be_focused()
    citizen.keyboard.type("Anwohnerin")
    citizen.keyboard.press("Tab")
    expect(citizen.locator("#c-email-new")).to_be_focused()
    citizen.keyboard.type("anwohnerin@example.org")
    citizen.keyboard.press("Tab")
    expect(citizen.get_by_role("button", name="Kommentar senden")).to_be_focused()
    citizen.keyboard.press("Enter")
    note = citizen.locator(".discussion-note")
    expect(note).to_contain_text("Ihr Kommentar wartet auf die Moderation")
    expect(note).to_contain_text(re.compile(r"/diskussion/loeschen/#\d+\."))
    comment = Comment.objects.get(pseudonym="Anwohnerin")
    assert (comment.status, comment.text) == (Status.PENDING, TEXT)
    expect(citizen.locator(f"#comment-{comment.pk}")).to_have_count(0)
    check_page(citizen)

    # 2. the moderator publishes it
    moderator = signed_in(watch, chromium, f"{live_server.url}/moderation/kommentare/", screen, "moderatorin")
    expect(moderator.get_by_role("heading", name="Kommentare moderieren")).to_be_visible()
    card = moderator.locator(f"#comment-{comment.pk}")
    expect(card.locator(".comment-text")).to_have_text(TEXT)
    check_page(moderator)
    card.get_by_role("button", name="Veröffentlichen").click()
    expect(moderator.locator(".discussion-note")).to_have_text(f"Kommentar {comment.pk}: erledigt.")
    expect(moderator.get_by_text("Nichts zu moderieren.")).to_be_visible()

    # 3. the planner answers officially, from the contribution page
    planner = signed_in(
        watch,
        chromium,
        f"{live_server.url}/planung/anmelden/?next=/karte/beitraege/{contribution.pk}/",
        screen,
        "planerin",
    )
    thread = planner.locator(f"#comment-{comment.pk}").locator("xpath=..")
    expect(thread.locator(".comment-text").first).to_have_text(TEXT)
    thread.get_by_text("Antworten", exact=True).click()
    thread.get_by_label("Ihre Antwort").fill("Ein Zebrastreifen ist für 2027 geplant.")
    thread.get_by_label("Als offizielle Antwort veröffentlichen").check()
    thread.get_by_label("Zuständige Stelle (für eine offizielle Antwort)").fill("Fachbereich Tiefbau")
    thread.get_by_role("button", name="Antwort senden").click()
    expect(planner.locator(".discussion-note")).to_contain_text("Ihr Kommentar ist veröffentlicht")
    answer = Comment.objects.get(parent=comment)
    assert (answer.official, answer.unit, answer.status) == (True, "Fachbereich Tiefbau", Status.PUBLISHED)

    # 4. the citizen sees the official answer under her comment, and got a mail
    citizen.reload()
    official = citizen.locator(f"#comment-{answer.pk}")
    expect(official.locator(".mark-official")).to_have_text("Offizielle Antwort")
    expect(official).to_contain_text("Fachbereich Tiefbau")
    expect(official.locator(".comment-text")).to_have_text("Ein Zebrastreifen ist für 2027 geplant.")
    expect(citizen.locator(f"#comment-{comment.pk} .comment-text")).to_have_text(TEXT)
    assert [m.to for m in mail.outbox] == [["anwohnerin@example.org"]]
    assert "Fachbereich Tiefbau" in mail.outbox[0].body and "planerin" not in mail.outbox[0].body

    # 5. she reports the advertisement
    spam = citizen.locator(f"#comment-{other.pk}")
    spam.get_by_text(f"Kommentar {other.pk} melden").click()
    spam.get_by_label("Warum sollte sich die Moderation diesen Kommentar ansehen?").select_option("spam")
    spam.get_by_role("button", name="Melden").click()
    expect(citizen.locator(".discussion-note")).to_have_text(
        "Danke für die Meldung; die Moderation sieht sich den Kommentar an."
    )
    assert CommentFlag.objects.filter(comment=other, reason="spam").count() == 1
    check_page(citizen)
    watch.assert_clean()
