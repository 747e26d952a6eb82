"""A moderator's journey through the Django admin in Debian's Chromium, on a desktop and a phone.

The moderator is staff and in the moderators' group, not a superuser: the group's permissions (data
migration planning 0003) are all she has. She signs in at /admin/, finds a pending contribution,
publishes it, writes the official response, hides another one — and sees each result in the admin.
No page she visits loads anything from beyond 127.0.0.1: the map widget's OpenLayers is vendored."""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from participation.models import Action, Contribution, ModerationEvent, Response
from tests.browser import DESKTOP, PHONE, Watch
from tests.participation.conftest import create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
PASSWORD = "Kastanienallee-1886"


@pytest.fixture
def moderatorin(db) -> User:
    user = User.objects.create_user("moderatorin", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="moderators"))
    return user


def sign_in(page, live_server):
    expect(page.get_by_label("Benutzername")).to_be_visible()
    page.get_by_label("Benutzername").fill("moderatorin")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def find(page, text: str):
    """Search the contribution list for ``text``: the one row found."""
    page.locator("#searchbar").fill(text)
    page.get_by_role("button", name="Suchen").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    return rows.first


def run_action(page, row, label: str) -> None:
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=label)
    page.get_by_role("button", name="Ausführen").click()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_moderator_publishes_answers_and_hides_in_the_admin_without_leaving_the_server(
    live_server, chromium, basemap, consultation, moderatorin, screen, tmp_path
):
    pending = create(consultation, text="Mehr Bäume am Bahnhofsvorplatz", category="idea")
    noisy = create(consultation, text="Laute Musik jede Nacht", category="problem", publish=True)
    assert not moderatorin.is_superuser
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/admin/", screen=screen)

    # signed in, she sees the participation part of the admin and no "no rights" notice
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Website-Verwaltung")).to_be_visible()
    expect(page.get_by_role("link", name="Beiträge", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Moderationsvorgänge")).to_be_visible()
    expect(page.get_by_text("nicht die nötigen Rechte")).to_have_count(0)
    expect(page.get_by_role("link", name="Benutzer", exact=True)).to_have_count(0)

    # she finds the pending contribution and publishes it
    page.get_by_role("link", name="Beiträge", exact=True).click()
    row = find(page, "Bahnhofsvorplatz")
    expect(row).to_contain_text("wartet auf Moderation")
    run_action(
        page, row, "Veröffentlichen (stellt einen ausgeblendeten wieder her, schließt seine Meldungen)"
    )
    expect(page.locator("ul.messagelist")).to_contain_text("1 Beiträge geändert.")
    expect(find(page, "Bahnhofsvorplatz")).to_contain_text("veröffentlicht")
    assert Contribution.objects.get(pk=pending.pk).status == "published"

    # she opens it (the map widget draws with the vendored OpenLayers) and writes the official response
    find(page, "Bahnhofsvorplatz").get_by_role("link", name=str(pending.pk), exact=True).click()
    expect(page.locator("#id_text")).to_have_value("Mehr Bäume am Bahnhofsvorplatz")
    expect(page.locator("#id_geom_map .ol-viewport")).to_be_attached()
    expect(page.locator("#id_email")).to_have_count(0)  # contributors' addresses stay hidden
    page.get_by_role("button", name="Stellungnahme der Verwaltung hinzufügen").click()
    page.locator("#id_response-0-text").fill("Wir prüfen zwei Standorte für neue Bäume.")
    page.locator("#id_response-0-unit").fill("Grünflächenamt")
    page.locator("#id_response-0-outcome").select_option(label="wird berücksichtigt")
    page.screenshot(path=str(tmp_path / "moderator-response.png"))
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("wurde erfolgreich geändert")
    response = Response.objects.get(contribution=pending)
    assert response.text == "Wir prüfen zwei Standorte für neue Bäume." and response.author == moderatorin
    find(page, "Bahnhofsvorplatz").get_by_role("link", name=str(pending.pk), exact=True).click()
    expect(page.locator("#id_response-0-text")).to_have_value("Wir prüfen zwei Standorte für neue Bäume.")

    # she hides the other one
    page.get_by_role("link", name="Beiträge", exact=True).first.click()
    row = find(page, "Laute Musik")
    expect(row).to_contain_text("veröffentlicht")
    run_action(page, row, "Ausblenden")
    expect(page.locator("ul.messagelist")).to_contain_text("1 Beiträge geändert.")
    expect(find(page, "Laute Musik")).to_contain_text("ausgeblendet")
    assert Contribution.objects.get(pk=noisy.pk).status == "hidden"

    # the moderation log shows what she did, signed with her name
    page.goto(f"{live_server.url}/admin/participation/moderationevent/")
    events = page.locator("#result_list tbody tr")
    expect(events).to_have_count(3)
    expect(events.filter(has_text="moderatorin")).to_have_count(3)
    assert set(
        ModerationEvent.objects.filter(actor=moderatorin).values_list("contribution_id", "action")
    ) == {(pending.pk, Action.PUBLISH), (pending.pk, Action.RESPOND), (noisy.pk, Action.HIDE)}

    assert watch.outside == []
    watch.assert_clean()
