"""WFS 2.0 over KVP, through the Django test client: capabilities, schemas, GetFeature (paging, hits,
BBOX and FILTER, srsName and axis order, GML 3.2 and GeoJSON), the stored query GetFeatureById, an OWS
ExceptionReport with the right code, locator and status for every bad request, and the privacy rules
of the layer registry."""

import json
from collections import Counter

import pytest
from django.db import connection

from geo import layers as registry
from measures.models import Measure
from participation.models import Contribution
from tests.geo.wfs.conftest import NS, feature_url, ows, xml

pytestmark = pytest.mark.usefixtures("wfs")

# A demo measure with a point authored in EPSG:4326: lon 9.194333, lat 48.898019. In EPSG:25832 and
# 3857 (PostGIS/PROJ): easting/northing as below.
SERVICEPUNKT = "Digitaler Servicepunkt im Bürgerbüro"
LON, LAT = 9.194333, 48.898019
UTM = (514243.00, 5416137.34)
MERCATOR = (1023508.47, 6257575.03)
GET_FEATURE_BY_ID = "urn:ogc:def:query:OGC-WFS::GetFeatureById"


def ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:600]
    return response


def members(doc, layer_id):
    return doc.xpath(f"/wfs:FeatureCollection/wfs:member/qa:{layer_id}", namespaces=NS)


def servicepunkt_id() -> int:
    return Measure.objects.get(title=SERVICEPUNKT).pk


def pos(client, **params) -> list[float]:
    fid = servicepunkt_id()
    doc = xml(
        ok(client, feature_url(TYPENAMES="qa:measures", RESOURCEID=f"measures.{fid}", **params)).content
    )
    text = doc.xpath("//gml:pos", namespaces=NS)[0].text
    return [float(v) for v in text.split()]


def ogc_matched(client, layer_id) -> int:
    response = ok(client, f"/ogc/collections/{layer_id}/items?limit=1")
    return json.loads(response.content)["numberMatched"]


