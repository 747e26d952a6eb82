"""``manage.py staff add|list|remove``: staff accounts from the command line, through staff.services."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from staff.models import Invitation, Membership, StaffEvent
from tests.staff.conftest import PASSWORD


def staff(*args: str) -> str:
    out = StringIO()
    call_command("staff", *args, stdout=out)
    return out.getvalue()


def nothing_changed() -> tuple:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        StaffEvent.objects.count(),
    )


def test_add_makes_a_planner_of_a_city_who_signs_in(grid, monkeypatch):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)
    out = staff("add", "Anna@Example.org", "--role", "planner", "--city", "C", "--noinput")

    anna = User.objects.get(username="anna@example.org")
    assert anna.is_active and anna.is_staff and not anna.is_superuser and anna.email == "anna@example.org"
    assert list(anna.groups.values_list("name", flat=True)) == ["planners"]
    assert list(Membership.objects.filter(user=anna).values_list("city__code", flat=True)) == ["C"]
    assert "Created staff account anna@example.org as planner for Stadt." in out
    signed_in = Client().post("/planung/anmelden/", {"username": "anna@example.org", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/planung/uebersicht/"


def test_add_admin_makes_a_city_admin_without_the_django_admin(grid, monkeypatch):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)
    staff("add", "chef@example.org", "--role", "admin", "--city", "O", "--noinput")
    chef = User.objects.get(username="chef@example.org")
    assert list(chef.groups.values_list("name", flat=True)) == ["city_admins"]
    assert not chef.is_staff and not chef.user_permissions.exists()
    client = Client()
    client.force_login(chef)
    assert client.get("/planung/team/").status_code == 200
    assert client.get("/admin/").status_code == 302  # to the admin's login: not for city admins


def test_add_again_gives_a_second_role_and_keeps_the_password(grid, monkeypatch):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)
    staff("add", "ben@example.org", "--role", "moderator", "--noinput")
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", "Another-Password-2024")
    out = staff("add", "ben@example.org", "--role", "planner", "--city", "C", "--noinput")
    ben = User.objects.get(username="ben@example.org")
    assert sorted(ben.groups.values_list("name", flat=True)) == ["moderators", "planners"]
    assert ben.check_password(PASSWORD) and "Updated" in out


def test_add_with_invite_mails_the_link(grid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = staff("add", "carla@example.org", "--role", "moderator", "--city", "C", "--invite")
    assert "Invited carla@example.org as moderator" in out
    assert len(mail.outbox) == 1 and "/planung/einladung/#" in mail.outbox[0].body
    assert not User.objects.get(username="carla@example.org").is_active


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "planner", "--city", "XYZ"], "XYZ"),
        (["--role", "chef"], "invalid choice"),
    ],
)
def test_an_unknown_city_or_role_is_refused_and_nothing_changes(grid, monkeypatch, args, message):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)
    before = nothing_changed()
    with pytest.raises(CommandError, match=message):
        staff("add", "dora@example.org", *args, "--noinput")
    assert nothing_changed() == before


def test_a_weak_password_or_bad_address_is_refused_and_nothing_changes(grid, monkeypatch):
    before = nothing_changed()
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", "123")
    with pytest.raises(CommandError, match="password"):
        staff("add", "emil@example.org", "--role", "planner", "--noinput")
    with pytest.raises(CommandError, match="email"):
        staff("add", "kein-name", "--role", "planner", "--noinput")
    assert nothing_changed() == before


def test_list_and_remove(grid, monkeypatch):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)
    staff("add", "fritz@example.org", "--role", "planner", "--city", "C", "--noinput")
    staff("add", "gina@example.org", "--role", "moderator", "--city", "O", "--noinput")
    listing = staff("list", "--city", "C")
    assert "fritz@example.org\tplanner\tC" in listing and "gina" not in listing

    staff("remove", "fritz@example.org")
    fritz = User.objects.get(username="fritz@example.org")
    assert not fritz.groups.exists()
    assert "fritz" not in staff("list")
    with pytest.raises(CommandError, match="nobody@example.org"):
        staff("remove", "nobody@example.org")


def test_the_old_create_staff_command_still_works(grid, monkeypatch):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)
    call_command("create_staff", "--role", "planner", "--username", "hans", "--noinput", stdout=StringIO())
    assert User.objects.get(username="hans").groups.filter(name="planners").exists()


def test_it_asks_for_the_password_twice_until_they_match_and_are_strong(grid, monkeypatch):
    answers = iter(["anders", "nicht gleich", "123", "123", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    err = StringIO()
    call_command("staff", "add", "ida@example.org", "--role", "planner", stdout=StringIO(), stderr=err)
    assert User.objects.get(username="ida@example.org").check_password(PASSWORD)
    assert "do not match" in err.getvalue() and "zu kurz" in err.getvalue()


def test_the_city_admins_group_exists_without_model_permissions(db):
    from django.contrib.auth.models import Group

    assert not Group.objects.get(name="city_admins").permissions.exists()


def test_add_makes_regional_staff_with_the_regions_code_and_no_quartier(grid, monkeypatch):
    """``--city`` takes the region's code too (regional staff: staff.scope); a Quartier is no owner."""
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)
    out = staff("add", "region@example.org", "--role", "planner", "--city", "R", "--noinput")
    assert "as planner for Region." in out
    assert list(
        Membership.objects.filter(user__username="region@example.org").values_list("city__code", flat=True)
    ) == ["R"]
    before = nothing_changed()
    with pytest.raises(CommandError, match="Gebietsschlüssel A"):
        staff("add", "quartier@example.org", "--role", "planner", "--city", "A", "--noinput")
    assert nothing_changed() == before
