"""Vector tiles (``/tiles/{layer}/{z}/{x}/{y}.mvt``) decoded with mapbox-vector-tile, and TileJSON."""

import dataclasses
import json
import math

import mapbox_vector_tile
import pytest
import shapely.geometry
from django.contrib.gis.geos import MultiPolygon
from django.db import connection
from django.test import Client, override_settings

from geo import layers as registry
from geo.tiles import queries
from quartiere.models import Area

MVT = "application/vnd.mapbox-vector-tile"
LUDWIGSBURG_Z12 = (12, 2152, 1408)  # the tile over the city centre


@pytest.fixture
def client() -> Client:
    return Client()


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def decode(response) -> dict:
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == MVT
    return mapbox_vector_tile.decode(response.content)


def test_a_tile_holds_the_quartiere_it_touches_with_their_attributes(client, demo):
    z, x, y = LUDWIGSBURG_Z12
    tile = decode(client.get(f"/tiles/quartiere/{z}/{x}/{y}.mvt"))

    assert list(tile) == ["quartiere"]
    layer = tile["quartiere"]
    assert layer["extent"] == 4096
    by_id = {feature["id"]: feature for feature in layer["features"]}
    mitte = Area.objects.get(code="08118048-01")
    assert mitte.pk in by_id
    assert by_id[mitte.pk]["properties"] == {
        "code": "08118048-01",
        "name": "Mitte",
        "slug": "mitte",
        "parent": mitte.parent_id,
        "population": mitte.population,
    }
    assert by_id[mitte.pk]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    # only Quartiere: no region or city outline in this layer
    assert set(by_id) <= set(Area.objects.filter(level=3).values_list("pk", flat=True))


def test_the_tile_holds_exactly_the_features_the_database_finds_in_it(client, demo):
    z, x, y = LUDWIGSBURG_Z12
    xmin, ymin, xmax, ymax = queries.tile_bounds(z, x, y)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(id ORDER BY id) FROM quartiere_area WHERE level = 3 AND ST_Intersects("
            "ST_Transform(geom, 3857), ST_MakeEnvelope(%s, %s, %s, %s, 3857))",
            [xmin, ymin, xmax, ymax],
        )
        expected = cursor.fetchone()[0]

    tile = decode(client.get(f"/tiles/quartiere/{z}/{x}/{y}.mvt"))

    assert sorted(feature["id"] for feature in tile["quartiere"]["features"]) == expected


def test_geometry_is_in_tile_units_within_the_buffer(client, demo):
    z, x, y = LUDWIGSBURG_Z12
    tile = decode(client.get(f"/tiles/cities/{z}/{x}/{y}.mvt"))

    coordinates = []

    def walk(node):
        if (
            isinstance(node, list | tuple)
            and len(node) == 2
            and all(isinstance(v, int | float) for v in node)
        ):
            coordinates.append(node)
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item)

    for feature in tile["cities"]["features"]:
        walk(feature["geometry"]["coordinates"])
    assert coordinates
    assert all(-64 <= cx <= 4096 + 64 and -64 <= cy <= 4096 + 64 for cx, cy in coordinates)


def test_points_and_dates_are_encoded(client, demo):
    from participation.models import Contribution

    contribution = Contribution.objects.filter(status="published").first()
    point = contribution.geom.transform(4326, clone=True)
    x, y = tile_xy(point.x, point.y, 15)

    tile = decode(client.get(f"/tiles/contributions/15/{x}/{y}.mvt"))

    feature = next(f for f in tile["contributions"]["features"] if f["id"] == contribution.pk)
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["category"] == contribution.category
    assert feature["properties"]["created"].startswith(contribution.created_at.strftime("%Y-%m-%dT"))


def test_an_empty_tile_is_200_with_an_empty_body(client, demo):
    x, y = tile_xy(-30.0, 40.0, 10)  # the Atlantic
    response = client.get(f"/tiles/quartiere/10/{x}/{y}.mvt")

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"] == MVT
    assert response["ETag"]
    assert mapbox_vector_tile.decode(response.content) == {}


def test_the_whole_world_at_zoom_0_works(client, demo):
    tile = decode(client.get("/tiles/regions/0/0/0.mvt"))

    assert len(tile["regions"]["features"]) == 1


def test_a_repeated_request_with_the_etag_is_304(client, demo):
    url = "/tiles/quartiere/{}/{}/{}.mvt".format(*LUDWIGSBURG_Z12)
    etag = client.get(url)["ETag"]

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/tiles/quartiere/3/8/0.mvt",
        "/tiles/quartiere/3/0/8.mvt",
        "/tiles/quartiere/23/0/0.mvt",
        "/tiles/quartiere/99999999999999999999/0/0.mvt",
        "/tiles/quartiere/2/-1/0.mvt",
        "/tiles/quartiere/a/b/c.mvt",
        "/tiles/kataster/12/2152/1408.mvt",
        "/tiles/kataster.json",
    ],
)
def test_tiles_outside_the_matrix_and_unknown_layers_are_404(client, db, url):
    response = client.get(url)

    assert response.status_code == 404
    if response["Content-Type"] == "application/json":
        assert json.loads(response.content)["code"] == "NotFound"


@override_settings(TILES_MIN_ZOOM=5, TILES_MAX_ZOOM=16)
def test_zoom_levels_outside_the_configured_range_are_404(client, demo):
    assert client.get("/tiles/quartiere/4/8/5.mvt").status_code == 404
    assert client.get("/tiles/quartiere/17/0/0.mvt").status_code == 404
    assert json.loads(client.get("/tiles/quartiere.json").content)["maxzoom"] == 16


