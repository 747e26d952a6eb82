"""One client cannot hide a contribution: anonymous reports count once per contribution per browser
*and* per client address (its keyed, rotating hash — never the address itself), at most
PARTICIPATION_FLAGS_PER_DAY a day; what the reports hid leads the moderators' queue until a
moderator restores it or confirms the hide."""

import datetime as dt
import time

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from participation import services
from participation.api.common import client_address
from participation.models import Action, Flag, ModerationEvent, Status
from participation.privacy import BROWSER_COOKIE, ip_hash
from tests.conftest import sql_value
from tests.participation import conftest as participation
from tests.participation.conftest import body, client_for, counts, create, if_match, user_in

# the participation fixtures: the demo's areas and an open, pre-moderated consultation over the city
areas = participation.areas
city = participation.city
make_consultation = participation.make_consultation
consultation = participation.consultation
moderator = participation.moderator

HOME = "198.51.100.77"
OFFICE = "2001:db8:4::1234"


@pytest.fixture(autouse=True)
def threshold(settings):
    settings.PARTICIPATION_FLAG_THRESHOLD = 3
    settings.PARTICIPATION_FLAGS_PER_DAY = 10


def report(contribution, address: str, client=None, language: str = "en", **data):
    """A report from ``address``; by default from a client that keeps no cookies."""
    client = client or client_for(None)
    data = {"reason": "spam", **data}
    url = f"/api/contributions/{contribution.pk}/flag/"
    return client.post(url, data, format="json", REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)


def stored_key(address: str) -> str:
    """What a report from ``address`` stores: the keyed hash of what the API takes for its client."""
    return ip_hash(client_address(RequestFactory().get("/", REMOTE_ADDR=address)))


def status_of(contribution) -> str:
    contribution.refresh_from_db()
    return contribution.status


def test_three_cookieless_reports_from_one_client_hide_nothing(consultation):
    c = create(consultation, publish=True)

    answers = [report(c, HOME) for _ in range(3)]

    assert [a.status_code for a in answers] == [201, 409, 409]
    assert "already" in body(answers[1])["detail"]
    assert status_of(c) == Status.PUBLISHED
    assert Flag.objects.filter(contribution=c).count() == 1
    assert not ModerationEvent.objects.filter(action=Action.AUTO_HIDE).exists()


def test_a_browser_with_its_cookie_from_another_address_still_counts_once(consultation):
    c = create(consultation, publish=True)
    browser = client_for(None)
    assert report(c, HOME, browser).status_code == 201
    assert BROWSER_COOKIE in browser.cookies
    assert report(c, OFFICE, browser).status_code == 409
    assert Flag.objects.filter(contribution=c).count() == 1


def test_three_different_clients_do_hide_it(consultation):
    c = create(consultation, publish=True)

    answers = [report(c, address) for address in ("192.0.2.1", "192.0.2.2", OFFICE)]

    assert [a.status_code for a in answers] == [201, 201, 201]
    assert status_of(c) == Status.HIDDEN
    event = ModerationEvent.objects.get(contribution_id=c.pk)
    assert (event.action, event.note) == (Action.AUTO_HIDE, "3 flags")


def test_an_account_counts_once_whatever_its_address(consultation, citizen_client):
    c = create(consultation, publish=True)
    assert report(c, HOME, citizen_client).status_code == 201
    assert report(c, OFFICE, citizen_client).status_code == 409
    # the account's report carries no address hash: someone else at that address may still report
    assert Flag.objects.get().client is None
    assert report(c, HOME).status_code == 201


@pytest.fixture
def citizen_client(db):
    return client_for(user_in("citizen"))


def test_it_recognises_the_client_across_one_rotation_of_the_key(consultation, settings, monkeypatch):
    settings.PARTICIPATION_IP_HASH_ROTATION_S = 3600
    c = create(consultation, publish=True)
    assert report(c, HOME).status_code == 201
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)

    assert report(c, HOME).status_code == 409

    monkeypatch.setattr(time, "time", lambda: later + 3600)
    assert report(c, HOME).status_code == 201  # two keys later it is a new client, as for throttling


