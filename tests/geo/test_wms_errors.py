"""WMS errors: a ServiceExceptionReport with the standard code for every bad request, XML-escaped,
limits checked before anything is drawn (also for INIMAGE), never a 500."""

import resource
import time

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from geo import layers as registry
from geo.layers import Layer, Style
from tests.geo.wms_support import (
    Picture,
    exception_code,
    getmap,
    ows,
    wms_connections,  # noqa: F401
    xml,
)

pytestmark = pytest.mark.django_db

MAP = {
    "SERVICE": "WMS",
    "VERSION": "1.3.0",
    "REQUEST": "GetMap",
    "LAYERS": "quartiere",
    "STYLES": "",
    "CRS": "EPSG:25832",
    "BBOX": "509000,5411000,523000,5421000",
    "WIDTH": "64",
    "HEIGHT": "64",
    "FORMAT": "image/png",
}
INFO = {**MAP, "REQUEST": "GetFeatureInfo", "QUERY_LAYERS": "quartiere", "I": "10", "J": "10"}
LEGEND = {"SERVICE": "WMS", "REQUEST": "GetLegendGraphic", "LAYER": "quartiere", "FORMAT": "image/png"}


def without(params: dict, name: str) -> dict:
    return {key: value for key, value in params.items() if key != name}


def report(client, params: dict) -> tuple[str | None, str]:
    response = client.get(ows(**params))
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    return exception_code(response.content)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"SERVICE": "WMS"}, "MissingParameterValue"),
        ({"SERVICE": "WMS", "REQUEST": "GetStyles"}, "OperationNotSupported"),
        ({**MAP, "SERVICE": "WCS"}, "InvalidParameterValue"),  # WFS is a service of its own (geo.wfs)
        (without(MAP, "LAYERS"), "MissingParameterValue"),
        (without(MAP, "BBOX"), "MissingParameterValue"),
        (without(MAP, "CRS"), "MissingParameterValue"),
        (without(MAP, "FORMAT"), "MissingParameterValue"),
        (without(MAP, "WIDTH"), "MissingParameterValue"),
        ({**MAP, "LAYERS": "quartiere,nonexistent"}, "LayerNotDefined"),
        ({**MAP, "LAYERS": "quartiere,"}, "LayerNotDefined"),
        ({**MAP, "STYLES": "fancy"}, "StyleNotDefined"),
        ({**MAP, "LAYERS": "quartiere,measures", "STYLES": "default"}, "StyleNotDefined"),
        ({**MAP, "CRS": "EPSG:4269"}, "InvalidCRS"),
        ({**MAP, "CRS": "EPSG:99999999999"}, "InvalidCRS"),
        ({**MAP, "CRS": "+proj=longlat +init=/etc/passwd"}, "InvalidCRS"),
        ({**MAP, "FORMAT": "image/gif"}, "InvalidFormat"),
        ({**MAP, "WIDTH": "abc"}, "InvalidParameterValue"),
        ({**MAP, "WIDTH": "0"}, "InvalidParameterValue"),
        ({**MAP, "HEIGHT": "4097"}, "InvalidParameterValue"),
        ({**MAP, "WIDTH": "1e3"}, "InvalidParameterValue"),
        ({**MAP, "BBOX": "1,2,3"}, "InvalidParameterValue"),
        ({**MAP, "BBOX": "1,2,3,x"}, "InvalidParameterValue"),
        ({**MAP, "BBOX": "nan,0,1,1"}, "InvalidParameterValue"),
        ({**MAP, "BBOX": "5,0,1,1"}, "InvalidParameterValue"),
        ({**MAP, "BBOX": "1e400,0,1e401,1"}, "InvalidParameterValue"),
        ({**MAP, "TRANSPARENT": "maybe"}, "InvalidParameterValue"),
        ({**MAP, "BGCOLOR": "red"}, "InvalidParameterValue"),
        ({**MAP, "LAYERS": ",".join(["quartiere"] * 11)}, "InvalidParameterValue"),
        ({**INFO, "QUERY_LAYERS": "nonexistent"}, "LayerNotDefined"),
        ({**INFO, "I": "64"}, "InvalidPoint"),
        ({**INFO, "J": "-1"}, "InvalidPoint"),
        ({**INFO, "I": "1.5"}, "InvalidPoint"),
        (without(INFO, "I"), "MissingParameterValue"),
        ({**INFO, "INFO_FORMAT": "application/pdf"}, "InvalidFormat"),
        ({**INFO, "FEATURE_COUNT": "0"}, "InvalidParameterValue"),
        (without(LEGEND, "LAYER"), "MissingParameterValue"),
        ({**LEGEND, "LAYER": "nonexistent"}, "LayerNotDefined"),
        ({**LEGEND, "STYLE": "fancy"}, "StyleNotDefined"),
        ({**LEGEND, "FORMAT": "image/jpeg"}, "InvalidFormat"),
    ],
)
def test_each_bad_request_gets_its_standard_code(client, params, code):
    assert report(client, params)[0] == code


