"""Helpers for the tests' hand-made data, shared by the measures and planning tests (their conftests
build their own grids from them): geometry on a metric grid in EPSG:25832 relative to (X0, Y0), near
Stuttgart (lon ≈ 9.0, lat ≈ 48.75); areas imported through ``area_import`` as users' imports are;
users in their groups; answers' JSON; data kept for a whole test module. The pytest fixtures built
on these (``planner``, ``planner_api``, ``citizen_api``, ``demo``) are in tests/conftest.py."""

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import shapely
import shapely.affinity
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.core.management import call_command
from django.db import connection, transaction

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


# The tables that a flush leaves filled, because post_migrate fills them again at once (content types,
# permissions, the staff groups, the priority snapshots' state row).
REFILLED_AFTER_FLUSH = frozenset(
    {
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
        "planning_prioritysnapshotstate",
    }
)
# per test database and state of the refilled tables: every table's rows right after load_demo
_DEMO_SNAPSHOTS: dict[tuple[str, tuple[int, ...]], list[tuple[str, bytes]]] = {}


def load_demo_committed() -> None:
    """``manage.py load_demo`` for a transactional test (the demo committed, so a live server and
    Mapnik see it) in ≈0.4 s instead of ≈2.5 s: in a database as a flush leaves it, the first load in
    each test process is copied out (binary ``COPY`` of every table), and later loads in the same state
    copy it back in — every table emptied and refilled in one transaction, the deferred foreign keys
    checked at its end, the data-version triggers firing as for any write. Rows keep the ids of that
    first load; the sequences are moved past them. Any other state (the migrated database of a
    process's first transactional test, or rows a test wrote first) gets a real ``load_demo``."""
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    counts = _row_counts(tables)
    clean = all(n == 0 for table, n in zip(tables, counts, strict=True) if table not in REFILLED_AFTER_FLUSH)
    key = (connection.settings_dict["NAME"], counts)
    snapshot = _DEMO_SNAPSHOTS.get(key) if clean else None
    if snapshot is None:
        call_command("load_demo", stdout=StringIO())
        if clean:
            _DEMO_SNAPSHOTS[key] = _copy_out(tables)
        return
    quoted = [connection.ops.quote_name(table) for table in tables]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"TRUNCATE {', '.join(quoted)}")
        for table, data in snapshot:
            with cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(table)} FROM STDIN (FORMAT binary)"
            ) as copy:
                copy.write(data)
        _sequences_past_the_rows(cursor, [table for table, _ in snapshot])
    ContentType.objects.clear_cache()  # the content types are back with the ids of the first load


def _sequences_past_the_rows(cursor, tables: list[str]) -> None:
    """Move each sequence of ``tables``' columns past the largest value in its column, never back (a
    flush with ``reset_sequences``, as ``manage.py flush`` does by default, may have restarted them).
    Not Django's ``sequence_reset_sql``: it sets a sequence to its column's maximum, back below ids an
    earlier test used, and the process's caches keyed by a user's id (planning.auth) then answer for
    that earlier user — tried: three back-office journeys were refused."""
    cursor.execute(
        """
        SELECT s.oid::regclass::text, t.oid::regclass::text, a.attname
        FROM pg_class AS s
        JOIN pg_depend AS d
          ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
        JOIN pg_class AS t ON t.oid = d.refobjid
        JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE s.relkind = 'S' AND t.relname = ANY(%s)
        """,
        [tables],
    )
    moves = [
        f"setval('{sequence}', GREATEST((SELECT max({connection.ops.quote_name(column)}) FROM {table}), "
        f"(SELECT last_value FROM {sequence})))"
        for sequence, table, column in cursor.fetchall()
    ]
    if moves:
        cursor.execute(f"SELECT {', '.join(moves)}")


def _row_counts(tables: list[str]) -> tuple[int, ...]:
    """The number of rows in each table, in one statement."""
    counts = ", ".join(f"(SELECT count(*) FROM {connection.ops.quote_name(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ARRAY[{counts}]")
        return tuple(cursor.fetchone()[0])


def _copy_out(tables: list[str]) -> list[tuple[str, bytes]]:
    """Every row of the tables that have any, as binary ``COPY`` data."""
    taken = []
    with connection.cursor() as cursor:
        for table, n in zip(tables, _row_counts(tables), strict=True):
            if n:
                with cursor.cursor.copy(
                    f"COPY {connection.ops.quote_name(table)} TO STDOUT (FORMAT binary)"
                ) as copy:
                    taken.append((table, b"".join(bytes(chunk) for chunk in copy)))
    return taken
