"""Real clients on the ``indicators`` layer against the live service: OWSLib's WMS (capabilities with
the Dimension elements, GetMap with TIME and DIM_INDICATOR, a bad dimension), GDAL's OAPIF driver
reading the collection, and GetFeatureInfo / GetLegendGraphic honouring the dimensions."""

import json
import subprocess

import pytest
from lxml import etree
from owslib.util import ServiceException
from owslib.wms import WebMapService

from indicators.layers import NEED_CLASSES, NO_DATA_COLOUR
from tests.fixtures import X0, Y0
from tests.geo.wms_support import (
    WMS_NS,
    Picture,
    capabilities_schema,
    getmap,
    ows,
    wms_connections,  # noqa: F401
)
from tests.indicators.maps.conftest import CLASSES, build_city

pytestmark = [pytest.mark.clients]

CITY_BOX = (X0 - 5000.0, Y0 - 5000.0, X0 + 5000.0, Y0 + 5000.0)
SIZE = 200
# pixels of the four Quartiere, away from their labels in a 200 px image of CITY_BOX (y down): Q1 south-west …
PIXELS = {"Q1": (20, 180), "Q2": (180, 180), "Q3": (20, 20), "Q4": (180, 20)}


@pytest.fixture
def service(transactional_db, live_server) -> str:
    """The small city, committed so that Mapnik and the live server (own connections) see it; the
    test database is emptied after each test (transactional_db)."""
    build_city()
    return f"{live_server.url}/ows"


def hex_of(rgba: tuple[int, int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3])


