"""Who may see and do what with scenarios — the one rule every scenario page, export and service asks.

- planners acting in the scenario's city (``staff.scope``) compose, share, decide and read every
  scenario of the city, drafts included;
- strategy board members (``geo.permissions.STRATEGY_BOARD``) of the city read the scenarios shared
  with the board (and those decided after being shared) and comment on them; they change nothing;
- everybody else sees nothing (a scenario is not public before its decision is published as measures).
"""

from typing import Any

from django.db.models import QuerySet

from geo.permissions import is_board_member, is_planner
from scenarios.models import Scenario, State
from staff.scope import acts_in, cities_of

BOARD_STATES = (State.SHARED, State.ADOPTED, State.REJECTED)


def can_compose(user: Any, city_id: int | None) -> bool:
    """Whether ``user`` may create and change scenarios of the city ``city_id`` (None: a system write)."""
    return user is None or (is_planner(user) and acts_in(user, city_id))


def can_read(user: Any, scenario: Scenario) -> bool:
    if can_compose(user, scenario.city_id):
        return True
    return is_board_member(user) and acts_in(user, scenario.city_id) and scenario.state in BOARD_STATES


def can_comment(user: Any, scenario: Scenario) -> bool:
    """Board members and planners of the city comment on a scenario once it is shared."""
    return user is not None and scenario.state in BOARD_STATES and can_read(user, scenario)


def readable(user: Any) -> QuerySet[Scenario]:
    """The scenarios ``user`` may read (for lists and lookups by id: anything else is a 404)."""
    scenarios = Scenario.objects.all()
    if not (is_planner(user) or is_board_member(user)):
        return scenarios.none()
    cities = cities_of(user)
    if cities is not None:
        scenarios = scenarios.filter(city_id__in=cities)
    if not is_planner(user):
        scenarios = scenarios.filter(state__in=BOARD_STATES)
    return scenarios
