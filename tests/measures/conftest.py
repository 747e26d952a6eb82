"""Fixtures for the measures tests: a grid of square areas with known sizes (imported through
``area_import``, EPSG:25832; helpers in tests/fixtures.py) and the Ludwigsburg demo areas by name.
API clients by role are in tests/conftest.py.

The grid, in metres from (X0, Y0) (near Stuttgart, lon ≈ 9.0, lat ≈ 48.75)::

    region R: [-10 km, +10 km]²
    city C:  x 0…2000, y 0…1000  — Quartiere A (x 0…1000) and B (x 1000…2000)
    city O:  x 3000…4000          — Quartier D
"""

from collections.abc import Iterator

import pytest

from measures.models import BudgetLine, Measure, MeasureArea
from quartiere.models import Area, Level
from tests.fixtures import feature, import_areas, import_region, kept_for_the_module, square


def import_quartiere(boundary: float = 1000) -> None:
    """(Re-)import the Quartiere, A and B meeting at x = ``boundary``."""
    import_areas(
        Level.QUARTIER,
        feature("A", "Alpha", square(0, 0, boundary, 1000)),
        feature("B", "Beta", square(boundary, 0, 2000, 1000)),
        feature("D", "Delta", square(3000, 0, 4000, 1000)),
    )


def build_grid() -> None:
    import_region()
    import_areas(
        Level.CITY,
        feature("C", "Stadt", square(0, 0, 2000, 1000)),
        feature("O", "Andere", square(3000, 0, 4000, 1000)),
    )
    import_quartiere()


GRID_CODES = ("R", "C", "O", "A", "B", "D")


@pytest.fixture(scope="module")
def grid_module(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The grid, imported once per test module inside a transaction rolled back after it (like the
    demo in tests/conftest.py). Don't mix with ``transactional_db``: use ``build_grid`` there."""
    with kept_for_the_module(django_db_blocker, build_grid):
        yield


@pytest.fixture
def grid(grid_module, db) -> dict[str, Area]:
    """The grid's areas by code: R, C, O, A, B, D. Changes a test makes are rolled back after it."""
    return {area.code: area for area in Area.objects.filter(code__in=GRID_CODES)}


def counts() -> dict[str, int]:
    """Rows that a rejected write must leave alone."""
    return {
        "measures": Measure.objects.count(),
        "budget_lines": BudgetLine.objects.count(),
        "links": MeasureArea.objects.count(),
        "measure_history": Measure.history.count(),
        "budget_line_history": BudgetLine.history.count(),
    }


@pytest.fixture
def areas(demo) -> dict[str, Area]:
    """The demo areas of Ludwigsburg by name: 'Verband Region Stuttgart', 'Ludwigsburg', 'Mitte', …
    (the region, the city and its Quartiere; the other cities and their Quartiere, e.g.
    Kornwestheim's Mitte, are in ``demo`` by code)."""
    ludwigsburg = Area.objects.get(level=2, code="08118048")
    mine = Area.objects.filter(level=1) | Area.objects.filter(pk=ludwigsburg.pk) | ludwigsburg.children.all()
    return {area.name: area for area in mine}
