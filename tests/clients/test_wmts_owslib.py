"""The WMTS at /wmts (MapProxy in front of our own /ows) as OWSLib's WebMapTileService and QGIS's WMTS
provider (Debian's python3-qgis, headless) take it, against a live server: capabilities with every
registry layer on the AdV tile matrix set for EPSG:25832 and on GoogleMapsCompatible, tiles by KVP and
REST with the Quartiere drawn where they are, a second request served from the cache (no request at the
WMS), a data write invalidating the layer's tiles, and seeding writing the tiles of a box."""

import json
import math
import os
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.utils import CursorWrapper
from django.test.testcases import LiveServerThread
from owslib.wmts import WebMapTileService

from geo import crs, dataversion
from geo import layers as registry
from geo.wmts import config
from tests.geo.wms_support import (
    MITTE_25832,
    Picture,
    committed_demo,
    wms_connections,  # noqa: F401
)

pytestmark = [pytest.mark.clients]

ADV = "DE_EPSG_25832_ADV"
GOOGLE = "GoogleMapsCompatible"
# the AdV's published tile matrix set (GDI-DE WMTS profile): scale denominators of the first levels
ADV_SCALES = (17471320.7508974, 8735660.37544872, 4367830.18772436, 2183915.09386218)
ADV_TOP_LEFT = (-46133.17, 6301219.54)
ADV_LEVEL0_RES = 4891.96981025128
# GoogleMapsCompatible (WMTS 1.0.0, Annex E.4): level 0 at 1:559082264.0287178
GOOGLE_SCALE0 = 559082264.0287178
MITTE_LON_LAT = (9.1913, 48.8956)
QGIS_SCRIPT = Path(__file__).with_name("qgis_wmts.py")
TRANSPARENT = (0, 0, 0, 0)


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo, committed for the module, and a live server of its own (pytest-django's ``live_server``
    would flush the tables after each test, and ``load_demo`` takes seconds); its URL."""
    with committed_demo(django_db_blocker):
        with django_db_blocker.unblock():
            thread = LiveServerThread("localhost", static_handler=lambda handler: handler)
            thread.daemon = True
            thread.start()
            thread.is_ready.wait()
            if thread.error:
                raise thread.error
        yield f"http://localhost:{thread.port}"
        thread.terminate()
        with django_db_blocker.unblock():
            connections.close_all()


@pytest.fixture
def wmts(server, db, settings, tmp_path) -> str:
    """MapProxy's source is the live server's /ows, its cache a fresh directory; the WMTS URL."""
    settings.MAPPROXY_SOURCE_URL = server
    settings.MAPPROXY_CACHE_DIR = tmp_path / "tiles"
    return f"{server}/wmts"


@contextmanager
def committed_write() -> Iterator[CursorWrapper]:
    """A cursor on a connection of its own, in autocommit: what it writes the live server sees at once
    (the test's own connection is inside the test's transaction)."""
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            yield cursor
    finally:
        own.close()


@pytest.fixture
def source_requests() -> Iterator[list[str]]:
    """The paths of the requests the live server receives at /ows (MapProxy's source requests)."""
    seen: list[str] = []

    def record(sender, environ, **kwargs):
        if environ.get("PATH_INFO") == "/ows":
            seen.append(environ.get("QUERY_STRING", ""))

    request_started.connect(record, weak=False, dispatch_uid="test_wmts_source_requests")
    try:
        yield seen
    finally:
        request_started.disconnect(dispatch_uid="test_wmts_source_requests")


def adv_tile(x: float, y: float, level: int) -> tuple[int, int]:
    """(column, row) of the AdV tile containing (x, y) in EPSG:25832: from the published definition."""
    size = 256 * ADV_LEVEL0_RES / 2**level
    return math.floor((x - ADV_TOP_LEFT[0]) / size), math.floor((ADV_TOP_LEFT[1] - y) / size)


def google_tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """(column, row) of the Web Mercator (XYZ) tile containing lon/lat."""
    n = 2**zoom
    lat_r = math.radians(lat)
    return math.floor((lon + 180) / 360 * n), math.floor((1 - math.asinh(math.tan(lat_r)) / math.pi) / 2 * n)


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - the live server
        return response.status, response.headers["Content-Type"], response.read()


def painted(png: bytes) -> int:
    return len(Picture(png).painted(TRANSPARENT))


def test_owslib_reads_every_layer_on_both_tile_matrix_sets(wmts):
    service = WebMapTileService(wmts, version="1.0.0", timeout=60)

    assert service.identification.type == "OGC WMTS"
    assert list(service.contents) == [layer.id for layer in registry.all_layers()]
    assert service.contents["quartiere"].title == registry.get("quartiere").title_in("de")
    for name, layer in service.contents.items():
        assert set(layer.tilematrixsetlinks) == {ADV, GOOGLE}, name
        assert "image/png" in layer.formats
    adv = service.tilematrixsets[ADV]
    assert re.fullmatch(r"(urn:ogc:def:crs:)?EPSG:[0-9.]*:?25832", adv.crs)
    assert len(adv.tilematrix) == 16
    for level, published in enumerate(ADV_SCALES):
        matrix = adv.tilematrix[f"{level:02d}"]  # identifiers 00, 01, … as the AdV has them
        assert matrix.scaledenominator == pytest.approx(published, rel=1e-9)
        assert matrix.topleftcorner == pytest.approx(ADV_TOP_LEFT, abs=0.01)
        assert (matrix.tilewidth, matrix.tileheight) == (256, 256)
        assert (matrix.matrixwidth, matrix.matrixheight) == (2**level, 2**level)
    google = service.tilematrixsets[GOOGLE]
    assert re.fullmatch(r"(urn:ogc:def:crs:)?EPSG:[0-9.]*:?3857", google.crs)
    assert google.tilematrix["00"].scaledenominator == pytest.approx(GOOGLE_SCALE0, rel=1e-9)
    assert google.tilematrix["00"].topleftcorner == pytest.approx((-20037508.3428, 20037508.3428), abs=0.01)
    assert len(google.tilematrix) == 20

    # the RESTful capabilities name the same layers and a tile template under /wmts
    status, content_type, body = get(f"{wmts}/1.0.0/WMTSCapabilities.xml")
    rest = WebMapTileService(wmts, version="1.0.0", xml=body)
    assert status == 200 and "xml" in content_type
    assert list(rest.contents) == list(service.contents)
    template = rest.contents["quartiere"].resourceURLs[0]["template"]
    assert template == f"{wmts}/quartiere/{{TileMatrixSet}}/{{TileMatrix}}/{{TileCol}}/{{TileRow}}.png"


def advertised(wmts: str) -> dict[str, tuple[float, float, float, float]]:
    service = WebMapTileService(wmts, version="1.0.0", timeout=60)
    return {name: tuple(layer.boundingBoxWGS84) for name, layer in service.contents.items()}


def test_each_layer_advertises_the_extent_of_its_features(wmts):
    # QGIS's "zoom to layer" and a catalogue's footprint read the WGS84BoundingBox: MapProxy gave the
    # whole tile matrix set's, the layers now give their features' (the WMS capabilities' extent)
    boxes = advertised(wmts)
    versions = dataversion.read(registry.all_layers())
    features = 0
    for layer in registry.all_layers():
        extent = dataversion.layer_extent(layer, versions, crs.WGS84)
        if extent is None:
            west, south, east, north = boxes[layer.id]
            assert east - west > 10, layer.id  # without features: the grid's, as before
            continue
        features += 1
        assert boxes[layer.id] == pytest.approx(extent, abs=1e-6), layer.id
    assert features >= 5
    west, south, east, north = boxes["quartiere"]
    assert west < MITTE_LON_LAT[0] < east and south < MITTE_LON_LAT[1] < north
    assert east - west < 0.5 and north - south < 0.5  # Ludwigsburg's Quartiere, not Europe


def test_the_advertised_extent_follows_the_data(wmts):
    with committed_write() as cursor:
        cursor.execute(
            "UPDATE measures_measure SET published = false WHERE published AND id <> ("
            " SELECT min(id) FROM measures_measure WHERE published AND geom IS NOT NULL) RETURNING id"
        )
        hidden = [row[0] for row in cursor.fetchall()]
    try:
        shrunk = advertised(wmts)["measures"]
        measures = [registry.get("measures")]
        left = dataversion.layer_extent(measures[0], dataversion.read(measures), crs.WGS84)
    finally:
        with committed_write() as cursor:
            cursor.execute("UPDATE measures_measure SET published = true WHERE id = ANY(%s)", [hidden])
    assert hidden
    assert shrunk == pytest.approx(left, abs=1e-6)  # the one measure left
    restored = advertised(wmts)["measures"]
    assert restored != pytest.approx(shrunk, abs=1e-6)
    assert restored[0] <= shrunk[0] and restored[2] >= shrunk[2]


def test_tiles_by_kvp_and_rest_show_the_quartiere_and_nothing_far_away(wmts):
    service = WebMapTileService(wmts, version="1.0.0", timeout=60)
    column, row = adv_tile(*MITTE_25832, level=8)

    kvp = service.gettile(
        layer="quartiere", tilematrixset=ADV, tilematrix="08", row=row, column=column, format="image/png"
    ).read()
    status, content_type, rest = get(f"{wmts}/quartiere/{ADV}/08/{column}/{row}.png")

    assert status == 200 and content_type == "image/png"
    assert kvp == rest
    assert painted(kvp) > 500  # the Quartiere's boundaries around Mitte
    far = service.gettile(
        layer="quartiere",
        tilematrixset=ADV,
        tilematrix="08",
        row=row - 6,
        column=column + 6,
        format="image/png",
    ).read()
    assert (Picture(far).width, Picture(far).height) == (256, 256)
    assert painted(far) == 0

    x, y = google_tile(*MITTE_LON_LAT, zoom=12)
    google = service.gettile(
        layer="quartiere", tilematrixset=GOOGLE, tilematrix="12", row=y, column=x, format="image/png"
    ).read()
    assert painted(google) > 500
    status, _, google_rest = get(f"{wmts}/quartiere/{GOOGLE}/12/{x}/{y}.png")
    assert google_rest == google


def test_a_second_request_is_served_from_the_cache(wmts, source_requests, settings):
    column, row = adv_tile(*MITTE_25832, level=9)
    url = f"{wmts}/quartiere/{ADV}/09/{column}/{row}.png"

    first = get(url)[2]
    asked = list(source_requests)
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - the live server
        second = response.read()
        headers = response.headers

    assert len(asked) == 1  # one metatile: 4×4 tiles and a buffer in one GetMap
    assert "crs=EPSG%3A25832" in asked[0] and "layers=quartiere" in asked[0]
    assert source_requests == asked  # nothing new at the WMS
    assert second == first
    # the map services' policy (MapProxy's own is three days), revalidated with MapProxy's ETag
    assert headers["Cache-Control"] == settings.MAP_CACHE_CONTROL
    assert headers["ETag"] and headers["Access-Control-Allow-Origin"] == settings.MAP_CORS_ALLOW_ORIGIN
    revalidated = urllib.request.Request(url, headers={"If-None-Match": headers["ETag"]})
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(revalidated, timeout=60)  # noqa: S310 - the live server
    assert not_modified.value.code == 304
    tiles = list(Path(settings.MAPPROXY_CACHE_DIR, "quartiere").glob(f"*/quartiere/{ADV}/9/*/*.png"))
    assert len(tiles) == 16


def test_a_data_write_invalidates_the_layers_tiles(wmts, source_requests, settings):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM measures_measure "
            "WHERE published AND geom IS NOT NULL ORDER BY id LIMIT 1"
        )
        x, y = cursor.fetchone()
    column, row = adv_tile(x, y, level=10)
    url = f"{wmts}/measures/{ADV}/10/{column}/{row}.png"
    quartiere_url = f"{wmts}/quartiere/{ADV}/10/{column}/{row}.png"
    before = get(url)[2]
    get(quartiere_url)
    assert painted(before) > 0
    generations = {path.name for path in Path(settings.MAPPROXY_CACHE_DIR, "measures").iterdir()}
    asked = len(source_requests)

    with committed_write() as cursor:
        cursor.execute("UPDATE measures_measure SET published = false WHERE published RETURNING id")
        hidden = [row[0] for row in cursor.fetchall()]
    try:
        after = get(url)[2]
    finally:
        with committed_write() as cursor:
            cursor.execute("UPDATE measures_measure SET published = true WHERE id = ANY(%s)", [hidden])
    assert painted(after) == 0  # the measures are gone from the next tile
    assert len(source_requests) == asked + 1  # the changed tile only
    now = {path.name for path in Path(settings.MAPPROXY_CACHE_DIR, "measures").iterdir()}
    assert len(now) == 1 and now != generations  # a new generation, the old one removed
    get(quartiere_url)  # another layer's tiles stay cached
    assert len(source_requests) == asked + 1