def blend(colour: str, opacity: float = 0.75) -> tuple[int, int, int]:
    """``colour`` at ``opacity`` over white (the map's background)."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return tuple(round(c * opacity + 255 * (1 - opacity)) for c in channels)  # type: ignore[return-value]


def close(rgba, expected, tolerance: int = 6) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgba[:3], expected, strict=True))


def test_owslib_getmap_with_time_and_indicator_draws_the_classes(service, tmp_path):
    wms = WebMapService(service, version="1.3.0", timeout=60)
    layer = wms.contents["indicators"]
    assert layer.dimensions["time"]["values"] == ["2022/2023/P1Y"]
    assert layer.dimensions["time"]["default"] == "2023"
    assert layer.dimensions["indicator"]["values"] == ["gruen", "armut"]
    assert layer.dimensions["indicator"]["default"] == "gruen"

    pictures = {}
    for key in ("armut", "gruen"):
        image = wms.getmap(
            layers=["indicators"],
            srs="EPSG:25832",
            bbox=CITY_BOX,
            size=(SIZE, SIZE),
            format="image/png",
            time="2023",
            dimensions={"indicator": key},
        ).read()
        (tmp_path / f"{key}.png").write_bytes(image)
        pictures[key] = Picture(image)
    colours = {number: colour for number, _de, _en, colour in NEED_CLASSES}
    for key in ("armut", "gruen"):
        for code, (x, y) in PIXELS.items():
            expected = blend(colours[CLASSES[(key, 2023)][code]])
            assert close(pictures[key].rgba(x, y), expected), (key, code, hex_of(pictures[key].rgba(x, y)))
    # the two indicators give different images
    assert pictures["armut"].rgba(*PIXELS["Q1"]) != pictures["gruen"].rgba(*PIXELS["Q1"])
    # 2022 has no value for Q4: drawn grey
    older = Picture(
        wms.getmap(
            layers=["indicators"], srs="EPSG:25832", bbox=CITY_BOX, size=(SIZE, SIZE), format="image/png",
            time="2022", dimensions={"indicator": "armut"},
        ).read()
    )  # fmt: skip
    assert close(older.rgba(*PIXELS["Q4"]), blend(NO_DATA_COLOUR))
    assert close(older.rgba(*PIXELS["Q2"]), blend(colours[3]))


def test_owslib_bad_dimension_is_invalid_dimension_value(service):
    wms = WebMapService(service, version="1.3.0", timeout=60)
    for time, indicator in [("2019", "armut"), ("2023", "unbekannt"), ("2022/2023", "armut")]:
        with pytest.raises(ServiceException) as raised:
            wms.getmap(
                layers=["indicators"], srs="EPSG:25832", bbox=CITY_BOX, size=(64, 64), format="image/png",
                time=time, dimensions={"indicator": indicator},
            )  # fmt: skip
        assert "InvalidDimensionValue" in str(raised.value) or "not" in str(raised.value)


def test_capabilities_and_reports_in_xml(service, client):
    xml = etree.fromstring(client.get(ows(SERVICE="WMS", REQUEST="GetCapabilities", VERSION="1.3.0")).content)
    schema = capabilities_schema()
    assert schema.validate(xml), schema.error_log  # with the Dimension elements
    layer = xml.find(".//wms:Layer[wms:Name='indicators']", WMS_NS)
    dimensions = {d.get("name"): d for d in layer.findall("wms:Dimension", WMS_NS)}
    assert dimensions["time"].get("units") == "ISO8601" and dimensions["time"].text == "2022/2023/P1Y"
    assert dimensions["indicator"].text == "gruen,armut"
    bad = client.get(getmap(CITY_BOX, layers="indicators", TIME="2021", DIM_INDICATOR="armut"))
    report = etree.fromstring(bad.content)
    exception = report.find(".//{http://www.opengis.net/ogc}ServiceException")
    assert bad.status_code == 400
    assert exception.get("code") == "InvalidDimensionValue" and exception.get("locator") == "TIME"
    bad = client.get(getmap(CITY_BOX, layers="indicators", DIM_INDICATOR="x'--"))
    exception = etree.fromstring(bad.content).find(".//{http://www.opengis.net/ogc}ServiceException")
    assert exception.get("code") == "InvalidDimensionValue" and exception.get("locator") == "DIM_INDICATOR"


def test_feature_info_and_legend_honour_the_dimensions(service, client):
    info = client.get(
        getmap(CITY_BOX, layers="indicators", size=(SIZE, SIZE), TIME="2022", DIM_INDICATOR="armut",
               REQUEST="GetFeatureInfo", QUERY_LAYERS="indicators", INFO_FORMAT="application/json",
               I=50, J=50)
    )  # fmt: skip
    properties = json.loads(info.content)["features"][0]["properties"]
    assert (properties["code"], properties["indicator"], properties["year"], properties["value"]) == (
        "Q3",
        "armut",
        2022,
        30.0,
    )
    one = client.get(ows(SERVICE="WMS", REQUEST="GetLegendGraphic", LAYER="indicators", FORMAT="image/png",
                         DIM_INDICATOR="armut", TIME="2022"))  # fmt: skip
    two = client.get(ows(SERVICE="WMS", REQUEST="GetLegendGraphic", LAYER="indicators", FORMAT="image/png",
                         DIM_INDICATOR="gruen"))  # fmt: skip
    assert one.status_code == two.status_code == 200
    assert one.content != two.content  # the heading names the indicator and year
    assert one["ETag"] != two["ETag"]


def test_gdal_reads_the_collection_through_oapif(service, live_server, tmp_path):
    # GDAL turns an attribute filter on a queryable into the query parameter (?indicator=armut); the
    # year is the default, armut's latest (2023)
    out = tmp_path / "indicators.geojson"
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "GeoJSON",
            str(out),
            f"OAPIF:{live_server.url}/ogc",
            "indicators",
            "-where",
            "indicator = 'armut'",
            "-oo",
            "PAGE_SIZE=10",
        ],  # fmt: skip
        check=True,
        capture_output=True,
        timeout=60,
    )
    features = json.loads(out.read_text())["features"]
    assert {f["properties"]["code"]: f["properties"]["need_class"] for f in features} == CLASSES[
        ("armut", 2023)
    ]
    info = subprocess.run(
        ["ogrinfo", "-ro", "-so", f"OAPIF:{live_server.url}/ogc", "indicators"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "Feature Count: 4" in info and "need_class: Integer" in info
