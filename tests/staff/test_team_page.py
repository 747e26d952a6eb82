"""The team page /planung/team/: a city admin sees their city's staff, invites, changes roles,
deactivates and reactivates, withdraws invitations; every change in the audit; errors beside the fields."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from staff.models import Invitation, StaffEvent
from tests.staff.conftest import staff_of


def signed_in(user, language: str = "de") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_it_lists_the_staff_of_the_admins_city_only(city_admin, planner_c, planner_o, moderator_c):
    page = signed_in(city_admin).get("/planung/team/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "planner-c@example.org" in text and "moderator-c@example.org" in text
    assert "planner-o" not in text
    assert 'aria-current="page">Team<' in text  # the back office's navigation marks the section
    assert "Person einladen" in text and "Rollen von planner-c" in text


def test_it_speaks_english_too(city_admin):
    text = signed_in(city_admin, "en").get("/planung/team/").content.decode()
    assert "Invite a person" in text and "Send invitation" in text


def test_anonymous_is_sent_to_sign_in_and_others_are_refused(planner_c):
    anonymous = Client().get("/planung/team/")
    assert anonymous.status_code == 302 and anonymous["Location"] == "/planung/anmelden/?next=/planung/team/"
    refused = signed_in(planner_c).get("/planung/team/")
    assert refused.status_code == 403 and "Stadt-Administration" in refused.content.decode()


def test_an_invitation_from_the_page_mails_the_link(city_admin, grid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = signed_in(city_admin).post(
            "/planung/team/einladen/", {"email": "neu@example.org", "role": "planner", "city": grid["C"].pk}
        )
    assert answer.status_code == 303 and answer["Location"] == "/planung/team/"
    assert len(mail.outbox) == 1 and "http://testserver/planung/einladung/#" in mail.outbox[0].body
    page = signed_in(city_admin).get("/planung/team/").content.decode()
    assert "neu@example.org" in page and "Einladung an neu@example.org gesendet." not in page  # shown once
    assert StaffEvent.objects.filter(action="invite", actor=city_admin).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({"email": "kein-name", "role": "planner"}, "email", "gültige E-Mail-Adresse"),
        ({"email": "a@example.org", "role": "chef"}, "role", "Unbekannte Rolle"),
        ({"email": "a@example.org", "role": "planner", "city": "99999999"}, "city", "Städte aus der Liste"),
        ({"email": "a@example.org", "role": "planner", "city": ""}, "city", "für die die Person arbeiten"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_changes(city_admin, grid, data, field, reason):
    answer = signed_in(city_admin).post(
        "/planung/team/einladen/", {"city": grid["C"].pk, **data} if "city" not in data else data
    )
    text = answer.content.decode()
    assert answer.status_code == 400
    assert f'id="invite-{field}-error"' in text and reason in text
    assert f'aria-describedby="invite-{field}-error"' in text
    assert 'id="invite-errors"' in text  # the summary the page's script focuses
    assert not Invitation.objects.exists() and not User.objects.filter(username="a@example.org").exists()


def test_text_is_shown_as_text(city_admin, grid):
    answer = signed_in(city_admin).post(
        "/planung/team/einladen/", {"email": "<script>{{ 6*7 }}", "role": "planner", "city": grid["C"].pk}
    )
    text = answer.content.decode()
    assert "<script>{{" not in text and "&lt;script&gt;{{ 6*7 }}" in text


def test_roles_deactivation_and_reactivation_are_audited(city_admin, planner_c):
    client = signed_in(city_admin)
    assert (
        client.post(f"/planung/team/{planner_c.pk}/rollen/", {"roles": ["planner", "moderator"]}).status_code
        == 303
    )
    assert sorted(planner_c.groups.values_list("name", flat=True)) == ["moderators", "planners"]
    assert client.post(f"/planung/team/{planner_c.pk}/aktiv/", {"active": "0"}).status_code == 303
    planner_c.refresh_from_db()
    assert not planner_c.is_active
    assert client.post(f"/planung/team/{planner_c.pk}/aktiv/", {"active": "1"}).status_code == 303
    planner_c.refresh_from_db()
    assert planner_c.is_active
    actions = list(
        StaffEvent.objects.filter(subject=planner_c).order_by("at", "id").values_list("action", "actor_name")
    )
    assert actions == [("set_roles", "admin-c"), ("deactivate", "admin-c"), ("reactivate", "admin-c")]
    page = client.get("/planung/team/").content.decode()
    assert "hat die Rollen geändert" in page and "planner → moderator, planner" in page


def test_no_roles_or_own_deactivation_is_refused_with_the_reason(city_admin, planner_c):
    client = signed_in(city_admin)
    empty = client.post(f"/planung/team/{planner_c.pk}/rollen/", {})
    assert empty.status_code == 400 and "mindestens eine Rolle" in empty.content.decode()
    own = client.post(f"/planung/team/{city_admin.pk}/aktiv/", {"active": "0"})
    assert own.status_code == 409 and "eigenes Konto" in own.content.decode()
    assert list(planner_c.groups.values_list("name", flat=True)) == ["planners"]
    city_admin.refresh_from_db()
    assert city_admin.is_active


def test_a_city_admin_cannot_touch_other_cities_staff_or_superusers(city_admin, planner_o, grid):
    root = User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    both = staff_of("both", "planners", grid["C"])
    both.memberships.create(city=grid["O"])
    client = signed_in(city_admin)
    for user in (planner_o, root, both):
        assert client.post(f"/planung/team/{user.pk}/rollen/", {"roles": ["admin"]}).status_code == 403
        assert client.post(f"/planung/team/{user.pk}/aktiv/", {"active": "0"}).status_code == 403
    assert not User.objects.filter(groups__name="city_admins").exclude(pk=city_admin.pk).exists()
    assert User.objects.filter(is_active=False).count() == 0
    assert client.post("/planung/team/999999/rollen/", {"roles": ["planner"]}).status_code == 404
