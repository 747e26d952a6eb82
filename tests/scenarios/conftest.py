"""Fixtures for scenarios: the Ludwigsburg demo, a planner and a board member of the city, a planner
of another city, and a small scenario with one change of each kind."""

import os
from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from geo.permissions import PLANNERS, STRATEGY_BOARD
from measures.models import BudgetLine, Measure, MeasureStatus
from quartiere.models import Area, Level
from scenarios import services
from scenarios.models import Scenario
from staff.models import Membership
from tests.fixtures import user_in

# the browser tests assert that no request leaves 127.0.0.1: serve the live server there
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CITY = "08118048"
PAYLOAD = "{{ 6*7 }} {# <script>alert(1)</script>"
# a small polygon in Ludwigsburg-Nord, EPSG:4326 (GeoJSON as the map sends it)
NORD_SQUARE = (
    '{"type": "Polygon", "coordinates": [[[9.188, 48.904], [9.191, 48.904], [9.191, 48.906], '
    "[9.188, 48.906], [9.188, 48.904]]]}"
)


def member(name: str, group: str, city: Area):
    user = user_in(name, group)
    Membership.objects.create(user=user, city=city)
    return user


@pytest.fixture
def city(demo) -> Area:
    return demo[CITY]


@pytest.fixture
def other_city(city) -> Area:
    known = Area.objects.filter(level=Level.CITY, code="08118001").first()
    if known is not None:  # the demo has all the region's municipalities: the real Asperg
        return known
    square = Polygon.from_bbox((520_000, 5_380_000, 521_000, 5_381_000))
    square.srid = 25832
    return Area.objects.create(
        level=Level.CITY,
        parent=city.parent,
        code="08118001",
        name="Asperg",
        slug="asperg",
        geom=MultiPolygon(square),
    )


@pytest.fixture
def lb_planner(city):
    return member("lb-planner", PLANNERS, city)


@pytest.fixture
def board(city):
    return member("lb-board", STRATEGY_BOARD, city)


@pytest.fixture
def foreign_planner(other_city):
    return member("asperg-planner", PLANNERS, other_city)


def running_measures(city: Area, n: int) -> list[Measure]:
    """``n`` published measures of ``city`` under way that have budget lines in 2023 or later."""
    found = (
        Measure.objects.filter(city=city, published=True, budget_lines__fiscal_year__gte=2023)
        .exclude(status__in=[MeasureStatus.DONE, MeasureStatus.STOPPED])
        .distinct()
        .order_by("id")[:n]
    )
    measures = list(found)
    assert len(measures) == n
    return measures


@pytest.fixture
def scenario(city, lb_planner) -> Scenario:
    return services.scenario_create(city=city, name="Test 2023", budget_year=2023, user=lb_planner)


def fill(scenario: Scenario, user) -> dict:
    """One part of each kind: a new measure with a budget line, a postponed and a dropped measure, a
    changed, a removed and an added budget line. Returns the objects involved."""
    from quartiere.models import Area as A

    nord = A.objects.get(code=f"{CITY}-02")
    postponed, dropped, changed_m, removed_m, added_m = running_measures(scenario.city, 5)
    v = scenario.version
    proposed = services.proposed_measure_create(
        scenario_id=scenario.pk,
        expected_version=v,
        user=user,
        title="Pocket-Park Nord",
        scope=nord,
        dimensions=["green"],
        tags=["Grün"],
    )
    services.proposed_budget_line_create(
        proposed_measure_id=proposed.pk,
        expected_version=v + 1,
        user=user,
        fiscal_year=2023,
        amount="150000",
        kind="investment",
        funding="grant",
    )
    services.measure_change_create(
        scenario_id=scenario.pk,
        expected_version=v + 2,
        user=user,
        measure_id=postponed.pk,
        action="postpone",
        years=2,
    )
    services.measure_change_create(
        scenario_id=scenario.pk, expected_version=v + 3, user=user, measure_id=dropped.pk, action="drop"
    )
    changed_line = BudgetLine.objects.filter(measure=changed_m, fiscal_year__gte=2023).order_by("id").first()
    services.budget_line_change_create(
        scenario_id=scenario.pk,
        expected_version=v + 4,
        user=user,
        action="change",
        budget_line_id=changed_line.pk,
        amount="1234.50",
    )
    removed_line = BudgetLine.objects.filter(measure=removed_m, fiscal_year__gte=2023).order_by("id").first()
    services.budget_line_change_create(
        scenario_id=scenario.pk,
        expected_version=v + 5,
        user=user,
        action="remove",
        budget_line_id=removed_line.pk,
    )
    services.budget_line_change_create(
        scenario_id=scenario.pk,
        expected_version=v + 6,
        user=user,
        action="add",
        measure_id=added_m.pk,
        fiscal_year=2024,
        amount="5000",
        kind="maintenance",
        funding="own",
    )
    scenario.refresh_from_db()
    return {
        "proposed": proposed,
        "postponed": postponed,
        "dropped": dropped,
        "changed_line": changed_line,
        "removed_line": removed_line,
        "added_to": added_m,
        "amount": Decimal("1234.50"),
    }
