"""Reads of the participatory budget: the tally (one SQL statement, sql/tally.sql) and the public
proposals as GeoJSON (EPSG:4326, built in PostGIS). Amounts in EUR."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from budgeting.models import Budget, Feasibility, Status
from geo.sql import load


@dataclass(frozen=True)
class Ranked:
    id: int
    title: str
    cost: Decimal  # the revised cost, EUR
    votes: int
    rank: int  # 1 = most votes
    funded: bool
    remaining: Decimal  # what remains of the total after this rank's decision, EUR


@dataclass(frozen=True)
class Tally:
    rows: list[Ranked]
    total: Decimal
    remaining: Decimal  # the total less the funded proposals' costs

    @property
    def funded(self) -> list[Ranked]:
        return [row for row in self.rows if row.funded]


def tally(budget: Budget) -> Tally:
    """Every published, feasible proposal of ``budget`` ranked by votes (ties: lower revised cost,
    then earlier proposal) and funded greedily within the total in rank order, skipping what does not
    fit (sql/tally.sql): one statement."""
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "tally"), {"budget": budget.pk})
        rows = [Ranked(*row) for row in cursor.fetchall()]
    return Tally(rows=rows, total=budget.total, remaining=rows[-1].remaining if rows else budget.total)


def proposals_geojson(budget: Budget, url_prefix: str) -> str:
    """The published proposals as a GeoJSON FeatureCollection (EPSG:4326), text; ``url_prefix`` + id
    + "/" is each one's page."""
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "proposals_geojson"), {"budget": budget.pk, "prefix": url_prefix})
        return cursor.fetchone()[0]


def ballot_options(budget: Budget):
    """The proposals a ballot may select: published and feasible, by title."""
    return budget.proposals.filter(status=Status.PUBLISHED, feasibility=Feasibility.FEASIBLE).order_by(
        "title", "id"
    )
