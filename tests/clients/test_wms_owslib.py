"""OWSLib's WebMapService (1.3.0 and 1.1.1) against the live WMS: capabilities parsed with every layer's
CRSs and boxes, GetMap and GetFeatureInfo, a ServiceException for each bad request, and the axis
order agreeing between EPSG:4326 (1.3.0, lat/lon), CRS:84 and 1.1.1."""

import json
import time
import urllib.error
import urllib.request

import pytest
from owslib.util import ServiceException
from owslib.wms import WebMapService

from geo import layers as registry
from geo.layers import Layer, Style
from tests.fixtures import load_demo_committed
from tests.geo.wms_support import (
    Picture,
    wms_connections,  # noqa: F401
)

pytestmark = [pytest.mark.clients]

CITY_LON_LAT = (9.13, 48.86, 9.27, 48.93)
MITTE_LON_LAT = (9.1913, 48.8956)
ALLOWED = {"EPSG:25832", "EPSG:25833", "EPSG:3857", "EPSG:4326", "EPSG:4258", "EPSG:31467"}
WHITE = (255, 255, 255, 255)


@pytest.fixture
def service(transactional_db, live_server) -> str:
    """The demo, committed so that the live server (and Mapnik) see it; the WMS URL."""
    load_demo_committed()
    return f"{live_server.url}/ows"


def open_wms(url: str, version: str) -> WebMapService:
    return WebMapService(url, version=version, timeout=60)


@pytest.mark.parametrize("version", ["1.3.0", "1.1.1"])
def test_owslib_reads_the_capabilities_and_every_layer_has_crss_and_boxes(service, version):
    wms = open_wms(service, version)

    assert wms.identification.type in ("WMS", "OGC:WMS")
    assert wms.identification.version == version
    assert list(wms.contents) == [layer.id for layer in registry.all_layers()]
    for name, layer in wms.contents.items():
        assert set(layer.crsOptions) >= ALLOWED, name
        west, south, east, north = layer.boundingBoxWGS84
        assert -180 <= west < east <= 180 and -90 <= south < north <= 90, name
        assert layer.queryable == 1
        assert layer.styles and all("legend" in style for style in layer.styles.values())
    quartiere = wms.contents["quartiere"]
    west, south, east, north = quartiere.boundingBoxWGS84
    assert 9.1 < west < east < 9.35 and 48.8 < south < north < 49.0
    assert "image/png" in wms.getOperationByName("GetMap").formatOptions
    assert "application/json" in wms.getOperationByName("GetFeatureInfo").formatOptions


@pytest.mark.parametrize("version", ["1.3.0", "1.1.1"])
def test_owslib_gets_a_map_and_feature_info(service, version):
    wms = open_wms(service, version)

    image = wms.getmap(
        layers=["quartiere", "measures"],
        styles=["", ""],
        srs="EPSG:4326",
        bbox=CITY_LON_LAT,  # OWSLib puts lat/lon first for EPSG:4326 in 1.3.0
        size=(400, 250),
        format="image/png",
        transparent=True,
    )
    picture = Picture(image.read())
    assert (picture.width, picture.height) == (400, 250)
    assert len(picture.painted((0, 0, 0, 0))) > 2000

    lon0, lat0, lon1, lat1 = CITY_LON_LAT
    i = round((MITTE_LON_LAT[0] - lon0) / (lon1 - lon0) * 400)
    j = round((lat1 - MITTE_LON_LAT[1]) / (lat1 - lat0) * 250)
    answer = wms.getfeatureinfo(
        layers=["quartiere"],
        srs="EPSG:4326",
        bbox=CITY_LON_LAT,
        size=(400, 250),
        format="image/png",
        query_layers=["quartiere"],
        info_format="application/json",
        xy=(i, j),
    )
    names = [feature["properties"]["name"] for feature in json.loads(answer.read())["features"]]
    assert names == ["Mitte"]