def test_seeding_writes_the_tiles_of_a_box_and_they_are_served_without_the_wms(
    wmts, source_requests, settings
):
    west, south, east, north = 9.17, 48.88, 9.21, 48.91  # around Mitte
    level = 11
    out = StringIO()

    call_command(
        "mapproxy_seed",
        bbox=f"{west},{south},{east},{north}",
        levels=str(level),
        layers="quartiere",
        grids=ADV,
        concurrency=1,
        stdout=out,
    )

    # the tiles the box touches, from the published definition (the box's corners in EPSG:25832)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT ST_Transform("
            "ST_Segmentize(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 0.001), 25832)::box2d AS b) AS t",
            [west, south, east, north],
        )
        minx, miny, maxx, maxy = cursor.fetchone()
    first_col, first_row = adv_tile(minx, maxy, level)
    last_col, last_row = adv_tile(maxx, miny, level)
    expected = {
        (col, row) for col in range(first_col, last_col + 1) for row in range(first_row, last_row + 1)
    }
    cached = {
        (int(path.parent.name), int(path.stem))
        for path in Path(settings.MAPPROXY_CACHE_DIR, "quartiere").glob(f"*/quartiere/{ADV}/{level}/*/*.png")
    }
    assert "mapproxy_seed: 1 layer(s)" in out.getvalue()
    assert len(expected) >= 4
    # MapProxy seeds whole metatiles (4×4): every tile of the box, and at most the metatiles around it
    assert expected <= cached
    assert (
        len(cached)
        <= (math.ceil((last_col - first_col + 1) / 4) + 1)
        * (math.ceil((last_row - first_row + 1) / 4) + 1)
        * 16
    )
    asked = len(source_requests)
    column, row = adv_tile(*MITTE_25832, level)
    status, _, tile = get(f"{wmts}/quartiere/{ADV}/{level}/{column}/{row}.png")
    assert status == 200 and len(source_requests) == asked  # served from the seeded cache


