"""Fixtures for the measures tests: a grid of square areas with known sizes (imported through
``area_import``, EPSG:25832), the Ludwigsburg demo areas by name, and API clients by role.

The grid, in metres from (X0, Y0) (near Stuttgart, lon ≈ 9.0, lat ≈ 48.75)::

    region R: [-10 km, +10 km]²
    city C:  x 0…2000, y 0…1000  — Quartiere A (x 0…1000) and B (x 1000…2000)
    city O:  x 3000…4000          — Quartier D
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
import shapely
import shapely.affinity
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction
from rest_framework.test import APIClient

from measures.models import BudgetLine, Measure, MeasureArea
from quartiere.models import Area, Level
from quartiere.services import SourceFeature, area_import
from tests.measures.factories import PlannerFactory, UserFactory

SRID = 25832
X0, Y0 = 500_000, 5_400_000


def square(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    """A rectangle relative to (X0, Y0), in EPSG:25832."""
    ring = ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))
    return MultiPolygon(Polygon([(X0 + x, Y0 + y) for x, y in ring]), srid=SRID)


def geom(wkt: str) -> GEOSGeometry:
    """A geometry from WKT with coordinates relative to (X0, Y0), in EPSG:25832."""
    shifted = shapely.affinity.translate(shapely.from_wkt(wkt), X0, Y0)
    return GEOSGeometry(memoryview(shapely.to_wkb(shifted)), srid=SRID)


def feature(code: str, name: str, geom: MultiPolygon) -> SourceFeature:
    return SourceFeature(code=code, name=name, population=None, wkb=bytes(geom.wkb))


def import_quartiere(boundary: float = 1000) -> None:
    """(Re-)import the Quartiere, A and B meeting at x = ``boundary``."""
    area_import(
        features=[
            feature("A", "Alpha", square(0, 0, boundary, 1000)),
            feature("B", "Beta", square(boundary, 0, 2000, 1000)),
            feature("D", "Delta", square(3000, 0, 4000, 1000)),
        ],
        source_srid=SRID,
        level=Level.QUARTIER,
    )


def build_grid() -> None:
    area_import(
        features=[feature("R", "Region", square(-10_000, -10_000, 10_000, 10_000))],
        source_srid=SRID,
        level=Level.REGION,
    )
    area_import(
        features=[
            feature("C", "Stadt", square(0, 0, 2000, 1000)),
            feature("O", "Andere", square(3000, 0, 4000, 1000)),
        ],
        source_srid=SRID,
        level=Level.CITY,
    )
    import_quartiere()


GRID_CODES = ("R", "C", "O", "A", "B", "D")


@pytest.fixture(scope="module")
def grid_module(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The grid, imported once per test module inside a transaction rolled back after it (like the
    demo in tests/conftest.py). Don't mix with ``transactional_db``: use ``build_grid`` there."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        build_grid()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def grid(grid_module, db) -> dict[str, Area]:
    """The grid's areas by code: R, C, O, A, B, D. Changes a test makes are rolled back after it."""
    return {area.code: area for area in Area.objects.filter(code__in=GRID_CODES)}


def utm_json(kind: str, coordinates: Any) -> dict:
    """A GeoJSON geometry with coordinates relative to (X0, Y0) (send it with ?srid=25832)."""

    def shift(c: Any) -> Any:
        if isinstance(c[0], int | float):
            return [X0 + c[0], Y0 + c[1]]
        return [shift(part) for part in c]

    return {"type": kind, "coordinates": shift(coordinates)}


def counts() -> dict[str, int]:
    """Rows that a rejected write must leave alone."""
    return {
        "measures": Measure.objects.count(),
        "budget_lines": BudgetLine.objects.count(),
        "links": MeasureArea.objects.count(),
        "measure_history": Measure.history.count(),
        "budget_line_history": BudgetLine.history.count(),
    }


def body(response) -> Any:
    return json.loads(response.content)


@pytest.fixture
def areas(demo) -> dict[str, Area]:
    """The demo areas by name: 'Verband Region Stuttgart', 'Ludwigsburg', 'Mitte', …"""
    return {area.name: area for area in Area.objects.all()}


@pytest.fixture
def planner(db):
    return PlannerFactory()


@pytest.fixture
def planner_api(planner) -> APIClient:
    client = APIClient()
    client.force_authenticate(planner)
    return client


@pytest.fixture
def citizen_api(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client
