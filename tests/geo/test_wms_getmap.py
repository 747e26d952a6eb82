"""WMS GetMap: images drawn by Mapnik from the committed demo — formats, background, layer order,
styles, axis order, CRSs, and what the SQL does (index, generalisation)."""

import dataclasses
import math
import os

import pytest
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection

from geo import layers as registry
from geo.wms import crs as wms_crs
from geo.wms.render import label_sql, layer_sql
from tests.geo.wms_support import (
    CITY_25832,
    MITTE_25832,
    Picture,
    committed_demo,
    getmap,
    wms_connections,  # noqa: F401
)

pytestmark = pytest.mark.django_db

WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


@pytest.fixture(scope="module", autouse=True)
def committed(django_db_setup, django_db_blocker):
    with committed_demo(django_db_blocker):
        yield


def draw(client, *args, **kwargs) -> bytes:
    response = client.get(getmap(*args, **kwargs))
    assert response.status_code == 200, response.content[:400]
    return response.content


def near(colour, rgb, tolerance=8) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], rgb, strict=True)) and colour[3] == 255


def test_it_draws_a_png_of_the_requested_size_even_when_the_aspect_differs(client):
    response = client.get(getmap(size=(300, 120)))

    assert response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    picture = Picture(response.content)
    assert (picture.width, picture.height) == (300, 120)
    assert len(picture.painted(WHITE)) > 500


def test_the_measures_by_geometry_type_draw_what_the_mixed_layer_draws(client):
    painted = {
        layer: Picture(draw(client, layers=layer, TRANSPARENT="TRUE")).painted(CLEAR)
        for layer in ("measures", "measures_areas", "measures_lines", "measures_points")
    }

    mixed = painted.pop("measures")
    assert all(len(pixels) > 100 for pixels in painted.values())
    # the same geometries in the same style (a pixel or two of anti-aliasing may differ)
    assert len(mixed - set().union(*painted.values())) <= len(mixed) // 100


def test_it_draws_jpeg(client):
    response = client.get(getmap(FORMAT="image/jpeg"))

    assert response["Content-Type"] == "image/jpeg"
    assert response.content[:3] == b"\xff\xd8\xff"


def test_the_background_is_white_unless_transparent_or_bgcolor_say_otherwise(client):
    default = Picture(draw(client))
    transparent = Picture(draw(client, TRANSPARENT="TRUE"))
    coloured = Picture(draw(client, BGCOLOR="0x336699"))

    assert default.rgba(0, 0) == WHITE
    assert transparent.rgba(0, 0) == CLEAR
    assert coloured.rgba(0, 0) == (0x33, 0x66, 0x99, 255)
    # the same drawing (anti-aliased edges fade into white, but stay visible on transparent)
    assert len(transparent.painted(CLEAR)) == pytest.approx(len(default.painted(WHITE)), rel=0.1)


def test_layers_are_drawn_in_the_order_given(client):
    one = Picture(draw(client, layers="priorities,focus_areas"))
    other = Picture(draw(client, layers="focus_areas,priorities"))

    differing = [(x, y) for x, y in one.painted(WHITE) if one.rgba(x, y) != other.rgba(x, y)]
    assert len(differing) > 100  # where focus areas overlap the choropleth
    assert len(one.painted(WHITE)) == len(other.painted(WHITE))  # the same features, stacked differently


def test_empty_or_missing_styles_mean_the_default_style(client):
    empty = draw(client, layers="measures,quartiere")
    named = draw(client, layers="measures,quartiere", STYLES="by_status,default")
    one_empty = draw(client, layers="measures,quartiere", STYLES="by_status,")

    assert empty == named == one_empty


def test_a_bbox_outside_the_data_gives_an_empty_image(client):
    spain = (400_000.0, 4_400_000.0, 420_000.0, 4_420_000.0)
    world = (-180.0, -90.0, 180.0, 90.0)

    assert Picture(draw(client, spain, layers="quartiere,measures")).painted(WHITE) == set()
    assert Picture(draw(client, world, crs="CRS:84", layers="quartiere,measures")).painted(WHITE) != set()


