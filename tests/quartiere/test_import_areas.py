"""``manage.py import_areas``: files written here with GDAL (ogr2ogr), imported, and measured in PostGIS.

The synthetic world lies near Ludwigsburg in EPSG:25832 (metres), so areas and positions are exact numbers:
a region of 20 km × 10 km split into two cities A (west) and B (east) of 10 km × 10 km each.
"""

import json
import math
import re
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import CommandError, call_command

from quartiere.models import Area, Level
from tests.conftest import area_count, sql_value
from tests.geodesy import utm_from_lonlat

E0, N0 = 510_000.0, 5_410_000.0  # south-west corner of the synthetic region

DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "shp": "ESRI Shapefile"}

Ring = list[list[float]]


def rect(x0: float, y0: float, x1: float, y1: float) -> Ring:
    """A closed, counter-clockwise ring, relative to (E0, N0), in metres."""
    return [
        [E0 + x0, N0 + y0],
        [E0 + x1, N0 + y0],
        [E0 + x1, N0 + y1],
        [E0 + x0, N0 + y1],
        [E0 + x0, N0 + y0],
    ]


def polygon(*rings: Ring) -> dict:
    return {"type": "Polygon", "coordinates": list(rings)}


def multipolygon(*polygons: list[Ring]) -> dict:
    return {"type": "MultiPolygon", "coordinates": list(polygons)}


def feature(code: str, name: str, geometry: dict, population: int | None = None) -> dict:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "population": population},
        "geometry": geometry,
    }


