"""The small world of the spatial indicator tests, in EPSG:25832 relative to (X0, Y0) of tests/fixtures.py:

    city C = [0, 2000] × [0, 1000] m, 3,000 inhabitants
    Q1 = [0, 1000] × [0, 1000] (1,000 inhabitants)   Q2 = [1000, 2000] × [0, 1000] (2,000 inhabitants)

Layers are written as files (GeoJSON by hand, other formats by GDAL's ogr2ogr) and imported through
``indicators.layer_import`` as users' files are.
"""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from indicators.layer_import import LayerMeta, import_layer
from quartiere.models import Area, Level
from tests.fixtures import X0, Y0, feature, import_areas, import_region, square

DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "shp": "ESRI Shapefile"}


def ring(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [
        [X0 + x0, Y0 + y0],
        [X0 + x1, Y0 + y0],
        [X0 + x1, Y0 + y1],
        [X0 + x0, Y0 + y1],
        [X0 + x0, Y0 + y0],
    ]


def rect(x0: float, y0: float, x1: float, y1: float) -> dict:
    """A square/rectangle polygon relative to (X0, Y0), as GeoJSON geometry in EPSG:25832."""
    return {"type": "Polygon", "coordinates": [ring(x0, y0, x1, y1)]}


def pt(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": [X0 + x, Y0 + y]}


def line(*xy: tuple[float, float]) -> dict:
    return {"type": "LineString", "coordinates": [[X0 + x, Y0 + y] for x, y in xy]}


def geo_feature(geometry: dict | None, **properties: Any) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write_geojson(path: Path, features: list[dict], *, srid: int | None = 25832) -> Path:
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if srid is not None:
        collection["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    path.write_text(json.dumps(collection, ensure_ascii=False))
    return path


def ogr2ogr(dest: Path, source: Path, *, fmt: str, extra: tuple = ()) -> Path:
    subprocess.run(
        ["ogr2ogr", "-f", DRIVERS[fmt], str(dest), str(source), *extra],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return dest


def load_layer(tmp_path: Path, name: str, features: list[dict], *, year: int = 2024, **options: Any):
    path = write_geojson(tmp_path / f"{name}.geojson", features)
    return import_layer(path, LayerMeta(name=name, title=name.title(), year=year), **options)


# green spaces: A and B overlap by 100 m × 100 m inside Q1; C straddles Q1 | Q2
GREEN = [
    geo_feature(rect(100, 100, 300, 300), name="A"),
    geo_feature(rect(200, 200, 400, 400), name="B"),
    geo_feature(rect(900, 0, 1100, 100), name="C"),
]
# stops: one in Q1, two in Q2, one on the boundary of Q1 and Q2
STOPS = [
    geo_feature(pt(500, 500), name="s1"),
    geo_feature(pt(1500, 500), name="s2"),
    geo_feature(pt(1600, 500), name="s3"),
    geo_feature(pt(1000, 800), name="s4"),
]
# a road across the whole city at y = 500 (its round caps lie outside) and one point in Q2
PATHS = [
    geo_feature(line((-100, 500), (2100, 500)), name="road"),
    geo_feature(pt(1500, 850), name="kiosk"),
]


@pytest.fixture
def world(db) -> dict[str, Area]:
    import_region()
    import_areas(Level.CITY, feature("C", "Stadt", square(0, 0, 2000, 1000), population=3000))
    import_areas(
        Level.QUARTIER,
        feature("Q1", "West", square(0, 0, 1000, 1000), population=1000),
        feature("Q2", "Ost", square(1000, 0, 2000, 1000), population=2000),
    )
    return {area.code: area for area in Area.objects.filter(level__in=[Level.CITY, Level.QUARTIER])}
