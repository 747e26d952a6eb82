"""The services ask the role themselves (geo.permissions.require), not only the API's permission classes
and the pages: a caller that skips those — the admin, a later page, a script with a user — still gets
403 from the service, and nothing changes. ``user`` None (a system write: the demo loader, a command)
passes. The permission matrix (test_permission_matrix.py) checks the ways in; this file the services."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from geo.errors import Forbidden
from geo.permissions import CITY_ADMINS, MODERATORS, PLANNERS
from measures import services as measures
from participation import moderation
from planning import services as planning
from tests.fixtures import geom, square
from tests.staff.conftest import staff_of
from tests.staff.test_permission_matrix import build_world, state

PLANNER_WRITES = {
    "measure create": lambda w, u: measures.measure_create(
        city=w["city"], title="Neu", geom=geom("POINT(350 350)"), user=u
    ),
    "measure update": lambda w, u: measures.measure_update(
        measure_id=w["measure"].pk, expected_versions=None, user=u, title="Anders"
    ),
    "measure delete": lambda w, u: measures.measure_delete(
        measure_id=w["measure"].pk, expected_versions=None, user=u
    ),
    "budget line create": lambda w, u: measures.budget_line_create(
        measure=w["measure"], fiscal_year=2027, amount=Decimal(5), kind="investment", user=u
    ),
    "budget line update": lambda w, u: measures.budget_line_update(
        budget_line_id=w["line"].pk, expected_versions=None, user=u, amount=Decimal(7)
    ),
    "budget line delete": lambda w, u: measures.budget_line_delete(
        budget_line_id=w["line"].pk, expected_versions=None, user=u
    ),
    "focus area create": lambda w, u: planning.focus_area_create(
        city=w["city"], name="Neu", geom=square(120, 120, 300, 300)[0], user=u
    ),
    "focus area update": lambda w, u: planning.focus_area_update(
        focus_area_id=w["focus"].pk, expected_versions=None, user=u, name="Anders"
    ),
    "focus area delete": lambda w, u: planning.focus_area_delete(
        focus_area_id=w["focus"].pk, expected_versions=None, user=u
    ),
}
MODERATOR_WRITES = {
    "moderate": lambda w, u: moderation.contribution_moderate(
        contribution_id=w["pending"].pk, action="publish", actor=u
    ),
    "dismiss flags": lambda w, u: moderation.flags_dismiss(contribution_id=w["flagged"].pk, actor=u),
}
RESPONDER_WRITES = {
    "response": lambda w, u: moderation.response_set(
        contribution_id=w["published"].pk, text="Danke", unit="Stadtplanung", outcome="considered", actor=u
    ),
    "link measures": lambda w, u: moderation.contribution_link_measures(
        contribution_id=w["published"].pk, measure_ids=[w["measure"].pk], actor=u
    ),
}
WRITES = {**PLANNER_WRITES, **MODERATOR_WRITES, **RESPONDER_WRITES}


def who(role: str, grid) -> User:
    group = {"citizen": None, "planner": PLANNERS, "moderator": MODERATORS, "city admin": CITY_ADMINS}[role]
    return staff_of(role.replace(" ", "-"), group, grid["C"] if group else None)


def may(role: str, write: str) -> bool:
    if write in PLANNER_WRITES:
        return role == "planner"
    if write in MODERATOR_WRITES:
        return role == "moderator"
    return role in ("planner", "moderator")


@pytest.mark.parametrize("role", ["citizen", "planner", "moderator", "city admin"])
@pytest.mark.parametrize("write", WRITES)
def test_each_service_asks_the_role_and_a_refusal_changes_nothing(grid, role, write):
    world = build_world(grid)
    user = who(role, grid)
    before = state()

    if may(role, write):
        WRITES[write](world, user)
        assert state() != before
    else:
        with pytest.raises(Forbidden):
            WRITES[write](world, user)
        assert state() == before


@pytest.mark.parametrize("write", WRITES)
def test_a_system_write_needs_no_role(grid, write):
    world = build_world(grid)
    before = state()

    WRITES[write](world, None)

    assert state() != before


def test_the_refusal_says_which_role_it_needs_in_german(grid):
    world = build_world(grid)

    with translation.override("de"), pytest.raises(Forbidden) as refused:
        PLANNER_WRITES["measure update"](world, who("moderator", grid))

    assert (
        refused.value.message
        == "Schreiben ist nur mit einem Konto in der Gruppe der Planerinnen und Planer möglich."
    )
