"""Helpers for the tests' hand-made data, shared by the measures and planning tests (their conftests
build their own grids from them): geometry on a metric grid in EPSG:25832 relative to (X0, Y0), near
Stuttgart (lon ≈ 9.0, lat ≈ 48.75); areas imported through ``area_import`` as users' imports are;
users in their groups; answers' JSON; data kept for a whole test module. The pytest fixtures built
on these (``planner``, ``planner_api``, ``citizen_api``, ``demo``) are in tests/conftest.py."""

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import shapely
import shapely.affinity
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.db import transaction

from quartiere.models import Level
from quartiere.services import SourceFeature, area_import

SRID = 25832
X0, Y0 = 500_000, 5_400_000


def square(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    """A rectangle relative to (X0, Y0), in EPSG:25832."""
    ring = ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))
    return MultiPolygon(Polygon([(X0 + x, Y0 + y) for x, y in ring]), srid=SRID)


def point(x: float, y: float) -> Point:
    """A point relative to (X0, Y0), in EPSG:25832."""
    return Point(X0 + x, Y0 + y, srid=SRID)


def geom(wkt: str) -> GEOSGeometry:
    """A geometry from WKT with coordinates relative to (X0, Y0), in EPSG:25832."""
    shifted = shapely.affinity.translate(shapely.from_wkt(wkt), X0, Y0)
    return GEOSGeometry(memoryview(shapely.to_wkb(shifted)), srid=SRID)


def utm_json(geometry: GEOSGeometry) -> dict:
    """A geometry as GeoJSON in EPSG:25832 (send it with ?srid=25832)."""
    return json.loads(geometry.json)


def feature(code: str, name: str, geometry: MultiPolygon, population: int | None = None) -> SourceFeature:
    """An area to import (``geometry`` in EPSG:25832)."""
    return SourceFeature(code=code, name=name, population=population, wkb=bytes(geometry.wkb))


def import_areas(level: Level, *features: SourceFeature) -> None:
    """Import ``features`` (EPSG:25832) as areas of ``level``; parents are found by location."""
    area_import(features=list(features), source_srid=SRID, level=level)


def import_region() -> None:
    """The region R, [-10 km, +10 km]² around (X0, Y0): the parent of every grid's cities."""
    import_areas(Level.REGION, feature("R", "Region", square(-10_000, -10_000, 10_000, 10_000)))


def user_in(name: str, group: str | None = None) -> User:
    """A user who can log in (password ``pw-for-tests-only``), in ``group`` if given."""
    user = User.objects.create_user(name, f"{name}@example.org", "pw-for-tests-only")
    if group:
        # get_or_create: a transactional test before this one may have flushed the migrated groups
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def body(response) -> Any:
    """An answer's JSON; None for an empty body."""
    return json.loads(response.content) if response.content else None


@contextmanager
def kept_for_the_module(django_db_blocker, build: Callable[[], object]) -> Iterator[None]:
    """For a module-scoped fixture: ``build`` runs inside a transaction that stays open while the
    module's tests run and is rolled back after them, like ``TestCase.setUpTestData``; each test's own
    transaction is a savepoint inside it. Don't mix with ``transactional_db``."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        build()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def page_config(html: str, element_id: str) -> Any:
    """The configuration a page hands its script: the ``json_script`` element ``element_id``."""
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script {element_id!r} in the page"
    return json.loads(match.group(1))