def test_tilejson_describes_the_layer(client, demo):
    document = json.loads(client.get("/tiles/measures.json").content)

    assert document["tilejson"] == "3.0.0"
    assert document["tiles"] == ["http://testserver/tiles/measures/{z}/{x}/{y}.mvt"]
    assert (document["minzoom"], document["maxzoom"]) == (0, 22)
    minx, miny, maxx, maxy = document["bounds"]
    # Ludwigsburg's, Kornwestheim's and the region's measures (its cycle route reaches Stuttgart)
    assert 9.0 < minx < maxx < 9.4 and 48.7 < miny < maxy < 49.0
    (vector_layer,) = document["vector_layers"]
    assert vector_layer["id"] == "measures"
    assert vector_layer["fields"]["title"] == "String"
    assert vector_layer["fields"]["city"] == "Number"
    assert set(vector_layer["fields"]) == set(registry.get("measures").attributes)


@override_settings(PUBLIC_URL="https://geo.ludwigsburg.example")
def test_tilejson_takes_the_tile_url_from_public_url(client, demo):
    document = json.loads(client.get("/tiles/quartiere.json").content)

    assert document["tiles"] == ["https://geo.ludwigsburg.example/tiles/quartiere/{z}/{x}/{y}.mvt"]


def test_geometry_is_simplified_at_low_zoom_only():
    assert queries.tolerance(8) > 50 * queries.tolerance(14) or queries.tolerance(14) == 0
    assert queries.tolerance(16) == 0  # below half a metre: not worth a pass
    layer = registry.get("quartiere")
    assert "ST_Simplify" in queries.tile_sql(layer, 8)
    assert "ST_Simplify" not in queries.tile_sql(layer, 18)
    assert "ST_Simplify" not in queries.tile_sql(registry.get("contributions"), 8)


@pytest.mark.parametrize("layer_id", ["quartiere", "regions", "measures", "contributions", "measures_lines"])
def test_the_tile_query_filters_with_the_spatial_index(db, layer_id):
    layer = registry.get(layer_id)
    z, x, y = LUDWIGSBURG_Z12
    with connection.cursor() as cursor:
        # the tables are tiny here: forbid the sequential scan to see whether the index *can* answer
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + queries.tile_sql(layer, z), queries.tile_params(layer, z, x, y))
        plan = "\n".join(row[0] for row in cursor.fetchall())

    column = "geom_public" if layer_id == "contributions" else "geom"  # the published, generalised point
    column = "geom_web" if layer_id in {"quartiere", "regions"} else column  # stored in EPSG:3857
    column = "st_multi(geom)" if layer_id == "measures_lines" else column  # an expression index
    assert f"({column} && '" in plan
    assert "Seq Scan" not in plan
    assert plan.count("st_asmvtgeom") <= 1  # computed once per row


def _bare_tile(layer, z: int, x: int, y: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(queries.tile_sql(layer, z), queries.tile_params(layer, z, x, y))
        return mapbox_vector_tile.decode(bytes(cursor.fetchone()[0] or b""))


@pytest.mark.parametrize("layer_id", ["quartiere", "regions"])
@pytest.mark.parametrize("z", [8, 12, 16])
def test_a_tile_from_the_stored_web_mercator_geometry_is_the_transformed_one(demo, layer_id, z):
    """``quartiere_area.geom_web`` (the layers' ``source_3857``) gives the tile that transforming
    ``geom`` gives: the same features and attributes, the same shapes to a tile unit."""
    x, y = tile_xy(9.1919, 48.8975, z)  # Ludwigsburg's centre
    layer = registry.get(layer_id)
    assert layer.source_3857 is not None
    stored = _bare_tile(layer, z, x, y)[layer_id]["features"]
    transformed = _bare_tile(dataclasses.replace(layer, source_3857=None), z, x, y)[layer_id]["features"]

    assert stored and len(stored) == len(transformed)
    for ours, theirs in zip(
        sorted(stored, key=lambda f: f["id"]), sorted(transformed, key=lambda f: f["id"]), strict=True
    ):
        assert ours["id"] == theirs["id"]
        assert ours["properties"] == theirs["properties"]
        a, b = shapely.geometry.shape(ours["geometry"]), shapely.geometry.shape(theirs["geometry"])
        assert a.hausdorff_distance(b) <= 2  # tile units (the simplification's tolerance differs)
        assert a.area == pytest.approx(b.area, rel=0.01)


def test_a_changed_boundary_changes_its_stored_web_mercator_geometry(demo):
    mitte = demo["08118048-01"]
    before = mitte.geom.area
    mitte.geom = MultiPolygon(mitte.geom.buffer(-50))
    mitte.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(ST_Transform(geom, 3857)) - ST_Area(geom_web), ST_SRID(geom_web) "
            "FROM quartiere_area WHERE id = %s",
            [mitte.pk],
        )
        difference, srid = cursor.fetchone()
    assert srid == 3857
    assert abs(difference) < 1e-3
    assert Area.objects.get(pk=mitte.pk).geom.area < before


def test_head_of_a_tile_has_the_headers_and_no_body(client, demo):
    url = "/tiles/quartiere/{}/{}/{}.mvt".format(*LUDWIGSBURG_Z12)
    get = client.get(url)
    head = client.head(url)

    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"] and int(head["Content-Length"]) == len(get.content)