def write_geojson(path: Path, features: list[dict], *, srid: int = 25832) -> Path:
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if srid != 4326:
        # the GeoJSON-2008 way of naming a CRS, which GDAL reads
        collection["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    path.write_text(json.dumps(collection, ensure_ascii=False))
    return path


def ogr2ogr(dest: Path, source: Path, *, fmt: str, t_srs: int | None = None, extra: tuple = ()) -> Path:
    """Convert ``source`` with GDAL's ogr2ogr into ``dest`` (``fmt`` a key of DRIVERS)."""
    command = ["ogr2ogr", "-f", DRIVERS[fmt], str(dest), str(source), *extra]
    if t_srs is not None:
        command += ["-t_srs", f"EPSG:{t_srs}"]
    if fmt == "gpkg":
        command += ["-nln", "areas"]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return dest


def file_min_x(path: Path) -> float:
    """The smallest x of the file's layer extent, as GDAL's ogrinfo reports it (in the file's CRS)."""
    report = subprocess.run(
        ["ogrinfo", "-so", "-al", str(path)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return float(re.search(r"^Extent: \(([-\d.]+),", report, re.MULTILINE).group(1))


# where the synthetic world's x lies in each file CRS: metres (UTM, Gauss-Krüger zone 3) or degrees
FILE_MIN_X = {25832: (510_000, 520_000), 31467: (3_510_000, 3_520_000), 4326: (9.0, 9.5)}


def write_file(tmp_path: Path, features: list[dict], *, fmt: str = "geojson", srid: int = 25832) -> Path:
    """``features`` (coordinates in EPSG:25832) as a ``fmt`` file in ``srid``, written by GDAL."""
    source = write_geojson(tmp_path / "source.geojson", features)
    if fmt == "geojson" and srid == 25832:
        return source
    return ogr2ogr(tmp_path / f"areas_{srid}.{fmt}", source, fmt=fmt, t_srs=srid)


def import_areas(path: Path, level: str, *args: str) -> tuple[dict[str, int], str]:
    """Run the command; (its summary as numbers, its stderr)."""
    out, err = StringIO(), StringIO()
    call_command(
        "import_areas",
        str(path),
        "--level",
        level,
        "--code-field",
        "code",
        "--name-field",
        "name",
        *args,
        stdout=out,
        stderr=err,
    )
    counts = dict(re.findall(r"(created|updated|unchanged|repaired|rejected) (\d+)", out.getvalue()))
    return {key: int(value) for key, value in counts.items()}, err.getvalue()


def import_fails(path: Path, level: str, *args: str) -> tuple[str, str]:
    """Run the command expecting a CommandError; (its message, its stderr)."""
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "import_areas",
            str(path),
            "--level",
            level,
            "--code-field",
            "code",
            "--name-field",
            "name",
            *args,
            stdout=StringIO(),
            stderr=err,
        )
    return str(excinfo.value), err.getvalue()


def make_area(level: Level, code: str, ring: Ring, parent: Area | None = None) -> Area:
    return Area.objects.create(
        level=level,
        parent=parent,
        code=code,
        name=f"Area {code}",
        slug=code.lower(),
        geom=MultiPolygon(Polygon(ring), srid=25832),
    )


@pytest.fixture
def cities(db) -> dict[str, Area]:
    """Region R (20 km × 10 km) with the cities A (west half) and B (east half)."""
    region = make_area(Level.REGION, "R", rect(0, 0, 20_000, 10_000))
    return {
        "R": region,
        "A": make_area(Level.CITY, "A", rect(0, 0, 10_000, 10_000), region),
        "B": make_area(Level.CITY, "B", rect(10_000, 0, 20_000, 10_000), region),
    }


def geom_sql(code: str, expression: str, *params: Any) -> Any:
    """``expression`` (with ``params``) evaluated on the stored geometry ``geom`` of the Quartier ``code``."""
    return sql_value(
        f"SELECT {expression} FROM quartiere_area WHERE level = 3 AND code = %s", [*params, code]
    )


# A Quartier of three rings: a 2 km × 2 km body with a 500 m × 400 m hole, and a 500 m × 500 m exclave
# 2 km away: 4 000 000 − 200 000 + 250 000 m².
BODY = rect(1_000, 1_000, 3_000, 3_000)
HOLE = rect(1_500, 1_500, 2_000, 1_900)[::-1]  # clockwise, as RFC 7946 wants for holes
EXCLAVE = rect(5_000, 5_000, 5_500, 5_500)
HOLEY_AREA_M2 = 4_050_000.0


@pytest.mark.parametrize(
    ("fmt", "srid"),
    [
        ("geojson", 25832),
        ("geojson", 4326),
        ("gpkg", 25832),
        ("gpkg", 31467),
        ("shp", 25832),
        ("shp", 31467),
    ],
)
def test_it_round_trips_multipart_polygons_with_holes_and_exclaves(cities, tmp_path, fmt, srid):
    features = [
        feature("Q1", "Grünbühl-Sonnenberg", multipolygon([BODY, HOLE], [EXCLAVE]), population=4200),
        feature("Q2", "Oßweil", polygon(rect(6_000, 1_000, 7_000, 1_500)), population=10_000),
    ]
    path = write_file(tmp_path, features, fmt=fmt, srid=srid)
    lo, hi = FILE_MIN_X[srid]
    assert lo < file_min_x(path) < hi  # the file really is in that CRS

    counts, _ = import_areas(path, "quartier", "--population-field", "population")

    assert counts == {"created": 2, "updated": 0, "unchanged": 0, "repaired": 0, "rejected": 0}
    q1 = Area.objects.get(level=Level.QUARTIER, code="Q1")
    assert (q1.name, q1.slug, q1.population, q1.parent) == (
        "Grünbühl-Sonnenberg",
        "gruenbuehl-sonnenberg",
        4200,
        cities["A"],
    )
    assert q1.geom.srid == 25832
    assert geom_sql("Q1", "ST_NumGeometries(geom)") == 2  # body and exclave
    assert geom_sql("Q1", "ST_NumInteriorRings(ST_GeometryN(geom, 1))") == 1  # the hole
    assert geom_sql("Q1", "ST_NRings(geom)") == 3
    # GDAL reprojected the file; PostGIS must transform it back to where it was drawn
    reference = MultiPolygon(Polygon(BODY, HOLE), Polygon(EXCLAVE), srid=25832)
    assert geom_sql("Q1", "ST_HausdorffDistance(geom, ST_GeomFromEWKT(%s))", reference.ewkt) < 0.01
    assert geom_sql("Q1", "ST_Area(geom)") == pytest.approx(HOLEY_AREA_M2, abs=0.5)
    assert geom_sql("Q2", "ST_Area(geom)") == pytest.approx(500_000, abs=0.5)


def test_it_measures_a_known_rectangle_in_square_metres(cities, tmp_path):
    path = write_file(tmp_path, [feature("Q1", "Rechteck", polygon(rect(1_000, 1_000, 2_000, 1_500)))])

    import_areas(path, "quartier")

    assert geom_sql("Q1", "ST_Area(geom)") == pytest.approx(500_000.0, abs=0.01)
    assert Area.objects.get(code="Q1").geom.area == pytest.approx(500_000.0, abs=0.01)


def test_it_transforms_a_point_known_in_wgs84_and_utm_alike(cities, tmp_path):
    # The Residenzschloss Ludwigsburg, a triangle's corner given in lon/lat
    lon, lat = 9.1956, 48.8997
    expected_e, expected_n = utm_from_lonlat(lon, lat)
    triangle = {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + 0.01, lat], [lon, lat + 0.01], [lon, lat]]],
    }
    path = write_geojson(tmp_path / "wgs84.geojson", [feature("S", "Schloss", triangle)], srid=4326)

    import_areas(path, "quartier", "--parent", "A")

    corner = Area.objects.get(code="S").geom[0].exterior_ring[0]
    assert abs(corner[0] - expected_e) < 0.5
    assert abs(corner[1] - expected_n) < 0.5