def test_1_1_1_reports_have_their_own_type_and_call_the_crs_an_srs(client):
    params = {**MAP, "VERSION": "1.1.1", "SRS": "EPSG:4269"}
    del params["CRS"]
    response = client.get(ows(**params))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/vnd.ogc.se_xml; charset=utf-8"
    root = xml(response.content)
    assert root.tag == "ServiceExceptionReport" and root.get("version") == "1.1.1"
    assert exception_code(response.content)[0] == "InvalidSRS"


def test_the_report_names_the_parameter_and_escapes_what_the_client_sent(client):
    response = client.get(ows(**{**MAP, "LAYERS": '<script>alert("x")</script>&amp;'}))

    assert b"<script>" not in response.content
    root = xml(response.content)
    exception = root.find("{http://www.opengis.net/ogc}ServiceException")
    assert exception.get("locator") == "LAYERS"
    assert '<script>alert("x")</script>&amp;' in exception.text


def test_a_huge_size_is_refused_quickly_as_xml_also_when_inimage_is_asked_for(client):
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    started = time.perf_counter()
    responses = [
        client.get(ows(**{**MAP, "WIDTH": "100000", "HEIGHT": "100000", "EXCEPTIONS": mode}))
        for mode in ("XML", "INIMAGE", "BLANK", "application/vnd.ogc.se_inimage")
    ]
    elapsed = time.perf_counter() - started

    assert elapsed < 2.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 50 * 1024
    for response in responses:
        assert response.status_code == 400 and response["Content-Type"].startswith("text/xml")
        assert exception_code(response.content) == (
            "InvalidParameterValue",
            exception_code(response.content)[1],
        )
        assert "WIDTH" in exception_code(response.content)[1]


def test_inimage_draws_the_message_into_an_image_of_the_requested_size(client):
    response = client.get(
        ows(**{**MAP, "LAYERS": "nonexistent", "WIDTH": "300", "HEIGHT": "120", "EXCEPTIONS": "INIMAGE"})
    )

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    picture = Picture(response.content)
    assert (picture.width, picture.height) == (300, 120)
    reddish = [p for p in picture.pixels() if p[0] > 120 and p[1] < 90 and p[2] < 90 and p[3] == 255]
    assert len(reddish) > 50  # the message, in dark red on white


def test_blank_returns_an_empty_image_in_the_requested_format(client):
    transparent = client.get(
        ows(**{**MAP, "LAYERS": "nonexistent", "EXCEPTIONS": "BLANK", "TRANSPARENT": "TRUE"})
    )
    jpeg = client.get(ows(**{**MAP, "CRS": "EPSG:1", "EXCEPTIONS": "BLANK", "FORMAT": "image/jpeg"}))

    assert transparent.status_code == 200
    assert set(Picture(transparent.content).pixels()) == {(0, 0, 0, 0)}
    assert jpeg.status_code == 200 and jpeg["Content-Type"] == "image/jpeg"
    assert jpeg.content[:3] == b"\xff\xd8\xff"


def test_a_render_is_bounded_by_the_statement_timeout(client, settings):
    slow = Layer(
        id="test_slow",
        title={"de": "Langsam", "en": "Slow"},
        abstract={"de": "", "en": ""},
        geometry_type="MultiPolygon",
        source="SELECT 1::bigint AS id, ST_MakeEnvelope(510000, 5412000, 512000, 5414000, 25832) AS geom, "
        "'slow'::text AS name, pg_sleep(2) AS slept",
        attributes={"name": "string"},
        queryable=("name",),
        styles=(Style(name="default", title={"de": "", "en": ""}),),
    )
    registry.register(slow)
    settings.WMS = {**settings.WMS, "RENDER_TIMEOUT_MS": 200}
    try:
        started = time.perf_counter()
        response = client.get(getmap(layers="test_slow"))
        elapsed = time.perf_counter() - started
    finally:
        registry._registry.pop("test_slow", None)

    assert response.status_code == 503
    assert "too long" in exception_code(response.content)[1]
    assert elapsed < 1.9


def test_other_methods_are_refused(client):
    assert client.post("/ows", {"REQUEST": "GetCapabilities"}).status_code == 405
    assert client.options("/ows").status_code == 204


junk = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "1e308", "-0", "NaN", "inf", "0x10", "１２", "²", "EPSG:", "CRS:84", ",,,", "9" * 40]
    ),
)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    request=st.sampled_from(["GetMap", "GetFeatureInfo", "GetLegendGraphic", "GetCapabilities"]),
    name=st.sampled_from(
        [
            "BBOX",
            "CRS",
            "SRS",
            "WIDTH",
            "HEIGHT",
            "LAYERS",
            "STYLES",
            "I",
            "J",
            "FORMAT",
            "INFO_FORMAT",
            "FEATURE_COUNT",
            "BGCOLOR",
            "VERSION",
            "EXCEPTIONS",
            "LAYER",
        ]
    ),
    value=junk,
)
def test_junk_in_any_parameter_is_never_a_server_error(client, request, name, value):
    params = {**INFO, "REQUEST": request, "LAYER": "quartiere", "WIDTH": "32", "HEIGHT": "32", name: value}
    response = client.get(ows(**params))

    assert response.status_code in (200, 400), (params, response.content[:300])
