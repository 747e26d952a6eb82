"""WMS GetCapabilities: valid against the OGC 1.3.0 schema, every layer with its CRSs, boxes in the right
axis order, styles and legends; 1.1.1 for old clients; metadata from settings; German and English."""

import pytest

from geo import layers as registry
from tests.geo.wms_support import (
    WMS_NS,
    capabilities_schema,
    ows,
    wms_connections,  # noqa: F401
    xml,
)

pytestmark = pytest.mark.django_db

SERVED_1_3_0 = {"EPSG:25832", "EPSG:25833", "EPSG:3857", "EPSG:4326", "EPSG:4258", "EPSG:31467", "CRS:84"}


def capabilities(client, **params):
    response = client.get(ows(SERVICE="WMS", REQUEST="GetCapabilities", **params))
    assert response.status_code == 200, response.content[:500]
    return response


def named_layer(doc, name, version="1.3.0"):
    if version == "1.3.0":
        return doc.xpath(f"//wms:Layer[wms:Name='{name}']", namespaces=WMS_NS)[0]
    return doc.xpath(f"//Layer[Name='{name}']")[0]


def boxes(layer, version="1.3.0"):
    if version == "1.3.0":
        found = layer.findall("wms:BoundingBox", WMS_NS)
        return {
            box.get("CRS"): [float(box.get(k)) for k in ("minx", "miny", "maxx", "maxy")] for box in found
        }
    return {
        box.get("SRS"): [float(box.get(k)) for k in ("minx", "miny", "maxx", "maxy")]
        for box in layer.findall("BoundingBox")
    }


def test_it_is_valid_against_the_wms_1_3_0_schema(client, demo):
    response = capabilities(client, VERSION="1.3.0")

    assert response["Content-Type"] == "text/xml; charset=utf-8"
    schema = capabilities_schema()
    assert schema.validate(xml(response.content)), schema.error_log


def test_it_is_valid_without_any_data_too(client):
    response = capabilities(client)

    schema = capabilities_schema()
    assert schema.validate(xml(response.content)), schema.error_log
    # layers without features still get boxes (the service's extent), so that clients can add them
    assert len(xml(response.content).xpath("//wms:Layer/wms:BoundingBox", namespaces=WMS_NS)) > 7


def test_it_lists_every_layer_with_its_crss_boxes_queryable_flag_and_legend(client, demo):
    doc = xml(capabilities(client).content)

    names = doc.xpath("//wms:Layer/wms:Name/text()", namespaces=WMS_NS)
    assert names == [layer.id for layer in registry.all_layers()]
    for layer in registry.all_layers():
        element = named_layer(doc, layer.id)
        assert set(element.xpath("wms:CRS/text()", namespaces=WMS_NS)) == SERVED_1_3_0
        assert set(boxes(element)) == SERVED_1_3_0
        assert element.get("queryable") == ("1" if layer.queryable else "0")
        assert element.find("wms:EX_GeographicBoundingBox", WMS_NS) is not None
        style = element.find("wms:Style", WMS_NS)
        assert style.findtext("wms:Name", namespaces=WMS_NS) == layer.default_style.name
        legend = style.find("wms:LegendURL", WMS_NS)
        assert int(legend.get("width")) > 20 and int(legend.get("height")) > 10
        href = legend.find("wms:OnlineResource", WMS_NS).get("{http://www.w3.org/1999/xlink}href")
        assert "REQUEST=GetLegendGraphic" in href and f"LAYER={layer.id}" in href


def test_boxes_follow_the_epsg_axis_order_in_1_3_0(client, demo):
    quartiere = named_layer(xml(capabilities(client).content), "quartiere")
    found = boxes(quartiere)

    # Ludwigsburg: lon ≈ 9.1–9.3, lat ≈ 48.85–48.95
    lat_min, lon_min, lat_max, lon_max = found["EPSG:4326"]
    assert 48.8 < lat_min < lat_max < 49.0 and 9.1 < lon_min < lon_max < 9.35
    assert found["EPSG:4258"][0] == pytest.approx(lat_min, abs=1e-5)
    assert found["CRS:84"] == pytest.approx([lon_min, lat_min, lon_max, lat_max], abs=1e-6)
    northing_min, easting_min, _, _ = found["EPSG:31467"]
    assert 5.40e6 < northing_min < 5.43e6 and 3.50e6 < easting_min < 3.53e6
    x_min, y_min, _, _ = found["EPSG:25832"]
    assert 505_000 < x_min < 515_000 and 5.40e6 < y_min < 5.42e6
    geographic = quartiere.find("wms:EX_GeographicBoundingBox", WMS_NS)
    assert float(geographic.findtext("wms:westBoundLongitude", namespaces=WMS_NS)) == pytest.approx(lon_min)
    assert float(geographic.findtext("wms:southBoundLatitude", namespaces=WMS_NS)) == pytest.approx(lat_min)


