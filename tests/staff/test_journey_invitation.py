"""A city admin's journey in Debian's Chromium, on a desktop and a phone: she invites a planner from the
team page; the planner opens the link from the email, sets a password and lands in the back office. The
team and invitation pages pass axe-core and fit 320 px without sideways scrolling."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import expect

from geo.permissions import CITY_ADMINS
from quartiere.models import Area
from staff.models import Invitation
from tests.axe import assert_accessible
from tests.browser import DESKTOP, NARROW, PHONE, Watch, scroll_overflow
from tests.measures.conftest import build_grid
from tests.staff.conftest import PASSWORD, staff_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
LINK = re.compile(r"http://\S+/planung/einladung/#[A-Za-z0-9_-]+")


@pytest.fixture
def admin(db):
    build_grid()
    return staff_of("anna", CITY_ADMINS, Area.objects.get(code="C"))


def sign_in(chromium, live_server, screen, username="anna"):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/team/", screen=screen)
    expect(page).to_have_url(re.compile(r"/planung/anmelden/\?next=/planung/team/$"))
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("pw-for-tests-only")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Team", exact=True)).to_be_visible()
    return watch, page


def open_menu_if_folded(page):
    toggle = page.get_by_role("button", name="Menü")
    if toggle.is_visible():
        toggle.click()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_city_admin_invites_a_planner_who_sets_a_password_and_lands_in_the_back_office(
    live_server, chromium, basemap, admin, screen
):
    watch, page = sign_in(chromium, live_server, screen)
    assert_accessible(page)

    invite = page.get_by_role("region", name="Person einladen")  # beside it: the Trialog roles' form
    invite.get_by_label("E-Mail-Adresse", exact=True).fill("ben@example.org")
    invite.get_by_label("Rolle", exact=True).select_option(label="Planung")
    invite.get_by_label("Stadt", exact=True).select_option(label="Stadt")
    invite.get_by_role("button", name="Einladung senden").click()

    expect(
        page.get_by_role("status").filter(has_text="Einladung an ben@example.org gesendet.")
    ).to_be_visible()
    invitations = page.locator("section", has=page.get_by_role("heading", name="Offene Einladungen"))
    expect(invitations.get_by_text("ben@example.org", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Einladung von ben@example.org zurückziehen")).to_be_visible()
    changes = page.locator(".team-events")
    expect(changes).to_contain_text("anna · eingeladen · ben@example.org")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ben@example.org"]
    link = LINK.search(mail.outbox[0].body).group(0)
    watch.assert_clean()

    # the planner, in a browser of their own, follows the link from the email
    invitee_watch = Watch()
    invitee = invitee_watch.open(chromium, link, screen=screen)
    expect(invitee.get_by_role("heading", name="Passwort festlegen")).to_be_visible()
    expect(invitee.get_by_text("Der Code Ihres Einladungslinks wurde eingetragen.")).to_be_visible()
    assert "#" not in invitee.url  # the token left the address bar (history, shoulders)
    assert_accessible(invitee)
    # a too short password first: the reason beside the field, the focus on the summary
    invitee.get_by_label("Neues Passwort", exact=True).fill("kurz")
    invitee.get_by_label("Neues Passwort wiederholen").fill("kurz")
    invitee.get_by_role("button", name="Passwort festlegen und anmelden").click()
    expect(invitee.locator("#invitation-password-error")).to_contain_text("zu kurz")
    expect(invitee.locator("#invitation-errors")).to_be_focused()
    assert_accessible(invitee)
    assert not User.objects.get(username="ben@example.org").is_active

    invitee.get_by_label("Neues Passwort", exact=True).fill(PASSWORD)
    invitee.get_by_label("Neues Passwort wiederholen").fill(PASSWORD)
    invitee.get_by_role("button", name="Passwort festlegen und anmelden").click()

    expect(invitee).to_have_url(f"{live_server.url}/planung/uebersicht/")  # the planners' start page
    expect(invitee.get_by_role("heading", name="Was wartet", level=1)).to_be_visible()
    open_menu_if_folded(invitee)
    expect(invitee.get_by_role("link", name="Planung", exact=True)).to_have_attribute("aria-current", "page")
    ben = User.objects.get(username="ben@example.org")
    assert ben.is_active and ben.check_password(PASSWORD) and ben.groups.filter(name="planners").exists()
    assert Invitation.objects.get().used_at is not None
    invitee_watch.assert_clean(expected_statuses=(400,))

    # the link works once: opened again, it says so and changes nothing
    again = Watch().open(chromium, link, screen=screen)
    again.get_by_label("Neues Passwort", exact=True).fill("Another-Password-2024")
    again.get_by_label("Neues Passwort wiederholen").fill("Another-Password-2024")
    again.get_by_role("button", name="Passwort festlegen und anmelden").click()
    expect(again.get_by_role("alert")).to_contain_text("schon eingelöst")
    ben.refresh_from_db()
    assert ben.check_password(PASSWORD)


def test_the_team_and_invitation_pages_fit_320_px_and_work_without_script(live_server, chromium, admin):
    watch, page = sign_in(chromium, live_server, NARROW)
    staff_of("a-very-long-name-of-a-planner-who-works-here", "planners", Area.objects.get(code="C"))
    page.reload()
    assert scroll_overflow(page) == 0
    assert_accessible(page)

    # without script the invitee pastes the whole link
    from staff.services import invitation_create

    _invitation, token = invitation_create(
        email="carla@example.org", role="moderator", accept_url=f"{live_server.url}/planung/einladung/"
    )
    nojs = Watch().open(
        chromium, f"{live_server.url}/planung/einladung/", screen=NARROW, java_script_enabled=False
    )
    assert scroll_overflow(nojs) == 0
    nojs.get_by_label(re.compile("Code aus Ihrem Einladungslink")).fill(
        f"{live_server.url}/planung/einladung/#{token}"
    )
    nojs.get_by_label("Neues Passwort", exact=True).fill(PASSWORD)
    nojs.get_by_label("Neues Passwort wiederholen").fill(PASSWORD)
    nojs.get_by_role("button", name="Passwort festlegen und anmelden").click()
    expect(nojs).to_have_url(f"{live_server.url}/moderation/")
    assert User.objects.get(username="carla@example.org").is_active
    watch.assert_clean()