def test_bbox_in_exponential_notation_is_the_same_map(client):
    plain = draw(client, "509000,5411000,523000,5421000")
    exponential = draw(client, "5.09e5,5.411E+6,5.23e5,5.421e6")

    assert exponential == plain


def city_degrees() -> tuple[float, float, float, float]:
    """The demo city as lon/lat: min lon, min lat, max lon, max lat."""
    return 9.13, 48.86, 9.27, 48.93


def test_one_rectangle_as_epsg_4326_in_1_3_0_crs84_and_1_1_1_gives_identical_images(client):
    lon0, lat0, lon1, lat1 = city_degrees()
    lat_lon = draw(client, (lat0, lon0, lat1, lon1), crs="EPSG:4326", layers="quartiere,measures")
    crs84 = draw(client, (lon0, lat0, lon1, lat1), crs="CRS:84", layers="quartiere,measures")
    old = client.get(
        getmap((lon0, lat0, lon1, lat1), layers="quartiere,measures", crs="x")
        .replace("CRS=x", "SRS=EPSG%3A4326")
        .replace("VERSION=1.3.0", "VERSION=1.1.1")
    ).content

    assert len(Picture(lat_lon).painted(WHITE)) > 1000
    assert lat_lon == crs84 == old


def test_etrs89_and_dhdn_zone_3_in_1_3_0_put_the_north_axis_first(client):
    lon0, lat0, lon1, lat1 = city_degrees()
    etrs89 = draw(client, (lat0, lon0, lat1, lon1), crs="EPSG:4258", layers="quartiere")
    swapped = client.get(getmap((lon0, lat0, lon1, lat1), crs="EPSG:4258", layers="quartiere"))

    assert len(Picture(etrs89).painted(WHITE)) > 1000
    # the same numbers read east-first are a box near the Horn of Africa (or out of range): no city
    assert swapped.status_code == 400 or Picture(swapped.content).painted(WHITE) == set()

    south_west = Point(CITY_25832[0], CITY_25832[1], srid=25832).transform(31467, clone=True)
    north_east = Point(CITY_25832[2], CITY_25832[3], srid=25832).transform(31467, clone=True)
    dhdn = (south_west.y, south_west.x, north_east.y, north_east.x)  # northing (Hochwert) first
    drawn = Picture(draw(client, dhdn, crs="EPSG:31467", layers="quartiere"))
    reference = Picture(draw(client, CITY_25832, layers="quartiere"))
    assert len(drawn.painted(WHITE)) == pytest.approx(len(reference.painted(WHITE)), rel=0.1)


def painted_near(picture: Picture, other: set[tuple[int, int]], x: int, y: int) -> bool:
    return any((x + dx, y + dy) in other for dx in (-1, 0, 1) for dy in (-1, 0, 1))


def test_a_polygon_lands_on_the_same_pixels_in_utm_and_web_mercator(client):
    # a 4 km square around Mitte, and the same square in EPSG:3857 (scaled at its centre)
    x, y = MITTE_25832
    half = 2_000.0
    centre = Point(x, y, srid=25832).transform(3857, clone=True)
    east = Point(x + 1_000, y, srid=25832).transform(3857, clone=True)
    scale = math.dist((centre.x, centre.y), (east.x, east.y)) / 1_000
    utm = Picture(draw(client, (x - half, y - half, x + half, y + half), layers="quartiere", STYLES=""))
    mercator = Picture(
        draw(
            client,
            (
                centre.x - half * scale,
                centre.y - half * scale,
                centre.x + half * scale,
                centre.y + half * scale,
            ),
            crs="EPSG:3857",
            layers="quartiere",
        )
    )

    a, b = utm.painted(WHITE), mercator.painted(WHITE)
    assert len(a) > 1000
    assert sum(painted_near(utm, b, px, py) for px, py in a) >= 0.98 * len(a)
    assert sum(painted_near(mercator, a, px, py) for px, py in b) >= 0.98 * len(b)


