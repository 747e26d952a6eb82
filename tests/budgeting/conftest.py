"""Fixtures for the participatory budget: hand-made budgets in the demo city, proposals with given
costs, ballots; a planner of Ludwigsburg and one of another city."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from budgeting.models import Ballot, BallotChoice, Budget, Feasibility, Phase, Proposal, Status
from geo.crs import STORAGE_SRID
from geo.permissions import MODERATORS, PLANNERS
from participation.models import Consultation
from quartiere.models import Area, Level
from staff.models import Membership
from tests.fixtures import user_in

SCHLOSS = (9.1956, 48.8997)  # lon/lat, in Mitte
STUTTGART = (9.1770, 48.7760)  # outside the city


@pytest.fixture
def city(demo) -> Area:
    return demo["08118048"]


@pytest.fixture
def planner(demo):
    return user_in("planerin", PLANNERS)


@pytest.fixture
def moderator(demo):
    return user_in("moderator", MODERATORS)


@pytest.fixture
def elsewhere(demo):
    """A planner scoped to another city (one made for the test)."""
    user = user_in("anderswo", PLANNERS)
    other = Area.objects.filter(level=Level.CITY).exclude(code="08118048").first()
    if other is None:
        region = Area.objects.get(level=Level.REGION)
        other = Area.objects.create(
            name="Anderswo", code="08118999", level=Level.CITY, parent=region, geom=region.geom
        )
    Membership.objects.create(user=user, city=other)
    return user


@pytest.fixture
def make_budget(city):
    def make(*, phase: str = Phase.VOTING, total: str = "100000", **fields: Any) -> Budget:
        now = timezone.now()
        n = Consultation.objects.count() + 1
        consultation = Consultation.objects.create(
            title=f"Haushalt {n}",
            slug=f"haushalt-{n}",
            city=city,
            area=city,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=30),
            pins=False,
        )
        return Budget.objects.create(
            consultation=consultation,
            city=city,
            total=Decimal(total),
            fiscal_year=2027,
            phase=phase,
            **fields,
        )

    return make


def proposal(
    budget: Budget,
    cost: str | None,
    *,
    title: str = "P",
    text: str = "Text",
    estimate: str = "1000",
    **fields,
) -> Proposal:
    """A published proposal at the Schloss; feasible at ``cost`` EUR, or unchecked when None."""
    values: dict[str, Any] = {
        "status": Status.PUBLISHED,
        "feasibility": Feasibility.FEASIBLE if cost is not None else Feasibility.UNCHECKED,
        "revised_cost": Decimal(cost) if cost is not None else None,
    }
    values.update(fields)
    point = Point(*SCHLOSS, srid=4326).transform(STORAGE_SRID, clone=True)
    return Proposal.objects.create(
        budget=budget,
        city=budget.city,
        title=title,
        text=text,
        geom=point,
        cost_estimate=Decimal(estimate),
        **values,
    )


def votes(budget: Budget, count: int, *proposals: Proposal) -> None:
    """``count`` ballots, each selecting ``proposals`` (written directly: the tally is under test)."""
    start = Ballot.objects.filter(budget=budget).count()
    ballots = Ballot.objects.bulk_create(
        Ballot(budget=budget, city=budget.city, browser=f"b-{budget.pk}-{start + n}") for n in range(count)
    )
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=b, proposal=p, budget=budget) for b in ballots for p in proposals
    )
