"""The staff roles: the planners' and moderators' groups carry exactly the permissions their roles need
(geo.roles, granted after every migrate and flush), the admin shows each role its part and nothing of
user administration, and ``manage.py create_staff`` makes an account of a role in one step."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from geo import roles
from participation.models import Consultation
from tests.planning.conftest import contribute

PASSWORD = "Kastanienallee-1886"


def granted(group: str) -> set[tuple[str, str]]:
    return set(
        Permission.objects.filter(group__name=group).values_list("content_type__app_label", "codename")
    )


@pytest.fixture
def consultation(grid) -> Consultation:
    now = timezone.now()
    return Consultation.objects.create(
        title="Test",
        slug="test",
        city=grid["C"],
        area=grid["C"],
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )


def staff(username: str, group: str) -> Client:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(user)
    return client


def create_staff(*args: str) -> str:
    """What ``manage.py create_staff ARGS --noinput`` prints."""
    out = StringIO()
    call_command("create_staff", *args, "--noinput", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_migration_gives_each_group_exactly_its_roles_permissions():
    # (post_migrate grants them after migrate, and again after a transactional test's flush)
    assert granted("planners") == set(roles.ROLES["planners"])
    assert granted("moderators") == set(roles.ROLES["moderators"])


@pytest.mark.django_db
def test_no_role_administers_users_or_sees_email_addresses(db):
    for group in ("planners", "moderators"):
        apps_granted = {app for app, _codename in granted(group)}
        assert "auth" not in apps_granted and "contenttypes" not in apps_granted
        assert ("participation", "view_personal_data") not in granted(group)


@pytest.mark.django_db
def test_running_it_again_changes_nothing_and_it_recreates_a_missing_group(db):
    before = {g: granted(g) for g in ("planners", "moderators")}
    roles.grant_roles()
    assert {g: granted(g) for g in ("planners", "moderators")} == before
    assert Group.objects.filter(name__in=["planners", "moderators"]).count() == 2

    Group.objects.filter(name="moderators").delete()
    roles.grant_roles()
    assert granted("moderators") == before["moderators"]


@pytest.mark.django_db
def test_a_moderator_sees_the_participation_admin_and_nothing_else(consultation):
    contribution = contribute(consultation, "idea", 500, 500, status="pending")
    client = staff("moderatorin", "moderators")

    index = client.get("/admin/").content.decode()
    assert "Beiträge" in index and "Moderationsvorgänge" in index
    assert "nicht die nötigen Rechte" not in index
    assert client.get("/admin/participation/contribution/").status_code == 200
    change = client.get(f"/admin/participation/contribution/{contribution.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' in change.content.decode()
    assert client.get("/admin/participation/consultation/").status_code == 200
    for forbidden in (
        "/admin/auth/user/",
        "/admin/auth/group/",
        "/admin/measures/measure/",
        "/admin/participation/consultation/add/",
    ):
        assert client.get(forbidden).status_code == 403, forbidden


@pytest.mark.django_db
def test_a_planner_edits_planning_data_and_only_reads_contributions(consultation):
    contribution = contribute(consultation, "idea", 500, 500, status="pending")
    client = staff("planerin", "planners")

    for url in (
        "/admin/measures/measure/add/",
        "/admin/measures/budgetline/add/",
        "/admin/measures/actionfield/add/",
        "/admin/measures/strategicgoal/add/",
        "/admin/measures/masterplan/add/",
        "/admin/planning/focusarea/add/",
        "/admin/participation/consultation/add/",
        "/admin/quartiere/area/",
    ):
        assert client.get(url).status_code == 200, url
    change = client.get(f"/admin/participation/contribution/{contribution.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()  # read only
    for forbidden in ("/admin/auth/user/", "/admin/quartiere/area/add/"):
        assert client.get(forbidden).status_code == 403, forbidden


@pytest.mark.django_db
def test_create_staff_makes_a_planner_who_can_sign_in(db, monkeypatch):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)
    out = create_staff("--role", "planner", "--username", "anna", "--email", "a@example.org")

    anna = User.objects.get(username="anna")
    assert anna.is_staff and not anna.is_superuser and anna.email == "a@example.org"
    assert list(anna.groups.values_list("name", flat=True)) == ["planners"]
    assert anna.has_perm("measures.change_measure") and not anna.has_perm("auth.view_user")
    signed_in = Client().post("/admin/login/", {"username": "anna", "password": PASSWORD, "next": "/admin/"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert "Created staff account 'anna' in planners." in out


@pytest.mark.django_db
def test_create_staff_asks_for_the_password_twice_until_they_match_and_are_strong(db, monkeypatch):
    answers = iter(["anders", "nicht gleich", "123", "123", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    err = StringIO()

    call_command("create_staff", "--role", "moderator", "--username", "frida", stdout=StringIO(), stderr=err)

    assert User.objects.get(username="frida").check_password(PASSWORD)
    assert "do not match" in err.getvalue() and "zu kurz" in err.getvalue()


@pytest.mark.django_db
def test_create_staff_gives_an_existing_account_a_second_role_and_keeps_its_password(db):
    User.objects.create_user("ben", password=PASSWORD)

    create_staff("--role", "moderator", "--username", "ben")
    create_staff("--role", "moderator", "--role", "planner", "--username", "ben")

    ben = User.objects.get(username="ben")
    assert ben.is_staff and sorted(ben.groups.values_list("name", flat=True)) == ["moderators", "planners"]
    assert ben.check_password(PASSWORD)


@pytest.mark.django_db
def test_create_staff_without_a_password_leaves_the_account_unusable_until_one_is_set(db, monkeypatch):
    monkeypatch.delenv("DJANGO_STAFF_PASSWORD", raising=False)
    out = create_staff("--role", "moderator", "--username", "carla")
    assert not User.objects.get(username="carla").has_usable_password()
    assert "changepassword carla" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [("123", "zu kurz"), ("password123", "zu üblich")],
)
def test_create_staff_refuses_a_weak_password_and_creates_nothing(monkeypatch, password, message):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        create_staff("--role", "planner", "--username", "dora")
    assert not User.objects.filter(username="dora").exists()


@pytest.mark.django_db
def test_create_staff_names_the_fix_when_the_group_is_missing(db):
    Group.objects.filter(name="planners").delete()
    with pytest.raises(CommandError, match="manage.py migrate"):
        create_staff("--role", "planner", "--username", "emil")
    assert not User.objects.filter(username="emil").exists()


def test_an_unknown_role_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        create_staff("--role", "admin", "--username", "x")