@pytest.mark.parametrize("layer_id", ["quartiere", "regions"])
def test_a_web_mercator_map_from_the_stored_geometry_is_the_transformed_one(client, monkeypatch, layer_id):
    """``quartiere_area.geom_web`` (the layers' ``source_3857``) draws what transforming ``geom``
    draws: the same pixels, give or take the anti-aliased edge of a line."""
    x, y = MITTE_25832
    half = 6_000 if layer_id == "quartiere" else 45_000  # the region's outline is far from Mitte
    box = (
        Point(x - half, y - half, srid=25832).transform(3857, clone=True).coords
        + Point(x + half, y + half, srid=25832).transform(3857, clone=True).coords
    )
    layer = registry.get(layer_id)
    assert layer.source_3857 is not None
    assert "geom_web" in layer_sql(layer, wms_crs.parse("EPSG:3857", "1.3.0"))
    stored = Picture(draw(client, box, crs="EPSG:3857", layers=layer_id, size=(384, 384)))
    monkeypatch.setitem(registry._registry, layer_id, dataclasses.replace(layer, source_3857=None))
    transformed = Picture(draw(client, box, crs="EPSG:3857", layers=layer_id, size=(384, 384)))

    a, b = stored.painted(WHITE), transformed.painted(WHITE)
    assert len(a) > 500
    assert sum(painted_near(stored, b, px, py) for px, py in a) >= 0.99 * len(a)
    assert sum(painted_near(transformed, a, px, py) for px, py in b) >= 0.99 * len(b)


def test_measures_are_coloured_by_status(client):
    picture = Picture(draw(client, layers="measures", size=(512, 512)))
    colours = picture.pixels()

    for status_colour in ((0x1E, 0x88, 0xE5), (0xFB, 0x8C, 0x00), (0x43, 0xA0, 0x47), (0x8E, 0x24, 0xAA)):
        assert sum(near(c, status_colour) for c in colours) > 20, status_colour


def test_quartiere_are_outlined_and_labelled(client):
    picture = Picture(draw(client, layers="quartiere", size=(512, 512)))
    colours = picture.pixels()

    outline = sum(near(c, (0x1F, 0x5F, 0x8B), 30) for c in colours)
    label_text = sum(near(c, (0x16, 0x43, 0x61), 20) for c in colours)
    assert outline > 500
    assert label_text > 100


def test_geodjango_transforms_still_work_after_a_render(client):
    draw(client, layers="quartiere,measures", crs="EPSG:3857", size=(64, 64))

    point = GEOSGeometry("POINT (9.1913 48.8956)", srid=4326)
    point.transform(25832)
    assert point.x == pytest.approx(MITTE_25832[0], abs=100)
    assert point.y == pytest.approx(MITTE_25832[1], abs=100)
    assert os.environ["PROJ_LIB"] == "/usr/share/proj"
    assert "mapnik" not in os.environ.get("GDAL_DATA", "")


ENVELOPES = {
    "EPSG:3857": "ST_MakeEnvelope(1014000, 6250000, 1030000, 6265000, 3857)",
    "EPSG:25832": "ST_MakeEnvelope(509000, 5411000, 523000, 5421000, 25832)",
}


def only_spatial_indexes(tables) -> None:
    """Leave the planner no other index than the spatial ones on ``tables`` (for the rest of this
    test's transaction, which rolls back): on a few demo rows the choice between the spatial index
    and, say, the ``published`` b-tree depends on the statistics of the moment, not on the query.
    Indexes backing a constraint stay; nothing in the queries can use them as a bitmap condition."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text
            FROM pg_index AS i
            JOIN pg_class AS ic ON ic.oid = i.indexrelid
            JOIN pg_am AS am ON am.oid = ic.relam
            WHERE i.indrelid = ANY (%s::regclass[]) AND am.amname <> 'gist'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)
            """,
            [list(tables)],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SET LOCAL enable_indexscan = off")  # bitmap scans need a condition the index takes