def test_1_1_1_has_srs_lat_lon_box_and_x_y_order(client, demo):
    response = capabilities(client, VERSION="1.1.1")

    assert response["Content-Type"].startswith("application/vnd.ogc.wms_xml")
    doc = xml(response.content)
    assert doc.tag == "WMT_MS_Capabilities" and doc.get("version") == "1.1.1"
    quartiere = named_layer(doc, "quartiere", "1.1.1")
    assert "EPSG:4326" in quartiere.xpath("SRS/text()") and "CRS:84" not in quartiere.xpath("SRS/text()")
    lon_min, lat_min, lon_max, lat_max = boxes(quartiere, "1.1.1")["EPSG:4326"]
    assert 9.1 < lon_min < lon_max < 9.35 and 48.8 < lat_min < lat_max < 49.0
    easting_min = boxes(quartiere, "1.1.1")["EPSG:31467"][0]
    assert 3.50e6 < easting_min < 3.53e6
    latlon = quartiere.find("LatLonBoundingBox")
    assert float(latlon.get("minx")) == pytest.approx(lon_min)
    assert doc.find("Capability/Request/GetLegendGraphic") is not None
    assert doc.xpath("Capability/Exception/Format/text()")[0] == "application/vnd.ogc.se_xml"


@pytest.mark.parametrize(
    ("version", "root"),
    [
        (None, "{http://www.opengis.net/wms}WMS_Capabilities"),
        ("1.3.0", "{http://www.opengis.net/wms}WMS_Capabilities"),
        ("2.0.0", "{http://www.opengis.net/wms}WMS_Capabilities"),
        ("banana", "{http://www.opengis.net/wms}WMS_Capabilities"),
        ("1.1.0", "WMT_MS_Capabilities"),
        ("1.0.0", "WMT_MS_Capabilities"),
    ],
)
def test_unknown_or_missing_version_gets_1_3_0_and_older_ones_1_1_1(client, version, root):
    params = {} if version is None else {"VERSION": version}

    assert xml(capabilities(client, **params).content).tag == root


def test_service_metadata_and_limits_come_from_settings(client, settings):
    settings.WMS = {
        **settings.WMS,
        "TITLE": {"de": "Stadtkarte <Test> & Co", "en": "City map"},
        "MAX_WIDTH": 2000,
        "MAX_HEIGHT": 1500,
        "LAYER_LIMIT": 4,
        "CONTACT": {**settings.WMS["CONTACT"], "EMAIL": "gis@example.org"},
    }
    doc = xml(capabilities(client).content)

    service = doc.find("wms:Service", WMS_NS)
    assert service.findtext("wms:Title", namespaces=WMS_NS) == "Stadtkarte <Test> & Co"
    assert service.findtext("wms:MaxWidth", namespaces=WMS_NS) == "2000"
    assert service.findtext("wms:MaxHeight", namespaces=WMS_NS) == "1500"
    assert service.findtext("wms:LayerLimit", namespaces=WMS_NS) == "4"
    contact = "wms:ContactInformation/wms:ContactElectronicMailAddress"
    assert service.findtext(contact, namespaces=WMS_NS) == "gis@example.org"


def online_resources(doc) -> set[str]:
    """The service's own addresses (not the data's attribution link, which points at its licence)."""
    return set(doc.xpath("//wms:OnlineResource[not(parent::wms:Attribution)]/@xlink:href", namespaces=WMS_NS))


def test_online_resource_is_the_request_host_or_the_public_url(client, settings):
    from_host = online_resources(xml(capabilities(client).content))
    settings.PUBLIC_URL = "https://karten.example.org/qa"
    from_setting = online_resources(xml(capabilities(client).content))

    assert "http://testserver/ows?" in from_host
    assert "https://karten.example.org/qa/ows?" in from_setting
    # the WMS's own operations at /ows; each layer's metadata record at the catalogue (geo.catalogue)
    service = {url for url in from_setting if "/catalogue/" not in url}
    records = from_setting - service
    assert all(url.startswith("https://karten.example.org/qa/ows?") for url in service)
    assert records and all(url.startswith("https://karten.example.org/qa/catalogue/csw?") for url in records)


def test_titles_are_german_by_default_and_english_on_request(client, demo):
    german = xml(capabilities(client).content)
    english = xml(capabilities(client, LANGUAGE="en").content)
    accepted = xml(client.get(ows(REQUEST="GetCapabilities"), HTTP_ACCEPT_LANGUAGE="en").content)

    def title(doc):
        return named_layer(doc, "measures").findtext("wms:Title", namespaces=WMS_NS)

    assert title(german) == "Maßnahmen"
    assert title(english) == "Measures" == title(accepted)
    legend = named_layer(english, "measures").xpath(
        ".//wms:LegendURL/wms:OnlineResource/@xlink:href", namespaces=WMS_NS
    )
    assert "LANGUAGE=en" in legend[0]


def test_parameter_names_and_request_values_are_case_insensitive(client):
    response = client.get("/ows?service=wms&request=getcapabilities&version=1.3.0")

    assert response.status_code == 200
    assert xml(response.content).tag == "{http://www.opengis.net/wms}WMS_Capabilities"


def test_it_answers_head_and_revalidates_with_the_etag(client, demo):
    url = ows(SERVICE="WMS", REQUEST="GetCapabilities")
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    head = client.head(url)

    assert first["ETag"] and "max-age" in first["Cache-Control"]
    assert first["Access-Control-Allow-Origin"] == "*"
    assert again.status_code == 304
    assert head.status_code == 200 and head.content == b""
