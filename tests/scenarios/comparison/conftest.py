"""A small hand-made city for the comparison (docs/scenarios.md, "Comparison" works it through).
Geometry in EPSG:25832 relative to (X0, Y0) (tests/fixtures.py).

    city C:   x 0…3000, y 0…1000 — Quartiere A (x 0…1000, 1,000 inhabitants), B (1000…2000, 2,000),
              Q (2000…3000, 4,000)
    demand:   2 problems in A, 3 in B (per 1,000: A 2.0, B 1.5, Q 0 → normalised 1, 0.75, 0)

    published measures and their budget lines (EUR):
      M1 green, square in A          2023 investment own 100,000 · 2024 maintenance grant 50,000
      M2 just, half in A, half in B  2023 investment complementary 40,000 · 2024 investment own 60,000
      M3 just+green, point in Q      2023 maintenance own 30,000
      M4 productive, city-wide       2024 operating own 20,000
      M5 green in B, unpublished     2023 investment own 1,000,000 (never counted)

    scenario S (budget 2023, shared with the board): drops M3 (its planned 2023 line), postpones M4 by
    one year, changes M1's 2023 line to 80,000 from grants, removes M2's 2024 line, adds a 2025
    maintenance line of 10,000 to M2 and proposes P1 (just, square in B: 2024 investment grant
    200,000 · 2025 maintenance complementary 20,000).
    scenario T (draft): proposes P2 (green, point in Q: 2024 investment own 500,000).
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from measures.services import budget_line_create, measure_create
from participation.models import Consultation, Contribution
from participation.services import contribution_links
from quartiere import linking
from quartiere.models import Area, Level
from scenarios.models import (
    BudgetLineChange,
    MeasureChange,
    ProposedBudgetLine,
    ProposedMeasure,
    ProposedMeasureArea,
    Scenario,
)
from tests.fixtures import feature, import_areas, import_region, kept_for_the_module, point, square

PROPOSED_LINKS = linking.LinkTarget.for_models(
    ProposedMeasure, ProposedMeasureArea, fk="proposed_measure", scope="scope"
)


@pytest.fixture(autouse=True)
def index_settings(settings):
    """The index's weights and gap thresholds the expected gaps are computed with."""
    settings.PLANNING_PRIORITY_WEIGHTS = {"demand": 0.5, "supply": 0.3, "coverage": 0.2}
    settings.PLANNING_CATEGORY_WEIGHTS = {"problem": 1.0, "idea": 0.75, "question": 0.5, "praise": 0.25}
    settings.PLANNING_GAP_MIN_DEMAND = 0.5
    settings.PLANNING_GAP_MIN_DIFFERENCE = 0.25


def _measure(city, title, geom, dimensions, lines, *, scope=None, published=True):
    m = measure_create(
        city=city,
        title=title,
        geom=geom,
        scope=scope,
        dimensions=dimensions,
        published=published,
        status="planned",
    )
    made = [
        budget_line_create(measure=m, fiscal_year=y, amount=Decimal(a), kind=k, funding=f)
        for y, a, k, f in lines
    ]
    return m, made


def proposed(scenario, title, geom, dimensions, lines, *, scope=None) -> ProposedMeasure:
    p = ProposedMeasure.objects.create(
        scenario=scenario, title=title, geom=geom, scope=scope, dimensions=dimensions
    )
    for y, a, k, f in lines:
        ProposedBudgetLine.objects.create(
            proposed_measure=p, fiscal_year=y, amount=Decimal(a), kind=k, funding=f
        )
    linking.links_refresh(PROPOSED_LINKS, ids=[p.pk])
    return p