def test_the_same_rectangle_in_epsg_4326_crs84_and_1_1_1_gives_identical_images(service):
    new, old = open_wms(service, "1.3.0"), open_wms(service, "1.1.1")
    common = {
        "layers": ["quartiere", "measures"],
        "bbox": CITY_LON_LAT,
        "size": (300, 200),
        "format": "image/png",
    }

    lat_lon = new.getmap(srs="EPSG:4326", **common).read()
    sent = new.request
    crs84 = new.getmap(srs="CRS:84", **common).read()
    x_y = old.getmap(srs="EPSG:4326", **common).read()

    assert "bbox=48.86%2C9.13%2C48.93%2C9.27" in sent  # OWSLib sent latitude first
    assert len(Picture(lat_lon).painted(WHITE)) > 1000
    assert lat_lon == crs84 == x_y


@pytest.fixture
def not_queryable():
    layer = Layer(
        id="test_plain",
        title={"de": "Nur Bild", "en": "Picture only"},
        abstract={"de": "", "en": ""},
        geometry_type="MultiPolygon",
        source="SELECT a.id, a.geom FROM quartiere_area AS a",
        attributes={},
        queryable=(),
        styles=(Style(name="default", title={"de": "Umriss", "en": "Outline"}),),
    )
    registry.register(layer)
    yield layer
    registry._registry.pop(layer.id, None)


MAP = {
    "layers": ["quartiere"],
    "srs": "EPSG:25832",
    "bbox": (509000, 5411000, 523000, 5421000),
    "size": (64, 64),
    "format": "image/png",
}


@pytest.mark.parametrize("version", ["1.3.0", "1.1.1"])
def test_owslib_raises_a_service_exception_for_each_bad_request(service, version, not_queryable):
    wms = open_wms(service, version)
    info = {**MAP, "query_layers": ["quartiere"], "info_format": "application/json", "xy": (5, 5)}
    bad_requests = {
        "LayerNotDefined": lambda: wms.getmap(**{**MAP, "layers": ["nowhere"]}),
        "StyleNotDefined": lambda: wms.getmap(**MAP, styles=["fancy"]),
        "InvalidCRS": lambda: wms.getmap(**{**MAP, "srs": "EPSG:4269"}),
        "InvalidFormat": lambda: wms.getmap(**{**MAP, "format": "image/gif"}),
        "InvalidParameterValue": lambda: wms.getmap(**{**MAP, "size": (100_000, 100)}),
        "MissingParameterValue": lambda: wms.getmap(**{**MAP, "format": ""}),
        "LayerNotQueryable": lambda: wms.getfeatureinfo(
            **{**info, "layers": ["test_plain"], "query_layers": ["test_plain"]}
        ),
        "InvalidPoint": lambda: wms.getfeatureinfo(**{**info, "xy": (64, 5)}),
        "InvalidFormat ": lambda: wms.getfeatureinfo(**{**info, "info_format": "application/pdf"}),
    }
    for code, bad in bad_requests.items():
        with pytest.raises(ServiceException) as raised:
            bad().read()
        expected = "InvalidSRS" if code == "InvalidCRS" and version == "1.1.1" else code.strip()
        assert expected in str(raised.value), code
        assert "Traceback" not in str(raised.value)


def test_a_width_of_100000_is_an_xml_exception_at_once(service):
    url = (
        f"{service}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=quartiere&STYLES=&CRS=EPSG:25832"
        "&BBOX=509000,5411000,523000,5421000&WIDTH=100000&HEIGHT=100000&FORMAT=image/png&EXCEPTIONS=INIMAGE"
    )
    started = time.perf_counter()
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(url, timeout=30)  # noqa: S310 (the live test server)
    elapsed = time.perf_counter() - started

    assert elapsed < 2.0
    assert raised.value.code == 400
    assert raised.value.headers["Content-Type"].startswith("text/xml")
    body = raised.value.read()
    assert b'code="InvalidParameterValue"' in body and b"WIDTH" in body
