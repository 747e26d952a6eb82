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


def vertex_count(shape) -> int:
    polygons = getattr(shape, "geoms", [shape])
    return sum(len(p.exterior.coords) + sum(len(r.coords) for r in p.interiors) for p in polygons)


def tile_range(z: int) -> list[tuple[int, int]]:
    """The tiles at ``z`` over Ludwigsburg's Quartiere (EPSG:3857 extent from the stored copy)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
            "FROM (SELECT ST_Extent(geom_web) AS e FROM quartiere_area WHERE level = 3) AS t"
        )
        xmin, ymin, xmax, ymax = cursor.fetchone()
    size = queries.WORLD / 2**z
    columns = range(int((xmin + queries.ORIGIN) // size), int((xmax + queries.ORIGIN) // size) + 1)
    rows = range(int((queries.ORIGIN - ymax) // size), int((queries.ORIGIN - ymin) // size) + 1)
    return [(x, y) for x in columns for y in rows]


def decoded(layer, z: int, x: int, y: int) -> dict[int, shapely.geometry.base.BaseGeometry]:
    with connection.cursor() as cursor:
        cursor.execute(queries.tile_sql(layer, z), queries.tile_params(layer, z, x, y))
        data = bytes(cursor.fetchone()[0] or b"")
    features = mapbox_vector_tile.decode(data).get(layer.id, {}).get("features", [])
    return {f["id"]: shapely.geometry.shape(f["geometry"]) for f in features}


@pytest.mark.parametrize("z", [10, 12, 14])
def test_every_tile_over_the_demo_holds_valid_polygons_of_the_validated_shapes(demo, z):
    """The demo's Quartiere (real-shaped, clearance 30–147 m) at three zoom levels, every tile over the
    city: the same features as with ST_AsMVTGeom for all, each valid and of the same area to 1 %
    (4 square units for the smallest pieces in a tile's buffer)."""
    layer = registry.get("quartiere")
    validated_layer = dataclasses.replace(layer, source_3857_clearance=False)
    compared = kept = 0
    for x, y in tile_range(z):
        ours, validated = decoded(layer, z, x, y), decoded(validated_layer, z, x, y)
        assert set(ours) == set(validated)
        for feature_id, shape in ours.items():
            assert shape.is_valid, (z, x, y, feature_id, shapely.validation.explain_validity(shape))
            assert shape.area == pytest.approx(validated[feature_id].area, rel=0.01, abs=4)
            compared += 1
            kept += vertex_count(shape) > vertex_count(validated[feature_id])
    assert compared >= 12
    if z == 10:  # robust ones written as stored: ST_AsMVTGeom drops vertices closer than half a unit
        assert kept > 0