def test_it_caps_reports_per_client_and_day_with_a_429_that_says_why(consultation, settings):
    settings.PARTICIPATION_FLAGS_PER_DAY = 3
    contributions = [create(consultation, publish=True) for _ in range(5)]
    for c in contributions[:3]:
        assert report(c, HOME).status_code == 201
    before = counts()

    refused = report(contributions[3], HOME)

    assert refused.status_code == 429
    assert "24 hours" in body(refused)["detail"]
    assert "24 Stunden" in body(report(contributions[3], HOME, language="de"))["detail"]
    assert 86_000 < int(refused["Retry-After"]) <= 86_400
    assert counts() == before
    assert report(contributions[3], OFFICE).status_code == 201  # another client is not capped


def test_the_cap_forgets_reports_older_than_a_day(consultation, settings):
    settings.PARTICIPATION_FLAGS_PER_DAY = 2
    contributions = [create(consultation, publish=True) for _ in range(3)]
    report(contributions[0], HOME)
    report(contributions[1], HOME)
    assert report(contributions[2], HOME).status_code == 429
    Flag.objects.filter(contribution=contributions[0]).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    answer = report(contributions[2], HOME)
    assert answer.status_code == 201, answer.content


def test_the_cap_holds_for_accounts_too(consultation, settings, citizen_client):
    settings.PARTICIPATION_FLAGS_PER_DAY = 1
    first, second = create(consultation, publish=True), create(consultation, publish=True)
    assert report(first, HOME, citizen_client).status_code == 201
    assert report(second, OFFICE, citizen_client).status_code == 429


def test_the_cap_counts_a_browser_that_changes_its_address(consultation, settings):
    settings.PARTICIPATION_FLAGS_PER_DAY = 2
    browser = client_for(None)
    contributions = [create(consultation, publish=True) for _ in range(3)]
    assert report(contributions[0], "192.0.2.1", browser).status_code == 201
    assert report(contributions[1], "192.0.2.2", browser).status_code == 201
    assert report(contributions[2], "192.0.2.3", browser).status_code == 429


def test_no_address_is_stored_only_its_keyed_hash(consultation):
    c = create(consultation, publish=True)
    report(c, HOME, note="Werbung")
    report(c, OFFICE)

    table = sql_value("SELECT string_agg(row_to_json(f)::text, ' ') FROM participation_flag AS f")

    for address in (HOME, OFFICE, OFFICE.replace("::", ":0:0:0:"), "198.51.100"):
        assert address not in table
    assert set(Flag.objects.values_list("client", flat=True)) == {stored_key(HOME), stored_key(OFFICE)}
    assert all(len(h) == 32 for h in Flag.objects.values_list("client", flat=True))


def test_hashes_are_cleared_once_no_key_can_match_them(consultation, settings):
    c, other = create(consultation, publish=True), create(consultation, publish=True)
    report(c, HOME)
    Flag.objects.update(
        created_at=timezone.now() - dt.timedelta(seconds=2 * settings.PARTICIPATION_IP_HASH_ROTATION_S + 1)
    )

    report(other, OFFICE)

    assert dict(Flag.objects.values_list("contribution_id", "client")) == {
        c.pk: None,
        other.pk: stored_key(OFFICE),
    }


@pytest.fixture
def hidden(consultation):
    """Published, then hidden by three reports; an older pending contribution waits too."""
    pending = create(consultation)
    create(consultation, publish=True)  # not in the queue
    c = create(consultation, publish=True)
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        assert report(c, address).status_code == 201
    assert status_of(c) == Status.HIDDEN
    return c, pending


def queue(user, **params) -> list[tuple[int, str, str | None, int]]:
    items = body(client_for(user).get("/api/moderation/contributions/", params))
    return [(i["id"], i["status"], i["review"], i["open_flags"]) for i in items]