def test_the_generated_configuration_is_mapproxys_own(tmp_path, wmts):
    from mapproxy.config.loader import load_configuration

    target = tmp_path / "mapproxy.yaml"
    call_command("mapproxy_config", output=str(target), base_url="http://web:8000", stderr=StringIO())
    loaded = load_configuration(str(target))

    assert set(loaded.caches) == {layer.id for layer in config.cached_layers()}
    assert {ADV, GOOGLE} <= set(loaded.grids)
    assert loaded.sources["quartiere_wms"].conf["req"]["url"] == "http://web:8000/ows"


def qgis(capabilities: str, layer: str, matrix_set: str, crs: str, box: tuple[float, ...]) -> dict:
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(  # noqa: S603 - our script, the system's Python
        ["/usr/bin/python3", str(QGIS_SCRIPT), capabilities, layer, matrix_set, crs, *map(str, box)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(next(line for line in done.stdout.splitlines() if line.startswith("{")))


@pytest.mark.parametrize(
    ("matrix_set", "crs", "city", "elsewhere"),
    [
        (
            ADV,
            "EPSG:25832",
            (509_000, 5_411_000, 523_000, 5_421_000),
            (600_000, 5_500_000, 614_000, 5_510_000),
        ),
        (
            GOOGLE,
            "EPSG:3857",
            (1_021_000, 6_253_000, 1_033_000, 6_262_000),
            (1_121_000, 6_353_000, 1_133_000, 6_362_000),
        ),
    ],
)
def test_qgis_loads_the_quartiere_through_its_wmts_provider(wmts, matrix_set, crs, city, elsewhere):
    capabilities = f"{wmts}/1.0.0/WMTSCapabilities.xml"

    there = qgis(capabilities, "quartiere", matrix_set, crs, city)
    away = qgis(capabilities, "quartiere", matrix_set, crs, elsewhere)

    assert there["valid"] and there["crs"] == crs
    assert there["size"] == [280, 200]
    assert there["painted"] > 1000  # the boundaries of the Quartiere
    assert away["valid"] and away["painted"] == 0