def test_it_serves_a_point_given_in_utm_back_in_lon_lat(cities, tmp_path, api):
    lon, lat = 9.1956, 48.8997
    e, n = utm_from_lonlat(lon, lat)
    triangle = {"type": "Polygon", "coordinates": [[[e, n], [e + 500, n], [e, n + 500], [e, n]]]}
    import_areas(write_geojson(tmp_path / "utm.geojson", [feature("S", "Schloss", triangle)]), "quartier")

    served = json.loads(api.get(f"/api/areas/{Area.objects.get(code='S').id}/").content)

    served_lon, served_lat = served["geometry"]["coordinates"][0][0][0]
    # 0.5 m is 4.5e-6° of latitude and 6.8e-6° of longitude here
    assert abs(served_lat - lat) * 111_200 < 0.5
    assert abs(served_lon - lon) * 111_200 * math.cos(math.radians(lat)) < 0.5


def test_it_agrees_with_postgis_on_a_point_in_both_crs(db):
    lon, lat = 9.1956, 48.8997
    expected_e, expected_n = utm_from_lonlat(lon, lat)
    assert 514_000 < expected_e < 515_000 and 5_416_000 < expected_n < 5_417_000

    e, n = (
        sql_value(
            f"SELECT ST_{axis}(ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 25832))", [lon, lat]
        )
        for axis in ("X", "Y")
    )

    assert abs(e - expected_e) < 0.5
    assert abs(n - expected_n) < 0.5


def test_it_rejects_invalid_geometry_and_imports_nothing(cities, tmp_path):
    bow_tie = [[E0, N0], [E0 + 1_000, N0 + 1_000], [E0 + 1_000, N0], [E0, N0 + 1_000], [E0, N0]]
    features = [
        feature("OK", "Gültig", polygon(rect(100, 100, 200, 200))),
        feature("BOW", "Schleife", polygon(bow_tie)),
    ]
    path = write_file(tmp_path, features)
    before = area_count()

    message, stderr = import_fails(path, "quartier")

    assert "1 feature(s) with invalid geometry; nothing imported" in message
    assert re.search(r"BOW: Self-intersection\[", stderr)
    assert "OK" not in stderr
    # not even the valid feature of the same file
    assert area_count() == before
    assert not Area.objects.filter(code__in=["OK", "BOW"]).exists()


def test_it_repairs_invalid_geometry_with_make_valid(cities, tmp_path):
    bow_tie = [[E0, N0], [E0 + 1_000, N0 + 1_000], [E0 + 1_000, N0], [E0, N0 + 1_000], [E0, N0]]
    features = [
        feature("OK", "Gültig", polygon(rect(100, 100, 200, 200))),
        feature("BOW", "Schleife", polygon(bow_tie)),
    ]
    path = write_file(tmp_path, features)

    counts, _ = import_areas(path, "quartier", "--make-valid")

    assert counts == {"created": 2, "updated": 0, "unchanged": 0, "repaired": 1, "rejected": 0}
    assert geom_sql("BOW", "ST_IsValid(geom)") is True
    # the bow tie becomes its two triangles of 250 000 m² each
    assert geom_sql("BOW", "ST_NumGeometries(geom)") == 2
    assert geom_sql("BOW", "ST_Area(geom)") == pytest.approx(500_000.0, abs=0.01)


