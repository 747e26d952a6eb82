"""Fixtures for the development plans: a grid of areas (EPSG:25832, helpers in tests/fixtures.py)
whose cities carry AGS codes, so that plans can find their city by AGS::

    region R: [-10 km, +10 km]²
    city C (AGS 08000001): x 0…2000, y 0…1000 — Quartiere A (x 0…1000) and B (x 1000…2000)
    city O (AGS 08000002): x 3000…4000          — Quartier D
"""

from collections.abc import Iterator

import pytest

from plans.models import DevelopmentPlan, DevelopmentPlanArea
from quartiere.models import Area, Level
from tests.fixtures import feature, import_areas, import_region, kept_for_the_module, square

C_AGS = "08000001"
O_AGS = "08000002"


def build_grid() -> None:
    import_region()
    import_areas(
        Level.CITY,
        feature(C_AGS, "Stadt", square(0, 0, 2000, 1000)),
        feature(O_AGS, "Andere", square(3000, 0, 4000, 1000)),
    )
    import_areas(
        Level.QUARTIER,
        feature("A", "Alpha", square(0, 0, 1000, 1000)),
        feature("B", "Beta", square(1000, 0, 2000, 1000)),
        feature("D", "Delta", square(3000, 0, 4000, 1000)),
    )


@pytest.fixture(scope="module")
def grid_module(django_db_setup, django_db_blocker) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker, build_grid):
        yield


@pytest.fixture
def grid(grid_module, db) -> dict[str, Area]:
    """The grid's areas by code: R, 08000001 (C), 08000002 (O), A, B, D."""
    return {area.code: area for area in Area.objects.filter(code__in=("R", C_AGS, O_AGS, "A", "B", "D"))}


def counts() -> tuple[int, int]:
    """(plans, links): what a refused import must leave alone."""
    return DevelopmentPlan.objects.count(), DevelopmentPlanArea.objects.count()
