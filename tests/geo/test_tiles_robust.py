"""Polygons a vector tile writes without ``ST_AsMVTGeom``'s validation (``geo.tiles.queries``): those that
lie inside the buffered tile and whose stored minimum clearance (``quartiere_area.geom_web_clearance``)
exceeds ``ROBUST_UNITS`` tile units. Every other polygon is clipped and validated by ``ST_AsMVTGeom``."""

import dataclasses

import mapbox_vector_tile
import pytest
import shapely.geometry
import shapely.validation
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection

from geo import layers as registry
from geo.tiles import queries
from quartiere.models import Area

Z, X, Y = 12, 2152, 1408  # the tile over Ludwigsburg's centre


def centre() -> tuple[float, float]:
    xmin, ymin, xmax, ymax = queries.tile_bounds(Z, X, Y)
    return (xmin + xmax) / 2, (ymin + ymax) / 2


def quartier(demo, ring: list[tuple[float, float]], code: str) -> Area:
    """A Quartier of the demo city with the boundary ``ring`` (EPSG:3857), stored in EPSG:25832."""
    polygon = Polygon(ring, srid=3857)
    polygon.transform(25832)
    city = demo["08118048"]
    return Area.objects.create(
        level=3, parent=city, code=code, name=code, slug=code, geom=MultiPolygon(polygon, srid=25832)
    )


def feature(layer, area: Area) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(queries.tile_sql(layer, Z), queries.tile_params(layer, Z, X, Y))
        tile = mapbox_vector_tile.decode(bytes(cursor.fetchone()[0]))
    (found,) = [f for f in tile[layer.id]["features"] if f["id"] == area.pk]
    return found


def vertices(found: dict) -> int:
    shape = shapely.geometry.shape(found["geometry"])
    polygons = getattr(shape, "geoms", [shape])
    return sum(len(p.exterior.coords) - 1 + sum(len(r.coords) - 1 for r in p.interiors) for p in polygons)


def clearance(area: Area) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT geom_web_clearance FROM quartiere_area WHERE id = %s", [area.pk])
        return cursor.fetchone()[0]


def test_a_robust_polygon_inside_the_tile_is_written_as_stored_and_is_the_same_shape(demo):
    cx, cy = centre()
    h = 300.0  # a 600 m square (≈63 tile units at z12) with a collinear vertex in its top edge
    ring = [
        (cx - h, cy - h),
        (cx + h, cy - h),
        (cx + h, cy + h),
        (cx, cy + h),
        (cx - h, cy + h),
        (cx - h, cy - h),
    ]
    area = quartier(demo, ring, "robust-1")
    layer = registry.get("quartiere")
    unit = queries.WORLD / 2**Z / queries.EXTENT
    assert clearance(area) == pytest.approx(h, rel=1e-6) and h > queries.ROBUST_UNITS * unit

    fast = feature(layer, area)
    validated = feature(dataclasses.replace(layer, source_3857_clearance=False), area)

    a, b = shapely.geometry.shape(fast["geometry"]), shapely.geometry.shape(validated["geometry"])
    assert a.is_valid and b.is_valid
    assert a.symmetric_difference(b).area == 0  # the same shape, the same winding (the decoder reads it)
    assert a.area == pytest.approx((2 * h / unit) ** 2, rel=0.01)
    # written as stored: the collinear vertex is kept; ST_AsMVTGeom simplifies it away
    assert vertices(fast) == 5 and vertices(validated) == 4
    assert fast["properties"] == validated["properties"]


def test_a_polygon_that_snapping_would_break_is_validated(demo, monkeypatch):
    """A 600 m square with a slit 1 m wide: at z12 (a unit is ≈2.4 m) snapping closes the slit. Its
    clearance (1 m) keeps it on ST_AsMVTGeom's path, and the tile holds a valid polygon; without the
    clearance test the snapped polygon would not be valid."""
    cx, cy = centre()
    h, w = 300.0, 0.5
    ring = [
        (cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx + w, cy + h), (cx + w, cy - h / 2),
        (cx - w, cy - h / 2), (cx - w, cy + h), (cx - h, cy + h), (cx - h, cy - h),
    ]  # fmt: skip
    area = quartier(demo, ring, "slit-1")
    assert clearance(area) == pytest.approx(2 * w, rel=1e-3)
    layer = registry.get("quartiere")

    validated = shapely.geometry.shape(feature(layer, area)["geometry"])
    assert validated.is_valid, shapely.validation.explain_validity(validated)

    monkeypatch.setattr(queries, "ROBUST_UNITS", 0.0)  # every polygon inside the tile counts as robust
    snapped = shapely.geometry.shape(feature(layer, area)["geometry"])
    assert not snapped.is_valid


def test_a_robust_polygon_that_reaches_beyond_the_buffer_is_clipped(demo):
    xmin, ymin, xmax, ymax = queries.tile_bounds(Z, X, Y)
    cx, cy = centre()
    # from the tile's centre to 1 km beyond its right edge
    ring = [(cx, cy - 300), (xmax + 1000, cy - 300), (xmax + 1000, cy + 300), (cx, cy + 300), (cx, cy - 300)]
    area = quartier(demo, ring, "wide-1")
    found = shapely.geometry.shape(feature(registry.get("quartiere"), area)["geometry"])
    assert found.is_valid
    assert found.bounds[2] == queries.EXTENT + queries.BUFFER  # cut at the buffer's edge