def test_it_rejects_features_that_are_not_polygons(cities, tmp_path):
    point = {"type": "Point", "coordinates": [E0 + 100, N0 + 100]}
    path = write_file(tmp_path, [feature("P", "Punkt", point)])

    _, stderr = import_fails(path, "quartier", "--make-valid")

    assert "P: not a polygon but a POINT" in stderr
    assert area_count() == 3


def test_it_does_nothing_when_the_same_file_comes_again(cities, tmp_path):
    features = [
        feature(f"Q{i}", f"Quartier {i}", polygon(rect(i * 1_000, 0, i * 1_000 + 900, 900))) for i in range(5)
    ]
    path = write_file(tmp_path, features, fmt="gpkg")
    import_areas(path, "quartier")
    first = {a.code: (a.id, a.updated_at) for a in Area.objects.filter(level=Level.QUARTIER)}

    counts, _ = import_areas(path, "quartier")

    assert counts == {"created": 0, "updated": 0, "unchanged": 5, "repaired": 0, "rejected": 0}
    assert {a.code: (a.id, a.updated_at) for a in Area.objects.filter(level=Level.QUARTIER)} == first
    assert area_count() == 3 + 5


def test_it_updates_by_code_when_the_file_changes(cities, tmp_path):
    features = [
        feature(f"Q{i}", f"Quartier {i}", polygon(rect(i * 1_000, 0, i * 1_000 + 900, 900))) for i in range(3)
    ]
    import_areas(write_file(tmp_path, features), "quartier")
    ids = dict(Area.objects.filter(level=Level.QUARTIER).values_list("code", "id"))
    # Q1 renamed, Q2 grown and moved into city B
    features[1] = feature("Q1", "Neuer Name", polygon(rect(1_000, 0, 1_900, 900)))
    features[2] = feature("Q2", "Quartier 2", polygon(rect(12_000, 0, 14_000, 2_000)))

    counts, _ = import_areas(write_file(tmp_path, features), "quartier")

    assert counts == {"created": 0, "updated": 2, "unchanged": 1, "repaired": 0, "rejected": 0}
    assert dict(Area.objects.filter(level=Level.QUARTIER).values_list("code", "id")) == ids
    q1, q2 = Area.objects.get(code="Q1"), Area.objects.get(code="Q2")
    assert (q1.name, q1.slug) == ("Neuer Name", "neuer-name")
    assert q2.parent == cities["B"]
    assert q2.geom.area == pytest.approx(4_000_000.0, abs=0.01)


def test_it_assigns_each_quartier_the_city_it_overlaps_most(cities, tmp_path):
    features = [
        feature("WEST", "Meist in A", polygon(rect(8_000, 1_000, 10_500, 2_000))),  # 80 % in A
        feature("EAST", "Meist in B", polygon(rect(9_500, 3_000, 12_000, 4_000))),  # 80 % in B
        feature("INNER", "Ganz in A", polygon(rect(100, 100, 200, 200))),
    ]

    import_areas(write_file(tmp_path, features), "quartier")

    parents = dict(Area.objects.filter(level=Level.QUARTIER).values_list("code", "parent__code"))
    assert parents == {"WEST": "A", "EAST": "B", "INNER": "A"}


def test_it_assigns_cities_their_region(cities, tmp_path):
    path = write_file(
        tmp_path, [feature("08118099", "Neustadt", polygon(rect(15_000, 5_000, 16_000, 6_000)))]
    )

    import_areas(path, "city")

    assert Area.objects.get(level=Level.CITY, code="08118099").parent == cities["R"]


def test_it_reports_a_feature_outside_every_parent_and_imports_nothing(cities, tmp_path):
    features = [
        feature("IN", "Drinnen", polygon(rect(100, 100, 200, 200))),
        feature("OUT", "Draußen", polygon(rect(30_000, 0, 31_000, 1_000))),
    ]
    before = area_count()

    message, stderr = import_fails(write_file(tmp_path, features), "quartier")

    assert "1 feature(s) fit no parent; nothing imported" in message
    assert "OUT: lies in no city" in stderr
    assert area_count() == before


