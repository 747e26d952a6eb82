"""A citizen's account in Chromium, on a desktop and a phone: sign up at /konto/ → the verification
mail → the link's page → confirm → signed in on "Mein Konto" → "Meine Beiträge" shows the status and
the official response of a contribution → opt in to notifications → sign out → sign in again with the
address. Each page passes axe (WCAG 2.1 AA) and reflows to 320 px."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import expect

from participation import moderation, services
from participation.models import Outcome
from tests.backoffice_kit import check_page
from tests.browser import DESKTOP, PHONE, Watch
from tests.participation.conftest import SCHLOSS, user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
SECRET = "Ein-langes-Passwort-42"


@pytest.mark.parametrize("screen", SCREENS)
def test_sign_up_confirm_and_follow_my_contributions(live_server, basemap, chromium, consultation, screen):
    email = f"buergerin-{screen['width']}@example.org"
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/konto/signup/", screen=screen)
    page.set_default_timeout(10_000)
    expect(page.get_by_role("heading", name="Registrieren", level=1)).to_be_visible()
    check_page(page)
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(SECRET)
    page.locator("#id_password2").fill(SECRET)
    page.get_by_role("button", name="Registrieren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Bestätigen Sie Ihre|Bestätige deine")
    )
    expect(page.get_by_role("status")).to_contain_text(email)

    # the mail holds the link; its page asks for a click (a GET confirms nothing)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [email]
    link = re.search(r"(/konto/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)
    page.goto(f"{live_server.url}{link}")
    check_page(page)
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(f"{live_server.url}/konto/")
    expect(page.get_by_role("heading", name="Mein Konto", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Angemeldet als {email}")
    check_page(page)

    # a contribution of this account, published and answered
    user = User.objects.get(email=email)
    mod = user_in(f"mod-{screen['width']}", "moderators")
    made = services.contribution_create(
        consultation_id=consultation.pk,
        lon=SCHLOSS[0],
        lat=SCHLOSS[1],
        text="Mehr Schatten <b>bitte</b>",
        category="idea",
        user=user,
    ).contribution
    moderation.contribution_moderate(contribution_id=made.pk, action="publish", actor=mod)
    moderation.response_set(
        contribution_id=made.pk,
        text="Wir pflanzen Bäume.",
        unit="Grünflächenamt",
        outcome=Outcome.CONSIDERED,
        actor=mod,
    )
    page.get_by_role("link", name="Meine Beiträge und ihre Antworten").click()
    expect(page.get_by_role("heading", name="Meine Beiträge", level=1)).to_be_visible()
    item = page.locator(f"#beitrag-{made.pk}")
    expect(item.locator("blockquote")).to_have_text("Mehr Schatten <b>bitte</b>")
    expect(item).to_contain_text("veröffentlicht")
    expect(item.locator(".response")).to_contain_text("Wir pflanzen Bäume.")
    expect(item.locator(".response")).to_contain_text("Grünflächenamt")
    check_page(page)

    # notifications: opt in to answers
    page.get_by_role("link", name="Benachrichtigungen").click()
    box = page.get_by_label("wenn einer meiner Beiträge eine Stellungnahme der Verwaltung erhält")
    expect(box).not_to_be_checked()
    check_page(page)
    box.check()
    page.get_by_role("button", name="Auswahl speichern").click()
    expect(page.locator(".account-messages")).to_have_text(
        "Ihre Benachrichtigungseinstellungen sind gespeichert."
    )
    expect(box).to_be_checked()

    # sign out, and in again with the address
    page.get_by_role("link", name="Abmelden").click()
    page.get_by_role("button", name="Abmelden").click()
    page.goto(f"{live_server.url}/konto/login/")
    expect(page.get_by_role("heading", name="Anmeldung", level=1)).to_be_visible()
    check_page(page)
    page.get_by_label("E-Mail-Adresse:").fill(email)
    page.get_by_label("Passwort:").fill(SECRET)
    page.get_by_role("button", name="Anmeldung").click()
    page.wait_for_url(f"{live_server.url}/konto/")
    watch.assert_clean()
