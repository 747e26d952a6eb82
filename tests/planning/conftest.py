"""Fixtures for planning: a small hand-made city whose priority index is known (docs/priorities.md
works it through) and helpers. Geometry in EPSG:25832, relative to (X0, Y0) (tests/fixtures.py);
users and API clients by role are in tests/conftest.py.

    region R: [-10 km, +10 km]²
    city C:   x 0…3000, y 0…1000 — Quartiere A (x 0…1000, 1,000 inhabitants), B (1000…2000, 2,000),
              Q (2000…3000, 4,000); each 1 km²
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from measures.services import budget_line_create, measure_create
from participation.models import Consultation, Contribution
from participation.services import contribution_links
from planning.models import FocusArea, FocusAreaArea
from planning.services import focus_area_create
from quartiere import linking
from quartiere.models import Area, Level
from tests.fixtures import feature, import_areas, import_region, point, square

WEIGHTS = {"demand": 0.5, "supply": 0.3, "coverage": 0.2}
CATEGORY_WEIGHTS = {"problem": 1.0, "idea": 0.75, "question": 0.5, "praise": 0.25}


@pytest.fixture(autouse=True)
def default_weights(settings):
    """The weights the known results below are computed with (independent of the settings file)."""
    settings.PLANNING_PRIORITY_WEIGHTS = dict(WEIGHTS)
    settings.PLANNING_CATEGORY_WEIGHTS = dict(CATEGORY_WEIGHTS)
    settings.PLANNING_GAP_MIN_DEMAND = 0.5
    settings.PLANNING_GAP_MIN_DIFFERENCE = 0.25


@pytest.fixture
def grid(db) -> dict[str, Area]:
    """The grid's areas by code: R, C, A, B, Q."""
    import_region()
    import_areas(Level.CITY, feature("C", "Teststadt", square(0, 0, 3000, 1000), 7000))
    import_areas(
        Level.QUARTIER,
        feature("A", "Alpha", square(0, 0, 1000, 1000), 1000),
        feature("B", "Beta", square(1000, 0, 2000, 1000), 2000),
        feature("Q", "Quelle", square(2000, 0, 3000, 1000), 4000),
    )
    return {area.code: area for area in Area.objects.all()}


def contribute(consultation: Consultation, category: str, x: float, y: float, status: str = "published"):
    return Contribution.objects.create(
        consultation=consultation,
        city=consultation.city,
        geom=point(x, y),
        text=f"{category} at {x},{y}",
        category=category,
        status=status,
    )


def measure(city: Area, title: str, geom, dimensions, budget: int, published: bool = True, scope=None):
    m = measure_create(
        city=city,
        title=title,
        geom=geom,
        scope=scope,
        dimensions=dimensions,
        published=published,
        status="planned",
    )
    budget_line_create(measure=m, fiscal_year=2024, amount=Decimal(budget), kind="investment")
    return m


@pytest.fixture
def known(grid) -> dict[str, Any]:
    """The hand-made data set of docs/priorities.md ("A worked example")."""
    city = grid["C"]
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Test",
        slug="test",
        city=city,
        area=city,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    for category, x in (("problem", 100), ("problem", 200), ("praise", 300)):
        contribute(consultation, category, x, 500)
    contribute(consultation, "problem", 400, 500, status="pending")  # not published: ignored
    for x in (1100, 1200):
        contribute(consultation, "idea", x, 500)
    for x in (2100, 2200, 2300, 2400):
        contribute(consultation, "question", x, 500)
    linking.links_refresh(contribution_links())

    measure(city, "M1", square(1200, 200, 1400, 400), ["green"], 200_000)
    measure(city, "M2", square(800, 200, 1200, 400), ["green"], 100_000)  # half in A, half in B
    measure(city, "M3", point(2500, 500), ["just"], 400_000)
    measure(city, "M4", square(100, 100, 200, 200), ["green"], 1_000_000, published=False)
    measure(city, "M5", None, ["green"], 1_000_000, scope=city)  # city-wide: no Quartier's supply

    focus_area_create(
        city=city, name="F1", geom=square(2000, 0, 2500, 1000), dimensions=["green"], published=True
    )
    focus_area_create(
        city=city, name="F2", geom=square(0, 0, 1000, 1000), dimensions=["green"], published=False
    )
    focus_area_create(
        city=city, name="F3", geom=square(0, 0, 1000, 1000), dimensions=["just"], published=True
    )
    return {"city": city, "consultation": consultation, **grid}


def counts() -> dict[str, int]:
    """Rows a rejected write must leave alone."""
    return {
        "focus_areas": FocusArea.objects.count(),
        "links": FocusAreaArea.objects.count(),
        "history": FocusArea.history.count(),
    }
