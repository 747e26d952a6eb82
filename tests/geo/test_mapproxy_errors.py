"""Bad WMTS requests get an OWS ExceptionReport naming the problem, with a 4xx status, never a 500:
those MapProxy answers itself (an unknown layer or tile matrix set, a tile outside the matrix) and
those it would answer with a 500 (a missing parameter, an unknown operation, a malformed path), which
/wmts answers before it."""

import pytest
from django.test import Client
from lxml import etree

OWS = {"ows": "http://www.opengis.net/ows/1.1"}
ADV = "DE_EPSG_25832_ADV"
TILE = {
    "SERVICE": "WMTS",
    "REQUEST": "GetTile",
    "VERSION": "1.0.0",
    "LAYER": "quartiere",
    "STYLE": "default",
    "TILEMATRIXSET": ADV,
    "TILEMATRIX": "08",
    "TILEROW": "180",
    "TILECOL": "114",
    "FORMAT": "image/png",
}


@pytest.fixture
def client(db, settings, tmp_path) -> Client:
    settings.MAPPROXY_CACHE_DIR = tmp_path / "tiles"
    settings.MAPPROXY_SOURCE_URL = "http://127.0.0.1:9"  # never asked: no request here reaches a tile
    return Client()


def exception(response) -> tuple[str, str | None, str]:
    assert "xml" in response["Content-Type"]
    root = etree.fromstring(response.content, etree.XMLParser(no_network=True, resolve_entities=False))
    assert root.tag == "{http://www.opengis.net/ows/1.1}ExceptionReport"
    found = root.find("ows:Exception", OWS)
    return (
        found.get("exceptionCode"),
        found.get("locator"),
        found.findtext("ows:ExceptionText", namespaces=OWS),
    )


@pytest.mark.parametrize(
    ("change", "code", "locator"),
    [
        ({"REQUEST": None}, "MissingParameterValue", "request"),
        ({"REQUEST": "GetMap"}, "OperationNotSupported", "request"),
        ({"SERVICE": "WMS"}, "InvalidParameterValue", "service"),
        ({"TILEROW": None}, "MissingParameterValue", "tilerow"),
        ({"FORMAT": None}, "MissingParameterValue", "format"),
        ({"TILECOL": "x1"}, "InvalidParameterValue", "tilecol"),
        ({"TILEMATRIX": "-1"}, "InvalidParameterValue", "tilematrix"),
        ({"STYLE": "<b>bold</b>"}, "InvalidParameterValue", "style"),
        ({"LAYER": "nope"}, "InvalidParameterValue", None),  # MapProxy's own answer
        ({"TILEMATRIXSET": "EPSG:4326"}, "InvalidParameterValue", None),
        ({"TILEROW": "999999"}, "TileOutOfRange", None),
    ],
)
def test_a_bad_kvp_request_gets_an_exception_report_with_400(client, change, code, locator):
    params = {key: value for key, value in {**TILE, **change}.items() if value is not None}

    response = client.get("/wmts", params)

    assert response.status_code == 400
    assert exception(response)[:2] == (code, locator)


def test_the_report_names_the_parameter_and_escapes_what_the_request_sent(client):
    response = client.get("/wmts", {**TILE, "REQUEST": "<script>x</script>"})

    code, locator, text = exception(response)
    assert (code, locator) == ("OperationNotSupported", "request")
    assert "<script>" in text and b"<script>" not in response.content  # as text, escaped
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    ["/wmts/quartiere/DE_EPSG_25832_ADV/08/114/180.jpg", "/wmts/quartiere/x/y", "/wmts/1.0.0/Other.xml"],
)
def test_a_malformed_rest_path_gets_an_exception_report_with_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert exception(response)[0] == "InvalidParameterValue"


def test_rest_requests_for_unknown_layers_and_levels_get_mapproxys_report(client):
    unknown = client.get(f"/wmts/nope/{ADV}/08/114/180.png")
    beyond = client.get(f"/wmts/quartiere/{ADV}/30/1/1.png")

    assert unknown.status_code == 400 and exception(unknown)[0] == "InvalidParameterValue"
    assert beyond.status_code == 400 and exception(beyond)[0] == "TileOutOfRange"


def test_only_get_and_head_are_allowed(client):
    assert client.post("/wmts", TILE).status_code == 405
    assert client.get("/wmts", {"SERVICE": "WMTS", "REQUEST": "GetCapabilities"}).status_code == 200