def source_count(layer) -> int:
    """The rows of the layer's source (a parameterised layer with its defaults, as the services use)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM ({registry.source_sql(layer)}) AS src",
            registry.bound(layer, registry.resolve(layer, {})),
        )
        return cursor.fetchone()[0]


# --- capabilities, schemas, stored queries --------------------------------------------------------


def test_capabilities_list_every_layer_with_crs_formats_and_box(client):
    response = ok(client, ows(REQUEST="GetCapabilities"))
    doc = xml(response.content)

    assert response["Content-Type"].startswith("text/xml")
    assert doc.tag == "{http://www.opengis.net/wfs/2.0}WFS_Capabilities" and doc.get("version") == "2.0.0"
    names = doc.xpath("//wfs:FeatureType/wfs:Name/text()", namespaces=NS)
    assert names == [f"qa:{layer.id}" for layer in registry.all_layers()]
    measures = doc.xpath("//wfs:FeatureType[wfs:Name='qa:measures']", namespaces=NS)[0]
    assert measures.findtext("wfs:DefaultCRS", namespaces=NS) == "urn:ogc:def:crs:EPSG::25832"
    others = set(measures.xpath("wfs:OtherCRS/text()", namespaces=NS))
    assert {
        "urn:ogc:def:crs:EPSG::4326",
        "urn:ogc:def:crs:EPSG::3857",
        "urn:ogc:def:crs:EPSG::25833",
    } <= others
    formats = measures.xpath("wfs:OutputFormats/wfs:Format/text()", namespaces=NS)
    assert formats == ["application/gml+xml; version=3.2", "application/json"]
    west, south = map(float, measures.findtext("ows:WGS84BoundingBox/ows:LowerCorner", namespaces=NS).split())
    east, north = map(float, measures.findtext("ows:WGS84BoundingBox/ows:UpperCorner", namespaces=NS).split())
    assert west <= LON <= east and south <= LAT <= north  # lon/lat order
    operations = doc.xpath("//ows:OperationsMetadata/ows:Operation/@name", namespaces=NS)
    assert set(operations) == {
        "GetCapabilities",
        "DescribeFeatureType",
        "GetFeature",
        "ListStoredQueries",
        "DescribeStoredQueries",
    }
    constraints = {
        c.get("name"): c.findtext("ows:DefaultValue", namespaces=NS)
        for c in doc.xpath("//ows:OperationsMetadata/ows:Constraint", namespaces=NS)
    }
    assert constraints["ImplementsSimpleWFS"] == "TRUE"
    assert constraints["ImplementsResultPaging"] == "TRUE"
    assert constraints["ImplementsTransactionalWFS"] == "FALSE"
    assert constraints["CountDefault"] == "10000"
    assert doc.xpath("//fes:SpatialOperator/@name", namespaces=NS) == ["BBOX"]


def test_capabilities_negotiate_the_version(client):
    doc = xml(ok(client, ows(REQUEST="GetCapabilities", ACCEPTVERSIONS="1.1.0,2.0.2")).content)
    assert doc.get("version") == "2.0.2"


def test_describe_feature_type_declares_the_layer_attributes_with_their_types(client):
    response = ok(client, ows(VERSION="2.0.0", REQUEST="DescribeFeatureType", TYPENAMES="qa:contributions"))
    doc = xml(response.content)

    assert doc.get("targetNamespace") == NS["qa"]
    assert doc.xpath("/xsd:schema/xsd:element/@name", namespaces=NS) == ["contributions"]
    elements = doc.xpath("//xsd:complexType[@name='contributionsType']//xsd:element", namespaces=NS)
    declared = {element.get("name"): element.get("type") for element in elements}
    assert declared == {
        "geom": "gml:PointPropertyType",
        "consultation": "xsd:long",
        "category": "xsd:string",
        "origin": "xsd:string",
        "text": "xsd:string",
        "created": "xsd:dateTime",
        "generalised_m": "xsd:long",
    }
    everything = xml(ok(client, ows(VERSION="2.0.0", REQUEST="DescribeFeatureType")).content)
    names = everything.xpath("/xsd:schema/xsd:element/@name", namespaces=NS)
    assert names == [layer.id for layer in registry.all_layers()]
    geometry = everything.xpath(
        "//xsd:complexType[@name='measures_linesType']//xsd:element[@name='geom']/@type", namespaces=NS
    )
    assert geometry == ["gml:MultiCurvePropertyType"]


def test_stored_queries_offer_get_feature_by_id(client):
    listed = xml(ok(client, ows(VERSION="2.0.0", REQUEST="ListStoredQueries")).content)
    assert listed.xpath("//wfs:StoredQuery/@id", namespaces=NS) == [GET_FEATURE_BY_ID]
    described = xml(
        ok(
            client, ows(VERSION="2.0.0", REQUEST="DescribeStoredQueries", STOREDQUERY_ID=GET_FEATURE_BY_ID)
        ).content
    )
    description = described.xpath("//wfs:StoredQueryDescription", namespaces=NS)[0]
    assert description.get("id") == GET_FEATURE_BY_ID
    assert description.xpath("wfs:Parameter/@name", namespaces=NS) == ["ID"]


# --- GetFeature -----------------------------------------------------------------------------------


@pytest.mark.parametrize("layer", registry.all_layers(), ids=lambda layer: layer.id)
def test_every_layer_counts_as_the_ogc_api_and_the_database(client, layer):
    doc = xml(ok(client, feature_url(TYPENAMES=f"qa:{layer.id}")).content)

    found = members(doc, layer.id)
    assert int(doc.get("numberMatched")) == len(found) == ogc_matched(client, layer.id) == source_count(layer)
    ids = [member.get(f"{{{NS['gml']}}}id") for member in found]
    assert all(fid.startswith(f"{layer.id}.") for fid in ids)
    all_ids = doc.xpath("//@gml:id", namespaces=NS)
    assert len(all_ids) == len(set(all_ids)), "gml:id must be unique in the document"
    for member in found:
        names = [etree_local(child) for child in member]
        assert names[0] == "geom"
        assert set(names[1:]) <= set(layer.attributes)
        assert names[1:] == [name for name in layer.attributes if name in names[1:]]  # schema order


def etree_local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def test_paging_with_count_and_startindex_walks_the_whole_layer_once(client):
    total = Contribution.objects.filter(status="published").count()
    seen = []
    start = 0
    while True:
        doc = xml(ok(client, feature_url(TYPENAMES="qa:contributions", COUNT=25, STARTINDEX=start)).content)
        page = [m.get(f"{{{NS['gml']}}}id") for m in members(doc, "contributions")]
        assert int(doc.get("numberMatched")) == total
        assert int(doc.get("numberReturned")) == len(page)
        seen += page
        if doc.get("next") is None:
            break
        assert f"STARTINDEX={start + 25}" in doc.get("next")
        start += 25
    assert len(seen) == total == len(set(seen)) and total > 100
    assert len(page) == total - start


def test_result_type_hits_counts_without_features(client):
    total = Contribution.objects.filter(status="published").count()
    doc = xml(ok(client, feature_url(TYPENAMES="qa:contributions", RESULTTYPE="hits")).content)
    assert (doc.get("numberMatched"), doc.get("numberReturned"), len(doc)) == (str(total), "0", 0)

    document = json.loads(
        ok(
            client,
            feature_url(TYPENAMES="qa:contributions", RESULTTYPE="hits", OUTPUTFORMAT="application/json"),
        ).content
    )
    assert (document["numberMatched"], document["numberReturned"], document["features"]) == (total, 0, [])


@pytest.mark.parametrize(
    "srs, expected, decimals",
    [
        ("urn:ogc:def:crs:EPSG::4326", (LAT, LON), 6),  # EPSG axis order: latitude first
        ("http://www.opengis.net/def/crs/EPSG/0/4326", (LAT, LON), 6),
        ("EPSG:4326", (LON, LAT), 6),  # the short form: legacy x/y, longitude first
        ("urn:ogc:def:crs:EPSG::25832", UTM, 2),  # easting, northing
        ("http://www.opengis.net/def/crs/EPSG/0/3857", MERCATOR, 2),
        (None, UTM, 2),  # the default CRS
    ],
)
def test_axis_order_of_a_known_point(client, srs, expected, decimals):
    extra = {} if srs is None else {"SRSNAME": srs}
    coordinates = pos(client, **extra)
    assert coordinates == pytest.approx(expected, abs=10**-decimals)


def test_the_geometry_names_its_crs(client):
    fid = servicepunkt_id()
    url = feature_url(
        TYPENAMES="qa:measures",
        RESOURCEID=f"measures.{fid}",
        SRSNAME="http://www.opengis.net/def/crs/EPSG/0/4326",
    )
    point = xml(ok(client, url).content).xpath("//gml:Point", namespaces=NS)[0]
    assert point.get("srsName") == "urn:ogc:def:crs:EPSG::4326"


def test_geojson_output_in_the_requested_crs(client):
    fid = servicepunkt_id()
    url = feature_url(
        TYPENAMES="qa:measures_points", OUTPUTFORMAT="application/json", SRSNAME="urn:ogc:def:crs:EPSG::4326"
    )
    document = json.loads(ok(client, url).content)

    assert document["type"] == "FeatureCollection"
    assert document["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::4326"
    assert document["numberMatched"] == document["numberReturned"] == len(document["features"])
    feature = next(f for f in document["features"] if f["id"] == fid)
    assert feature["geometry"]["coordinates"] == [pytest.approx([LAT, LON], abs=1e-6)]
    assert set(feature["properties"]) == set(registry.get("measures_points").attributes)


def test_bbox_in_either_crs_and_the_fes_bbox_filter_select_the_same_features(client):
    fid = f"measures.{servicepunkt_id()}"
    e, n = UTM

    def ids(**params):
        doc = xml(ok(client, feature_url(TYPENAMES="qa:measures", **params)).content)
        return [m.get(f"{{{NS['gml']}}}id") for m in members(doc, "measures")]

    utm = ids(BBOX=f"{e - 50},{n - 50},{e + 50},{n + 50}")
    lat_lon = ids(
        BBOX=f"{LAT - 0.0004},{LON - 0.0006},{LAT + 0.0004},{LON + 0.0006},urn:ogc:def:crs:EPSG::4326"
    )
    fes = ids(
        FILTER='<Filter xmlns="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2">'
        '<BBOX><ValueReference>geom</ValueReference><gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832">'
        f"<gml:lowerCorner>{e - 50} {n - 50}</gml:lowerCorner>"
        f"<gml:upperCorner>{e + 50} {n + 50}</gml:upperCorner>"
        "</gml:Envelope></BBOX></Filter>"
    )
    assert fid in utm and utm == lat_lon == fes
    assert len(utm) < Measure.objects.filter(published=True, geom__isnull=False).count()
    # the same numbers as lon/lat in a latitude-first CRS are nowhere near
    assert (
        ids(BBOX=f"{LON - 0.0006},{LAT - 0.0004},{LON + 0.0006},{LAT + 0.0004},urn:ogc:def:crs:EPSG::4326")
        == []
    )


def test_get_feature_by_id_answers_the_feature_itself(client):
    fid = servicepunkt_id()
    url = feature_url(STOREDQUERY_ID=GET_FEATURE_BY_ID, ID=f"measures.{fid}")
    doc = xml(ok(client, url).content)
    assert doc.tag == f"{{{NS['qa']}}}measures"
    assert doc.get(f"{{{NS['gml']}}}id") == f"measures.{fid}"
    assert doc.findtext("qa:title", namespaces=NS) == SERVICEPUNKT

    feature = json.loads(ok(client, url + "&OUTPUTFORMAT=application/json").content)
    assert feature["type"] == "Feature" and feature["id"] == fid


def test_responses_are_cached_with_an_etag_and_wms_still_answers(client):
    url = feature_url(TYPENAMES="qa:quartiere", COUNT=2)
    first = ok(client, url)
    assert first["ETag"] and first["Cache-Control"] == "public, max-age=60"
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert ok(client, url).content == first.content  # the same bytes for the same ETag
    wms = ok(client, "/ows?SERVICE=WMS&REQUEST=GetCapabilities")
    assert b"WMS_Capabilities" in wms.content


# --- errors ---------------------------------------------------------------------------------------

V = {"VERSION": "2.0.0"}
GF = {"VERSION": "2.0.0", "REQUEST": "GetFeature"}
ERRORS = [
    ({}, 400, "MissingParameterValue", "REQUEST"),
    ({"REQUEST": "Transaction", **V}, 501, "OperationNotSupported", "Transaction"),
    ({"REQUEST": "GetPropertyValue", **V}, 501, "OperationNotSupported", "GetPropertyValue"),
    ({"REQUEST": "GetFeature", "TYPENAMES": "qa:measures"}, 400, "MissingParameterValue", "VERSION"),
    (
        {"REQUEST": "GetFeature", "VERSION": "1.1.0", "TYPENAMES": "qa:measures"},
        400,
        "InvalidParameterValue",
        "VERSION",
    ),
    (
        {"REQUEST": "GetCapabilities", "ACCEPTVERSIONS": "1.0.0,1.1.0"},
        400,
        "VersionNegotiationFailed",
        "AcceptVersions",
    ),
    (GF, 400, "MissingParameterValue", "TYPENAMES"),
    ({**GF, "TYPENAMES": "qa:nothing"}, 400, "InvalidParameterValue", "TYPENAMES"),
    ({**GF, "TYPENAMES": "other:measures"}, 400, "InvalidParameterValue", "TYPENAMES"),
    ({**GF, "TYPENAMES": "qa:measures,qa:quartiere"}, 501, "OptionNotSupported", "TYPENAMES"),
    ({**GF, "TYPENAMES": "qa:measures", "BBOX": "1,2,3"}, 400, "InvalidParameterValue", "BBOX"),
    ({**GF, "TYPENAMES": "qa:measures", "BBOX": "5,1,1,5"}, 400, "InvalidParameterValue", "BBOX"),
    ({**GF, "TYPENAMES": "qa:measures", "BBOX": "1,2,3,4,EPSG:2056"}, 400, "InvalidParameterValue", "BBOX"),
    ({**GF, "TYPENAMES": "qa:measures", "SRSNAME": "EPSG:2056"}, 400, "InvalidParameterValue", "srsName"),
    ({**GF, "TYPENAMES": "qa:measures", "SRSNAME": "+proj=longlat"}, 400, "InvalidParameterValue", "srsName"),
    ({**GF, "TYPENAMES": "qa:measures", "COUNT": "-1"}, 400, "InvalidParameterValue", "COUNT"),
    ({**GF, "TYPENAMES": "qa:measures", "STARTINDEX": "x"}, 400, "InvalidParameterValue", "STARTINDEX"),
    ({**GF, "TYPENAMES": "qa:measures", "RESULTTYPE": "all"}, 400, "InvalidParameterValue", "RESULTTYPE"),
    (
        {**GF, "TYPENAMES": "qa:measures", "OUTPUTFORMAT": "shape-zip"},
        400,
        "InvalidParameterValue",
        "outputFormat",
    ),
    ({**GF, "TYPENAMES": "qa:measures", "FILTER": "<Filter"}, 400, "OperationParsingFailed", "FILTER"),
    (
        {
            **GF,
            "TYPENAMES": "qa:measures",
            "FILTER": '<Filter xmlns="http://www.opengis.net/fes/2.0"><PropertyIsEqualTo/></Filter>',
        },
        501,
        "OptionNotSupported",
        "FILTER",
    ),
    (
        {
            **GF,
            "TYPENAMES": "qa:measures",
            "FILTER": '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Filter>&e;</Filter>',
        },
        400,
        "OperationParsingFailed",
        "FILTER",
    ),
    (
        {**GF, "TYPENAMES": "qa:measures", "BBOX": "1,2,3,4", "RESOURCEID": "measures.1"},
        400,
        "InvalidParameterValue",
        "BBOX",
    ),
    ({**GF, "TYPENAMES": "qa:measures", "SORTBY": "title"}, 501, "OptionNotSupported", "SORTBY"),
    ({**GF, "TYPENAMES": "qa:measures", "PROPERTYNAME": "title"}, 501, "OptionNotSupported", "PROPERTYNAME"),
    ({**GF, "RESOURCEID": "nothing"}, 400, "InvalidParameterValue", "RESOURCEID"),
    (
        {**GF, "TYPENAMES": "qa:quartiere", "RESOURCEID": "measures.1"},
        501,
        "OptionNotSupported",
        "RESOURCEID",
    ),
    ({**GF, "STOREDQUERY_ID": "urn:x:AllTheEmails"}, 400, "InvalidParameterValue", "STOREDQUERY_ID"),
    ({**GF, "STOREDQUERY_ID": GET_FEATURE_BY_ID}, 400, "MissingParameterValue", "ID"),
    ({**GF, "STOREDQUERY_ID": GET_FEATURE_BY_ID, "ID": "measures.999999999"}, 404, "NotFound", "ID"),
    (
        {"REQUEST": "DescribeFeatureType", **V, "OUTPUTFORMAT": "application/json"},
        400,
        "InvalidParameterValue",
        "outputFormat",
    ),
    ({"REQUEST": "DescribeFeatureType", **V, "TYPENAMES": "qa:x"}, 400, "InvalidParameterValue", "TYPENAMES"),
    (
        {"REQUEST": "DescribeStoredQueries", **V, "STOREDQUERY_ID": "urn:x"},
        400,
        "InvalidParameterValue",
        "STOREDQUERY_ID",
    ),
]


@pytest.mark.parametrize(
    "params, status, code, locator", ERRORS, ids=lambda v: v if isinstance(v, str) else None
)
def test_every_bad_request_is_an_exception_report(client, params, status, code, locator):
    response = client.get(ows(**params))

    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    doc = xml(response.content)
    assert doc.tag == f"{{{NS['ows']}}}ExceptionReport" and doc.get("version") == "2.0.0"
    exception = doc.find("ows:Exception", namespaces=NS)
    assert (exception.get("exceptionCode"), exception.get("locator")) == (code, locator)
    assert exception.findtext("ows:ExceptionText", namespaces=NS).strip()
    assert b"root:" not in response.content


def test_a_parameter_given_twice_is_an_exception_report(client):
    response = client.get(
        "/ows?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=qa:measures&count=1&COUNT=2"
    )
    assert response.status_code == 400
    exception = xml(response.content).find("ows:Exception", namespaces=NS)
    assert (exception.get("exceptionCode"), exception.get("locator")) == ("InvalidParameterValue", "COUNT")


# --- privacy --------------------------------------------------------------------------------------


def test_unpublished_measures_and_contributions_never_appear(client):
    hidden_measure = Measure.objects.filter(published=False, geom__isnull=False).first()
    hidden_contribution = Contribution.objects.exclude(status="published").first()
    assert hidden_measure is not None and hidden_contribution is not None

    for layer_id, hidden in [("measures", hidden_measure), ("contributions", hidden_contribution)]:
        doc = xml(ok(client, feature_url(TYPENAMES=f"qa:{layer_id}")).content)
        ids = {m.get(f"{{{NS['gml']}}}id") for m in members(doc, layer_id)}
        assert f"{layer_id}.{hidden.pk}" not in ids
        by_id = client.get(feature_url(STOREDQUERY_ID=GET_FEATURE_BY_ID, ID=f"{layer_id}.{hidden.pk}"))
        assert by_id.status_code == 404
        by_resource = xml(ok(client, feature_url(RESOURCEID=f"{layer_id}.{hidden.pk}")).content)
        assert by_resource.get("numberMatched") == "0"
    assert hidden_measure.title.encode() not in ok(client, feature_url(TYPENAMES="qa:measures")).content


def test_no_personal_columns_in_any_feature_type(client):
    schema = ok(client, ows(VERSION="2.0.0", REQUEST="DescribeFeatureType")).content
    names = Counter(xml(schema).xpath("//xsd:complexType//xsd:element/@name", namespaces=NS))
    assert not {"email", "author", "author_name", "pseudonym", "ip", "deletion_token", "user"} & set(names)
    doc = xml(ok(client, feature_url(TYPENAMES="qa:contributions")).content)
    tags = {etree_local(child) for member in members(doc, "contributions") for child in member}
    assert {"geom", "category", "text"} <= tags <= {"geom", *registry.get("contributions").attributes}
    emails = Contribution.objects.exclude(email="").values_list("email", flat=True)[:20]
    body = ok(client, feature_url(TYPENAMES="qa:contributions")).content.decode()
    assert not any(email in body for email in emails)


def test_text_is_escaped_and_characters_xml_cannot_hold_are_dropped(client):
    measure = Measure.objects.get(title=SERVICEPUNKT)
    Measure.objects.filter(pk=measure.pk).update(title='<b onclick="x">Bad & "good"</b>\x01\x0b end')

    for url in (
        feature_url(STOREDQUERY_ID=GET_FEATURE_BY_ID, ID=f"measures.{measure.pk}"),
        feature_url(TYPENAMES="qa:measures", RESOURCEID=f"measures.{measure.pk}"),
    ):
        doc = xml(ok(client, url).content)  # well-formed
        assert doc.xpath("string(//qa:title)", namespaces=NS) == '<b onclick="x">Bad & "good"</b> end'
        assert not doc.xpath("//b")


JUNK = [
    "",
    " ",
    "\x00",
    "'; DROP TABLE x; --",
    "ä" * 5000,
    "-1",
    "1e309",
    "nan",
    "<x/>",
    "%",
    "{",
    "qa:",
    ":",
]
PARAMETERS = [
    "VERSION", "TYPENAMES", "COUNT", "STARTINDEX", "RESULTTYPE", "SRSNAME", "BBOX", "FILTER",
    "RESOURCEID", "OUTPUTFORMAT", "STOREDQUERY_ID", "ID", "ACCEPTVERSIONS",
]  # fmt: skip


@pytest.mark.parametrize("name", PARAMETERS)
def test_junk_in_any_parameter_is_never_a_server_error(client, name):
    base = {"VERSION": "2.0.0", "REQUEST": "GetFeature", "TYPENAMES": "qa:quartiere", "COUNT": "2"}
    for value in JUNK:
        params = {**base, name: value}
        if name == "ID":
            params["STOREDQUERY_ID"] = GET_FEATURE_BY_ID
        response = client.get(ows(**params))
        assert response.status_code in {200, 400, 404, 501}, (name, value, response.content[:300])
        if response.status_code != 200:
            assert xml(response.content).tag == f"{{{NS['ows']}}}ExceptionReport"
