"""Where signing in at /planung/anmelden/ without ``next`` lands: the start page of the person's role
(staff.views.start_page, the same as after accepting an invitation), a page they may open."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from geo.permissions import CITY_ADMINS, MODERATORS, PLANNERS, STRATEGY_BOARD
from tests.fixtures import user_in


def person(name: str, *groups: str):
    user = user_in(name)
    user.groups.add(*(Group.objects.get_or_create(name=g)[0] for g in groups))
    return user


def sign_in(username: str) -> tuple[Client, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/planung/anmelden/", {"username": username, "password": "pw-for-tests-only"})
    assert response.status_code == 302, response.status_code
    return client, response["Location"]


@pytest.mark.parametrize(
    ("groups", "landing"),
    [
        ((MODERATORS,), "/moderation/"),
        ((CITY_ADMINS,), "/planung/team/"),
        ((MODERATORS, CITY_ADMINS), "/moderation/"),
        ((STRATEGY_BOARD,), "/planung/szenarien/"),
        ((), "/"),
    ],
    ids=["moderator", "city admin", "moderator and city admin", "strategy board", "citizen"],
)
def test_without_next_each_role_lands_on_its_start_page_and_may_open_it(demo, groups, landing):
    person("someone", *groups)

    client, location = sign_in("someone")

    assert location == landing
    assert client.get(location).status_code == 200


def test_a_planner_who_is_also_city_admin_lands_where_planners_land(db):
    person("planner", PLANNERS)
    person("both", PLANNERS, CITY_ADMINS)
    assert sign_in("both")[1] == sign_in("planner")[1] != "/planung/team/"