def test_the_auto_hidden_contribution_leads_the_moderation_queue(hidden, moderator):
    c, pending = hidden

    assert queue(moderator) == [(c.pk, "hidden", "auto_hidden", 3), (pending.pk, "pending", "pending", 0)]
    assert queue(moderator, review="auto_hidden") == [(c.pk, "hidden", "auto_hidden", 3)]
    assert client_for(moderator).get("/api/moderation/contributions/", {"review": "x"}).status_code == 400


def test_a_moderator_confirms_the_hide_which_closes_the_flags(hidden, moderator):
    c, pending = hidden
    client = client_for(moderator)

    url = f"/api/contributions/{c.pk}/moderate/"
    answer = client.post(url, {"action": "confirm_hide"}, format="json", **if_match(c))

    assert answer.status_code == 200, answer.content
    assert status_of(c) == Status.HIDDEN
    assert not Flag.objects.filter(contribution=c, reviewed_at__isnull=True).exists()
    assert queue(moderator) == [(pending.pk, "pending", "pending", 0)]
    event = ModerationEvent.objects.filter(contribution_id=c.pk).latest("id")
    assert (event.action, event.actor, event.note) == (Action.CONFIRM_HIDE, moderator, "3 flags closed")
    again = client.post(url, {"action": "confirm_hide"}, format="json", HTTP_IF_MATCH=answer["ETag"])
    assert again.status_code == 409


def test_a_moderator_restores_it_which_closes_the_flags(hidden, moderator):
    c, _pending = hidden
    answer = client_for(moderator).post(
        f"/api/contributions/{c.pk}/moderate/", {"action": "publish"}, format="json", **if_match(c)
    )
    assert answer.status_code == 200
    assert status_of(c) == Status.PUBLISHED
    assert not Flag.objects.filter(contribution=c, reviewed_at__isnull=True).exists()
    # the same clients cannot hide it again; three new ones could
    assert report(c, "192.0.2.1").status_code == 409


@pytest.fixture
def admin_client(moderator) -> Client:
    moderator.is_staff = True
    moderator.is_superuser = True
    moderator.save()
    client = Client()
    client.force_login(moderator)
    return client


def test_the_admin_lists_it_first_with_a_filter_and_its_open_flags(hidden, admin_client):
    c, pending = hidden
    url = "/admin/participation/contribution/"

    page = admin_client.get(url)

    assert page.status_code == 200
    rows = list(page.context["cl"].result_list)
    assert rows[0].pk == c.pk and rows[0].open_flags == 3
    first_filter = page.context["cl"].filter_specs[0]
    assert first_filter.parameter_name == "review"
    label = "automatisch ausgeblendet, wartet auf Prüfung (1)"  # German first
    assert first_filter.lookup_choices[0] == ("auto_hidden", label)
    assert label in page.content.decode()
    filtered = admin_client.get(url, {"review": "auto_hidden"})
    assert [r.pk for r in filtered.context["cl"].result_list] == [c.pk]


@pytest.mark.parametrize(
    ("action", "status"), [("moderate_confirm_hide", Status.HIDDEN), ("moderate_publish", Status.PUBLISHED)]
)
def test_the_admins_actions_restore_or_confirm_and_close_the_flags(hidden, admin_client, action, status):
    c, _pending = hidden
    url = "/admin/participation/contribution/"

    answer = admin_client.post(url, {"action": action, "_selected_action": [c.pk]}, follow=True)

    assert answer.status_code == 200
    assert status_of(c) == status
    assert not Flag.objects.filter(contribution=c, reviewed_at__isnull=True).exists()
    assert [r.pk for r in admin_client.get(url, {"review": "auto_hidden"}).context["cl"].result_list] == []


def test_the_service_refuses_an_anonymous_report_without_the_clients_address(consultation):
    c = create(consultation, publish=True)
    with pytest.raises(ValueError, match="address"):
        services.flag_add(contribution_id=c.pk, reason="spam", browser="b1")
    assert not Flag.objects.exists()