def build_case() -> dict[str, Any]:
    import_region()
    import_areas(Level.CITY, feature("C", "Teststadt", square(0, 0, 3000, 1000), 7000))
    import_areas(
        Level.QUARTIER,
        feature("A", "Alpha", square(0, 0, 1000, 1000), 1000),
        feature("B", "Beta", square(1000, 0, 2000, 1000), 2000),
        feature("Q", "Quelle", square(2000, 0, 3000, 1000), 4000),
    )
    areas = {a.code: a for a in Area.objects.all()}
    city = areas["C"]
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Test",
        slug="test",
        city=city,
        area=city,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    for x in (100, 200, 1100, 1200, 1300):
        Contribution.objects.create(
            consultation=consultation,
            city=city,
            geom=point(x, 700),
            text="x",
            category="problem",
            status="published",
        )
    linking.links_refresh(contribution_links())

    m1, m1_lines = _measure(
        city,
        "M1",
        square(100, 100, 300, 300),
        ["green"],
        [(2023, 100_000, "investment", "own"), (2024, 50_000, "maintenance", "grant")],
    )
    m2, m2_lines = _measure(
        city,
        "M2",
        square(800, 200, 1200, 400),
        ["just"],
        [(2023, 40_000, "investment", "complementary"), (2024, 60_000, "investment", "own")],
    )
    m3, _ = _measure(city, "M3", point(2500, 500), ["just", "green"], [(2023, 30_000, "maintenance", "own")])
    m4, _ = _measure(city, "M4", None, ["productive"], [(2024, 20_000, "operating", "own")], scope=city)
    _measure(
        city,
        "M5",
        square(1500, 500, 1600, 600),
        ["green"],
        [(2023, 1_000_000, "investment", "own")],
        published=False,
    )

    s = Scenario.objects.create(city=city, name="Szenario S", budget_year=2023, state="shared")
    MeasureChange.objects.create(scenario=s, measure=m3, action="drop")
    MeasureChange.objects.create(scenario=s, measure=m4, action="postpone", years=1)
    BudgetLineChange.objects.create(
        scenario=s, action="change", budget_line=m1_lines[0], amount=Decimal(80_000), funding="grant"
    )
    BudgetLineChange.objects.create(scenario=s, action="remove", budget_line=m2_lines[1])
    BudgetLineChange.objects.create(
        scenario=s,
        action="add",
        measure=m2,
        fiscal_year=2025,
        amount=Decimal(10_000),
        kind="maintenance",
        funding="own",
    )
    p1 = proposed(
        s,
        "P1",
        square(1300, 300, 1500, 500),
        ["just"],
        [(2024, 200_000, "investment", "grant"), (2025, 20_000, "maintenance", "complementary")],
    )
    t = Scenario.objects.create(city=city, name="Szenario T", budget_year=2024, state="draft")
    p2 = proposed(t, "P2", point(2600, 600), ["green"], [(2024, 500_000, "investment", "own")])
    empty = Scenario.objects.create(city=city, name="Leer", budget_year=2024, state="shared")
    # another city D (x 0…1000, y 2000…3000) with one Quartier and a shared scenario of its own
    import_areas(Level.CITY, feature("D", "Anderstadt", square(0, 2000, 1000, 3000), 500))
    import_areas(Level.QUARTIER, feature("DQ", "Delta", square(0, 2000, 1000, 3000), 500))
    other = Area.objects.get(code="D")
    elsewhere = Scenario.objects.create(city=other, name="Anderswo", budget_year=2024, state="shared")
    return {
        **areas,
        "D": other,
        "city": city,
        "S": s,
        "T": t,
        "empty": empty,
        "elsewhere": elsewhere,
        "M1": m1,
        "M2": m2,
        "M3": m3,
        "M4": m4,
        "P1": p1,
        "P2": p2,
    }


@pytest.fixture
def case(db) -> dict[str, Any]:
    """The case built for one test (browser tests: their live server needs committed rows)."""
    return build_case()


@pytest.fixture(scope="module")
def case_module(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    built: dict[str, Any] = {}
    with kept_for_the_module(django_db_blocker, lambda: built.update(build_case())):
        yield built


@pytest.fixture
def known(case_module, db) -> dict[str, Any]:
    """The case, built once per test module (each test's changes are rolled back after it)."""
    return case_module