def test_it_imports_the_others_with_skip_unmatched(cities, tmp_path):
    features = [
        feature("IN", "Drinnen", polygon(rect(100, 100, 200, 200))),
        feature("OUT", "Draußen", polygon(rect(30_000, 0, 31_000, 1_000))),
    ]

    counts, stderr = import_areas(write_file(tmp_path, features), "quartier", "--skip-unmatched")

    assert counts == {"created": 1, "updated": 0, "unchanged": 0, "repaired": 0, "rejected": 1}
    assert "skipped OUT: lies in no city" in stderr
    assert list(Area.objects.filter(level=Level.QUARTIER).values_list("code", flat=True)) == ["IN"]


def test_it_takes_the_parent_given_with_parent(cities, tmp_path):
    # drawn in A, but the user says B: the user's word wins
    path = write_file(tmp_path, [feature("Q", "Quartier", polygon(rect(100, 100, 200, 200)))])

    import_areas(path, "quartier", "--parent", "B")

    assert Area.objects.get(code="Q").parent == cities["B"]


def test_it_refuses_an_unknown_parent_code(cities, tmp_path):
    path = write_file(tmp_path, [feature("Q", "Quartier", polygon(rect(100, 100, 200, 200)))])

    message, _ = import_fails(path, "quartier", "--parent", "NOPE")

    assert message == "no city with code 'NOPE' to be the parent"
    assert area_count() == 3


def test_it_refuses_a_parent_for_regions(cities, tmp_path):
    path = write_file(tmp_path, [feature("R2", "Region 2", polygon(rect(0, 0, 100, 100)))])

    message, _ = import_fails(path, "region", "--parent", "R")

    assert "regions have no parent" in message


@pytest.mark.parametrize("option", ["--code-field", "--name-field", "--population-field"])
def test_it_names_a_missing_field(cities, tmp_path, option):
    path = write_file(tmp_path, [feature("Q", "Quartier", polygon(rect(100, 100, 200, 200)))], fmt="gpkg")
    args = {"--code-field": "code", "--name-field": "name", "--population-field": "population"}
    args[option] = "AGS"
    err = StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_areas", str(path), "--level", "quartier", *sum(args.items(), ()), stderr=err)

    assert str(excinfo.value).startswith(f"{option} 'AGS' is not a field of layer 'areas': ")
    assert "code, name, population" in str(excinfo.value)


def test_it_names_an_unknown_layer(cities, tmp_path):
    path = write_file(tmp_path, [feature("Q", "Quartier", polygon(rect(100, 100, 200, 200)))], fmt="gpkg")

    message, _ = import_fails(path, "quartier", "--layer", "bezirke")

    assert message == f"{path} has no layer 'bezirke'; it has areas"


def test_it_asks_for_a_layer_when_a_file_has_several(cities, tmp_path):
    path = write_file(tmp_path, [feature("Q", "Quartier", polygon(rect(100, 100, 200, 200)))], fmt="gpkg")
    other = write_geojson(tmp_path / "other.geojson", [feature("X", "X", polygon(rect(300, 300, 400, 400)))])
    subprocess.run(
        ["ogr2ogr", "-f", "GPKG", "-update", "-nln", "other", str(path), str(other)], check=True, timeout=60
    )

    message, _ = import_fails(path, "quartier")
    counts, _ = import_areas(path, "quartier", "--layer", "other")

    assert "has 2 layers (areas, other); choose one with --layer" in message
    assert counts["created"] == 1
    assert list(Area.objects.filter(level=Level.QUARTIER).values_list("code", flat=True)) == ["X"]


def test_it_asks_for_the_crs_when_the_file_names_none(cities, tmp_path):
    path = write_file(tmp_path, [feature("Q", "Quartier", polygon(rect(100, 100, 1_100, 600)))], fmt="shp")
    path.with_suffix(".prj").unlink()

    message, _ = import_fails(path, "quartier")
    import_areas(path, "quartier", "--source-srid", "25832")

    assert "has no EPSG code; name it with --source-srid" in message
    assert Area.objects.get(code="Q").geom.area == pytest.approx(500_000.0, abs=0.01)


def test_it_refuses_a_file_gdal_cannot_read(db, tmp_path):
    path = tmp_path / "kaputt.geojson"
    path.write_text("{ not json")

    message, _ = import_fails(path, "region")

    assert "cannot be read by GDAL" in message
