"""The region's permission matrix through the services the remaining pages call (processes, events,
surveys, participatory budgets, the moderation of comments, scenarios shared and adopted): each role
tied to Ludwigsburg or to the region × a record of Ludwigsburg, of a second city or of the region →
written, or refused (400/403/404) with nothing written (tests/staff/region_world.py). The pages and
the API call these same services with the signed-in user; their answers map the refusals below."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from budgeting import services as budgets
from discussion import services as discussion
from discussion.models import Comment
from events import services as events
from events.models import Event
from geo.errors import ServiceError
from participation.portal import services as portal
from scenarios import services as scenarios
from surveys import services as surveys
from tests.staff.region_world import Path, World, cases, check

PLANNER = frozenset({"planner"})
CITY_OWNERS = frozenset({"L", "T"})


def service(write: Callable[[World, str, Any], Any]):
    """A path calling ``write(world, owner, user)``: its refusals as the pages answer them."""

    def send(_client, w: World, owner: str):
        try:
            write(w, owner, w.user)
        except ServiceError as error:
            return SimpleNamespace(status_code=error.status, content=str(error.message).encode())
        except PermissionDenied as error:
            return SimpleNamespace(status_code=403, content=str(error).encode())
        except ValidationError as error:
            return SimpleNamespace(status_code=400, content=str(error).encode())
        return SimpleNamespace(status_code=201, content=b"")

    return send


def event(w: World, owner: str, user: Any) -> Event:
    later = timezone.now() + dt.timedelta(days=10)
    return events.event_create(
        consultation=w.get("consultation", owner), user=user, title="Werkstatt", kind="workshop",
        starts_at=later, ends_at=later + dt.timedelta(hours=2), place_name="Rathaus",
        geom=w.place(owner), capacity=3,
    )  # fmt: skip


def comment(w: World, owner: str, user: Any) -> Comment:
    if ("comment", owner) not in w.made:
        created = discussion.comment_create(
            target="contribution", target_id=w.get("published", owner).pk, text="Ja"
        )
        w.made["comment", owner] = created.comment
    found: Comment = w.made["comment", owner]
    action = "publish" if found.status == "pending" else "hide"
    return discussion.comment_moderate(comment_id=found.pk, action=action, actor=user)


def draft(w: World, owner: str) -> Any:
    if ("draft", owner) not in w.made:
        w.made["draft", owner] = scenarios.scenario_create(
            city=w.areas[owner], name="Entwurf", budget_year=2027
        )
    return w.made["draft", owner]


PATHS: dict[str, Path] = {
    "processes: create": Path(
        PLANNER,
        CITY_OWNERS,
        service(lambda w, o, u: portal.process_create(city=w.areas[o], title="Innenstadt 2030", user=u)),
        creates=True,
    ),
    "events: create": Path(PLANNER, CITY_OWNERS, service(event)),
    "surveys: create": Path(
        PLANNER,
        CITY_OWNERS,
        service(lambda w, o, u: surveys.survey_save(consultation_id=w.get("consultation", o).pk, user=u)),
    ),
    "budgets: create": Path(
        PLANNER,
        CITY_OWNERS,
        service(
            lambda w, o, u: budgets.budget_create(
                consultation_id=w.get("consultation", o).pk, total=Decimal(50_000), fiscal_year=2027, user=u
            )
        ),
    ),
    "comments: moderate": Path(frozenset({"moderator"}), CITY_OWNERS, service(comment)),
    "scenarios: share": Path(
        PLANNER,
        CITY_OWNERS,
        service(
            lambda w, o, u: scenarios.scenario_share(
                scenario_id=draft(w, o).pk, expected_version=None, user=u
            )
        ),
    ),
    "scenarios: adopt": Path(
        PLANNER,
        CITY_OWNERS,
        service(
            lambda w, o, u: scenarios.scenario_decide(
                scenario_id=w.get("scenario", o).pk,
                expected_version=None,
                user=u,
                outcome="adopted",
                decision="Beschlossen für den Haushalt 2027",
            )
        ),  # fmt: skip
    ),
}


def test_the_cases_cover_every_path():
    assert {name for name, _h, _o in cases(PATHS)} == set(PATHS)


@pytest.mark.parametrize(("name", "home", "owner"), cases(PATHS))
def test_staff_write_only_their_own_areas_records(demo, name, home, owner):
    check(PATHS, name, home, owner, demo)
