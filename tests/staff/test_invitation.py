"""Invitations (staff.services, /planung/einladung/): a one-time link to set a password, its token random
and stored only hashed, expiring, single use; the link carries the token in the fragment."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from geo.errors import Forbidden
from staff import services
from staff.models import Invitation, Membership, StaffEvent
from tests.staff.conftest import ACCEPT_URL, PASSWORD

LINK = re.compile(r"(http://testserver/planung/einladung/)#([A-Za-z0-9_-]{40,})")


def invite(actor, grid, email="neu@example.org", role="planner", city="C", **kwargs):
    return services.invitation_create(
        email=email,
        role=role,
        city=grid[city] if city else None,
        actor=actor,
        accept_url=ACCEPT_URL,
        **kwargs,
    )


def accept(client: Client, token: str, password: str = PASSWORD, again: str | None = None):
    return client.post(
        "/planung/einladung/",
        {"token": token, "password": password, "password_again": password if again is None else again},
    )


def test_it_stores_only_the_hash_of_the_token_and_mails_the_link_with_it_in_the_fragment(
    city_admin, grid, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(city_admin, grid)

    stored = Invitation.objects.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(v) for v in Invitation.objects.values_list(flat=True)}
    assert token not in stored.token_hash
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu@example.org"]
    match = LINK.search(message.body)
    assert match and match.group(2) == token  # in the fragment, never in the path or query
    assert "Planer" in message.body or "planner" in message.body
    assert "Stadt" in message.body
    account = User.objects.get(username="neu@example.org")
    assert not account.is_active and not account.has_usable_password()
    assert list(account.groups.values_list("name", flat=True)) == ["planners"]
    assert Membership.objects.filter(user=account, city=grid["C"]).exists()
    assert StaffEvent.objects.filter(action="invite", actor=city_admin, subject=account).exists()


def test_accepting_sets_the_password_activates_and_signs_in_once(city_admin, grid):
    _invitation, token = invite(city_admin, grid)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    answer = accept(client, token)

    assert answer.status_code == 303 and answer["Location"] == "/planung/uebersicht/"
    account = User.objects.get(username="neu@example.org")
    assert account.is_active and account.check_password(PASSWORD)
    assert Invitation.objects.get().used_at is not None
    assert client.get("/planung/").status_code == 200  # signed in
    again = accept(Client(HTTP_ACCEPT_LANGUAGE="en"), token, "Another-Password-2024")
    assert again.status_code == 410 and "already been used" in again.content.decode()
    account.refresh_from_db()
    assert account.check_password(PASSWORD)


def test_a_wrong_or_expired_or_withdrawn_token_changes_nothing(city_admin, grid):
    invitation, token = invite(city_admin, grid)
    wrong = accept(Client(HTTP_ACCEPT_LANGUAGE="en"), token[:-2] + "xx")
    assert wrong.status_code == 404 and "not valid" in wrong.content.decode()

    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = accept(Client(HTTP_ACCEPT_LANGUAGE="en"), token)
    assert expired.status_code == 410 and "expired" in expired.content.decode()

    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=1))
    services.invitation_withdraw(invitation_id=invitation.pk, actor=city_admin)
    withdrawn = accept(Client(HTTP_ACCEPT_LANGUAGE="en"), token)
    assert withdrawn.status_code == 410 and "withdrawn" in withdrawn.content.decode()

    account = User.objects.get(username="neu@example.org")
    assert not account.is_active and not account.has_usable_password()
    assert Invitation.objects.get().used_at is None


def test_it_expires_after_the_days_of_the_setting(city_admin, grid, settings):
    settings.STAFF_INVITATION_DAYS = 2
    invitation, _token = invite(city_admin, grid)
    assert timedelta(days=2) - (invitation.expires_at - timezone.now()) < timedelta(minutes=1)


def test_a_weak_or_mistyped_password_is_shown_beside_its_field_and_nothing_changes(city_admin, grid):
    _invitation, token = invite(city_admin, grid)

    weak = accept(Client(HTTP_ACCEPT_LANGUAGE="de"), token, "12345678")
    page = weak.content.decode()
    assert weak.status_code == 400
    assert 'aria-describedby="password-help invitation-password-error"' in page
    assert "zu üblich" in page or "nur aus Ziffern" in page
    assert token in page  # kept in the form's body, so that a second try needs no new link

    mistyped = accept(Client(HTTP_ACCEPT_LANGUAGE="en"), token, PASSWORD, PASSWORD + "x")
    assert mistyped.status_code == 400 and "invitation-password_again-error" in mistyped.content.decode()
    account = User.objects.get(username="neu@example.org")
    assert not account.is_active and Invitation.objects.get().used_at is None


def test_the_page_takes_a_pasted_link_and_shows_the_field_without_a_token():
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/planung/einladung/")
    assert page.status_code == 200 and 'name="token"' in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"


def test_a_pasted_whole_link_works(city_admin, grid):
    _invitation, token = invite(city_admin, grid)
    answer = accept(Client(HTTP_ACCEPT_LANGUAGE="en"), f"{ACCEPT_URL}#{token}")
    assert answer.status_code == 303


def test_a_new_invitation_withdraws_the_open_one(city_admin, grid):
    first, first_token = invite(city_admin, grid)
    _second, second_token = invite(city_admin, grid, role="moderator")
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert accept(Client(HTTP_ACCEPT_LANGUAGE="en"), first_token).status_code == 410
    assert accept(Client(HTTP_ACCEPT_LANGUAGE="en"), second_token).status_code == 303


def test_a_city_admin_cannot_invite_into_another_city_nor_take_over_its_staff(city_admin, planner_o, grid):
    with pytest.raises(Forbidden):
        invite(city_admin, grid, city="O")
    with pytest.raises(Forbidden):
        invite(city_admin, grid, email=planner_o.email, city="C")
    with pytest.raises(Forbidden):
        invite(city_admin, grid, role="admin", city="O")
    assert not Invitation.objects.exists()
    assert not User.objects.filter(username="neu@example.org").exists()


def test_the_invitation_page_speaks_english_too(city_admin, grid):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/planung/einladung/").content.decode()
    assert "Set your password" in page and "Set password and sign in" in page
    _invitation, token = invite(city_admin, grid)
    used = accept(Client(HTTP_ACCEPT_LANGUAGE="en"), token)
    assert used.status_code == 303
    again = accept(Client(HTTP_ACCEPT_LANGUAGE="de"), token).content.decode()
    assert "Diese Einladung wurde schon eingelöst." in again


def test_the_mailed_link_uses_public_url_when_it_is_set(
    city_admin, grid, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_URL = "https://atlas.example.org"
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/planung/team/einladen/", {"email": "neu@example.org", "role": "planner", "city": grid["C"].pk}
        )
    assert "https://atlas.example.org/planung/einladung/#" in mail.outbox[0].body
