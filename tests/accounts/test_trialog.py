"""The Trialog's verified roles: city admins verify a citizen account as council or advisory-board
member of their city only (on /planung/team/, logged as a StaffEvent); such a member's contribution is
marked (``trialog_role``; a council member's counts as the council's origin) on the contribution page,
the map API and the account's page."""

import json

import pytest
from django.test import Client

from geo.permissions import CITY_ADMINS, PLANNERS
from participation import moderation
from participation.models import Contribution, Origin
from quartiere.models import Area, Level
from staff.models import Membership, StaffEvent, TrialogRole
from tests.accounts.conftest import account
from tests.fixtures import feature, import_areas, square
from tests.participation.conftest import client_for, post, user_in

pytestmark = pytest.mark.django_db


def admin_of(name: str, city: Area):
    user = user_in(name, CITY_ADMINS)
    Membership.objects.create(user=user, city=city)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user, client


@pytest.fixture
def other_city(city) -> Area:
    import_areas(Level.CITY, feature("08118999", "Andere Stadt", square(12_000, 1_500, 14_000, 3_500)))
    return Area.objects.get(code="08118999")


def test_a_city_admin_verifies_in_their_city_only(city, other_city):
    anna = account("anna")
    admin, client = admin_of("admin-lb", city)
    _other, other_client = admin_of("admin-x", other_city)
    form = {"email": "Anna@example.org", "kind": "council", "city": str(city.pk)}
    # the admin of another city may not verify anyone for this one
    assert other_client.post("/planung/team/trialog/", form).status_code == 403
    # nor may a planner, even of this city
    planner = user_in("planer", PLANNERS)
    Membership.objects.create(user=planner, city=city)
    planner_client = Client()
    planner_client.force_login(planner, backend="django.contrib.auth.backends.ModelBackend")
    assert planner_client.post("/planung/team/trialog/", form).status_code == 403
    assert not TrialogRole.objects.exists()

    answer = client.post("/planung/team/trialog/", form)
    assert answer.status_code == 303
    role = TrialogRole.objects.get()
    assert (role.user, role.city, role.kind, role.verified_by) == (anna, city, "council", admin)
    event = StaffEvent.objects.get(action=StaffEvent.Action.TRIALOG_VERIFY)
    assert (event.actor, event.subject, event.city) == (admin, anna, city)
    page = client.get("/planung/team/").content.decode()
    assert "anna@example.org" in page and "Gemeinderat" in page

    # the other city's admin cannot withdraw it either; this city's can
    assert other_client.post(f"/planung/team/trialog/{role.pk}/entziehen/").status_code == 403
    assert client.post(f"/planung/team/trialog/{role.pk}/entziehen/").status_code == 303
    assert not TrialogRole.objects.exists()
    assert StaffEvent.objects.filter(action=StaffEvent.Action.TRIALOG_REVOKE, subject=anna).exists()
    assert client.post("/planung/team/trialog/999999/entziehen/").status_code == 404


BAD = [
    ({"email": "niemand@example.org", "kind": "council"}, "email"),
    ({"email": "unbestaetigt@example.org", "kind": "council"}, "email"),
    ({"email": "anna@example.org", "kind": "mayor"}, "kind"),
    ({"email": "anna@example.org", "kind": "council", "city": "abc"}, "city"),
    ({"email": "anna@example.org", "kind": "council", "city": "9" * 30}, "city"),
    ({"email": "{{ 6*7 }}<script>", "kind": "council"}, "email"),
]


def test_bad_verifications_are_refused_beside_the_field(city):
    account("anna")
    account("unbestaetigt", verified=False)
    _admin, client = admin_of("admin-lb", city)
    for form, field in BAD:
        answer = client.post("/planung/team/trialog/", {"city": str(city.pk), **form})
        html = answer.content.decode()
        assert answer.status_code == 400, form
        assert f'id="trialog-{field}-error"' in html, form
        assert "<script>" not in html.split('id="trialog-heading"')[1].split("</section>")[0]
    assert not TrialogRole.objects.exists()
    assert not StaffEvent.objects.exists()


def test_a_members_contribution_is_marked(city, consultation):
    anna, bert, carla = account("anna"), account("bert"), account("carla")
    TrialogRole.objects.create(user=anna, city=city, kind="council")
    TrialogRole.objects.create(user=bert, city=city, kind="advisory_board")
    mod = user_in("mod", "moderators")
    made = {}
    for user in (anna, bert, carla):
        answer = post(client_for(user), consultation, text=f"Von {user.username}")
        assert answer.status_code == 201
        made[user.username] = Contribution.objects.get(pk=json.loads(answer.content)["id"])
        moderation.contribution_moderate(contribution_id=made[user.username].pk, action="publish", actor=mod)
    marks = {name: (c.origin, c.trialog_role) for name, c in made.items()}
    assert marks == {
        "anna": (Origin.COUNCIL, "council"),
        "bert": (Origin.CIVIL_SOCIETY, "advisory_board"),
        "carla": (Origin.CIVIL_SOCIETY, ""),
    }
    # the public page and the map's API show the mark, never the account
    page = Client().get(f"/karte/beitraege/{made['anna'].pk}/").content.decode()
    assert "Trialog" in page and "Gemeinderat" in page and "anna@example.org" not in page
    page = Client().get(f"/karte/beitraege/{made['bert'].pk}/").content.decode()
    assert "Strategiebeirat" in page
    assert "Trialog" not in Client().get(f"/karte/beitraege/{made['carla'].pk}/").content.decode()
    features = json.loads(Client().get(f"/api/contributions/?consultation={consultation.pk}").content)[
        "features"
    ]
    roles = {f["properties"]["text"]: f["properties"]["trialog_role"] for f in features}
    assert roles == {"Von anna": "council", "Von bert": "advisory_board", "Von carla": None}
    assert "anna@example.org" not in json.dumps(features)
    # in another city the role counts for nothing
    TrialogRole.objects.filter(user=anna).delete()
    answer = post(client_for(anna), consultation, text="Wieder privat")
    c = Contribution.objects.get(pk=json.loads(answer.content)["id"])
    assert (c.origin, c.trialog_role) == (Origin.CIVIL_SOCIETY, "")


def test_the_command_verifies_and_withdraws(city):
    from io import StringIO

    from django.core.management import CommandError, call_command

    anna = account("anna")
    out = StringIO()
    call_command(
        "staff", "trialog", "anna@example.org", "--city", city.code, "--role", "advisory_board", stdout=out
    )
    assert TrialogRole.objects.get(user=anna).kind == "advisory_board"
    with pytest.raises(CommandError):
        call_command("staff", "trialog", "niemand@example.org", "--city", city.code, stdout=out)
    call_command("staff", "trialog", "anna@example.org", "--city", city.code, "--withdraw", stdout=out)
    assert not TrialogRole.objects.exists()
    assert StaffEvent.objects.filter(actor_name="system").count() == 2