def explain(sql: str, crs: str) -> str:
    """The plan of a Mapnik datasource's table with its tokens filled as Mapnik would."""
    query = sql.replace("!bbox!", ENVELOPES[crs]).replace("!pixel_width!", "31.25")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT * FROM {query}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("crs", ["EPSG:3857", "EPSG:25832"])
@pytest.mark.parametrize("layer_id", ["quartiere", "measures", "measures_areas"])
def test_the_map_queries_filter_where_a_spatial_index_is(layer_id, crs):
    """In the storage CRS, or in EPSG:3857 on a layer's ``source_3857`` (its stored copy in it)."""
    layer = registry.get(layer_id)
    system = wms_crs.parse(crs, "1.3.0")
    only_spatial_indexes(layer.tables)

    plan = explain(layer_sql(layer, system), crs)
    assert "Index" in plan and "_geom_" in plan, plan
    if crs == "EPSG:3857" and layer.source_3857:
        assert "geom_web_gist" in plan and "st_transform" not in plan.lower(), plan
    if layer.default_style.label:
        label_plan = explain(label_sql(layer, layer.default_style, system), crs)
        assert "Index" in label_plan, label_plan


def vertices(layer_id: str, pixel_width: float) -> int:
    sql = (
        layer_sql(registry.get(layer_id), wms_crs.parse("EPSG:25832", "1.3.0"))
        .replace("!bbox!", "ST_MakeEnvelope(480000, 5360000, 570000, 5440000, 25832)")
        .replace("!pixel_width!", "%s")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sum(ST_NPoints(geom)), count(*) FROM {sql}", [pixel_width])
        total, count = cursor.fetchone()
    assert count == 12 + 4  # Ludwigsburg's and Kornwestheim's
    return total


def test_geometry_is_generalised_to_the_pixel_size():
    fine = vertices("quartiere", 0.5)  # a street map
    coarse = vertices("quartiere", 500.0)  # all of Baden-Württemberg on 512 pixels

    assert coarse < fine
    assert coarse >= 4 * 12  # every Quartier is kept, if as a small ring


def test_image_png_is_a_lossless_truecolour_png_of_the_pixels_mapnik_drew(client, monkeypatch):
    from io import BytesIO

    from PIL import Image

    from geo.wms import render

    drawn = []
    encode = render.encode_png

    def keep(image) -> bytes:  # a spy: the real encoder runs, the drawn image is kept to compare with
        drawn.append(image)
        return encode(image)

    monkeypatch.setattr(render, "encode_png", keep)
    body = draw(client, layers="quartiere,measures", size=(300, 200))

    decoded = Image.open(BytesIO(body))
    decoded.load()  # a checksum error or a truncated stream would raise here
    assert decoded.format == "PNG" and decoded.mode == "RGBA" and decoded.size == (300, 200)
    (image,) = drawn
    assert decoded.tobytes() == image.to_string()  # every pixel as drawn, anti-aliasing included
    mapnik_png = Image.open(BytesIO(image.to_string("png32")))
    assert decoded.tobytes() == mapnik_png.convert("RGBA").tobytes()  # what Mapnik's own writer gives
    assert len({decoded.getpixel((x, y)) for x in range(0, 300, 3) for y in range(0, 200, 3)}) > 20


def test_the_8_bit_png_stays_a_palette_image_on_request(client):
    from io import BytesIO

    from PIL import Image

    palette = Image.open(BytesIO(draw(client, layers="quartiere,measures", FORMAT="image/png; mode=8bit")))
    truecolour = Image.open(BytesIO(draw(client, layers="quartiere,measures", FORMAT="image/png")))

    assert palette.mode == "P" and truecolour.mode == "RGBA"
    assert palette.size == truecolour.size


def test_a_transparent_png_keeps_its_alpha(client):
    picture = Picture(draw(client, layers="quartiere", TRANSPARENT="TRUE"))

    alphas = {picture.rgba(x, y)[3] for y in range(picture.height) for x in range(picture.width)}
    assert 0 in alphas and 255 in alphas and len(alphas) > 2  # clear, opaque and anti-aliased edges
