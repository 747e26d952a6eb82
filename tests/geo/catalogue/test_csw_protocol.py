"""The CSW 2.0.2 protocol through the Django test client: exception reports with the OWS code, locator
and HTTP status for each kind of bad request (never a 500), XML POST, DescribeRecord, hits, and the
ISO 19139 document's structure; text from a layer's definition is escaped, never markup."""

from urllib.parse import urlencode

import pytest
from lxml import etree

from geo import crs
from geo import layers as registry
from geo.catalogue.records import record_id
from geo.layers import Layer, Metadata, Style

pytestmark = pytest.mark.usefixtures("demo_db")

NS = {
    "csw": "http://www.opengis.net/cat/csw/2.0.2",
    "ows": "http://www.opengis.net/ows",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dct": "http://purl.org/dc/terms/",
    "gmd": "http://www.isotc211.org/2005/gmd",
    "gco": "http://www.isotc211.org/2005/gco",
    "srv": "http://www.isotc211.org/2005/srv",
}
GMD = NS["gmd"]


def csw(client, **params):
    return client.get("/catalogue/csw?" + urlencode(params))


def records(client, **params):
    return csw(client, service="CSW", version="2.0.2", request="GetRecords", **params)


def xml(response) -> etree._Element:
    return etree.fromstring(response.content)


def exception(response) -> tuple[str, str]:
    doc = xml(response)
    assert doc.tag == "{http://www.opengis.net/ows}ExceptionReport"
    (element,) = doc.findall("ows:Exception", NS)
    return element.get("exceptionCode"), element.get("locator") or ""


@pytest.mark.parametrize(
    ("params", "status", "code", "locator"),
    [
        ({}, 400, "MissingParameterValue", "request"),
        ({"request": "GetCapabilities"}, 400, "MissingParameterValue", "service"),
        ({"service": "WMS", "request": "GetCapabilities"}, 400, "InvalidParameterValue", "service"),
        (
            {"service": "CSW", "request": "Harvest", "version": "2.0.2"},
            501,
            "OperationNotSupported",
            "request",
        ),
        ({"service": "CSW", "request": "GetRecords"}, 400, "MissingParameterValue", "version"),
        (
            {"service": "CSW", "request": "GetRecords", "version": "3.0.0"},
            400,
            "InvalidParameterValue",
            "version",
        ),
        (
            {"service": "CSW", "request": "GetRecordById", "version": "2.0.2"},
            400,
            "MissingParameterValue",
            "id",
        ),
    ],
)
def test_bad_requests_get_an_exception_report_with_code_locator_and_status(
    client, params, status, code, locator
):
    response = csw(client, **params)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/xml")
    assert exception(response) == (code, locator)


@pytest.mark.parametrize(
    ("params", "locator"),
    [
        ({"elementSetName": "everything"}, "ElementSetName"),
        ({"outputSchema": "http://www.opengis.net/cat/csw/3.0"}, "outputSchema"),
        ({"typeNames": "qa:Secret"}, "typeNames"),
        ({"resultType": "validate-me"}, "resultType"),
        ({"startPosition": "-1"}, "startPosition"),
        ({"maxRecords": "many"}, "maxRecords"),
        ({"outputFormat": "text/html"}, "outputFormat"),
        ({"constraintLanguage": "SQL", "constraint": "1=1"}, "constraintLanguage"),
        ({"constraintLanguage": "CQL_TEXT", "constraint": "csw:AnyText LIKE"}, "constraint"),
        ({"constraintLanguage": "CQL_TEXT", "constraint": "passwd = 'x'"}, "constraint"),
        ({"constraintLanguage": "CQL_TEXT", "constraint": "BBOX(ows:BoundingBox, 1, 2, 3)"}, "constraint"),
        (
            {"constraintLanguage": "CQL_TEXT", "constraint": "BBOX(ows:BoundingBox, 9, 48, 8, 49)"},
            "constraint",
        ),
        (
            {
                "constraintLanguage": "CQL_TEXT",
                "constraint": "BBOX(ows:BoundingBox, 9, 48, 10, 49, 'EPSG:2056')",  # not one of ours
            },
            "constraint",
        ),
        (
            {  # far outside the area of UTM zone 32N: PROJ cannot transform it
                "constraintLanguage": "CQL_TEXT",
                "constraint": "BBOX(ows:BoundingBox, 9e8, 9e8, 9.1e8, 9.1e8, 'EPSG:25832')",
            },
            "constraint",
        ),
        ({"constraintLanguage": "FILTER", "constraint": "<ogc:Filter"}, "constraint"),
    ],
)
def test_bad_parameters_are_invalid_parameter_values_naming_the_parameter(client, params, locator):
    response = records(client, **params)

    assert response.status_code == 400
    assert exception(response) == ("InvalidParameterValue", locator) or exception(response) == (
        "MissingParameterValue",
        locator,
    )


def test_a_post_that_is_not_xml_is_an_exception_report(client):
    response = client.post("/catalogue/csw", data=b"<csw:GetRecords", content_type="application/xml")

    assert response.status_code == 400
    assert exception(response)[0] == "NoApplicableCode"


def test_an_entity_in_a_posted_request_is_not_expanded(client):
    body = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW" version="2.0.2">'
        b'<csw:Query typeNames="csw:Record"><csw:ElementSetName>&e;</csw:ElementSetName></csw:Query>'
        b"</csw:GetRecords>"
    )
    response = client.post("/catalogue/csw", data=body, content_type="application/xml")

    assert response.status_code == 400
    assert b"root:" not in response.content


def test_getrecords_by_post_with_a_filter(client):
    body = f"""<csw:GetRecords xmlns:csw="{NS["csw"]}" xmlns:ogc="http://www.opengis.net/ogc"
        xmlns:gml="http://www.opengis.net/gml" service="CSW" version="2.0.2" resultType="results"
        maxRecords="50" outputSchema="{GMD}">
      <csw:Query typeNames="gmd:MD_Metadata">
        <csw:ElementSetName>brief</csw:ElementSetName>
        <csw:Constraint version="1.1.0"><ogc:Filter><ogc:And>
          <ogc:PropertyIsLike wildCard="*" singleChar="." escapeChar="!">
            <ogc:PropertyName>apiso:Title</ogc:PropertyName><ogc:Literal>quartiere*</ogc:Literal>
          </ogc:PropertyIsLike>
          <ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName>
            <gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326">
              <gml:lowerCorner>48.85 9.1</gml:lowerCorner><gml:upperCorner>48.95 9.3</gml:upperCorner>
            </gml:Envelope></ogc:BBOX>
        </ogc:And></ogc:Filter></csw:Constraint>
      </csw:Query>
    </csw:GetRecords>"""
    response = client.post("/catalogue/csw", data=body.encode(), content_type="application/xml")

    assert response.status_code == 200
    doc = xml(response)
    titles = doc.xpath("//gmd:MD_Metadata//gmd:citation//gmd:title/gco:CharacterString/text()", namespaces=NS)
    assert titles == ["Quartiere (Stadtteile)"]
    # brief: no distribution, no contact
    assert not doc.xpath("//gmd:distributionInfo | //gmd:contact", namespaces=NS)


def matched(response) -> int:
    assert response.status_code == 200, response.content[:300]
    return int(xml(response).find("csw:SearchResults", NS).get("numberOfRecordsMatched"))


def hits(client, box: str) -> int:
    """How many records ``BBOX(ows:BoundingBox, <box>)`` (CQL) matches."""
    constraint = f"BBOX(ows:BoundingBox, {box})"
    return matched(records(client, constraintLanguage="CQL_TEXT", constraint=constraint, resultType="hits"))


def test_the_same_box_latitude_first_in_the_urn_and_longitude_first_without_crs(client):
    assert hits(client, "47.0, 10.6, 47.3, 11.2, 'urn:ogc:def:crs:EPSG::4326'") == 0  # the Alps
    assert hits(client, "9.1, 48.85, 9.3, 48.95") >= 3
    assert hits(client, "48.85, 9.1, 48.95, 9.3") == 0  # Somalia's coast, read as lon/lat


@pytest.mark.parametrize(
    "box",
    [
        "510066, 5410529, 522896, 5419882, 'EPSG:25832'",  # ETRS89 / UTM 32N, easting first
        "510066, 5410529, 522896, 5419882, 'http://www.opengis.net/def/crs/EPSG/0/25832'",
        "5412254, 3510146, 5421612, 3522981, 'urn:ogc:def:crs:EPSG::31467'",  # Gauss-Krüger: northing first
        "3510146, 5412254, 3522981, 5421612, 'EPSG:31467'",  # the short form: x/y
        "1017170, 6249041, 1036662, 6263263, 'EPSG:3857'",
        "48.8476, 9.1374, 48.9316, 9.3125, 'urn:ogc:def:crs:EPSG::4258'",  # ETRS89: latitude first
    ],
)
def test_a_box_in_the_projected_and_other_crs_finds_what_the_lon_lat_box_finds(client, box):
    """Ludwigsburg's Quartiere as a box in each CRS of the service (GIS staff in Baden-Württemberg
    write UTM 32N or Gauss-Krüger coordinates); transformed by PostGIS to EPSG:4326."""
    assert hits(client, box) == hits(client, "9.1374, 48.8476, 9.3125, 48.9316") >= 3


def test_a_projected_box_elsewhere_finds_nothing_and_a_filter_envelope_takes_its_srs_name(client):
    assert hits(client, "660000, 5210000, 700000, 5240000, 'EPSG:25832'") == 0  # the Alps
    body = f"""<csw:GetRecords xmlns:csw="{NS["csw"]}" xmlns:ogc="http://www.opengis.net/ogc"
        xmlns:gml="http://www.opengis.net/gml" service="CSW" version="2.0.2" resultType="hits">
      <csw:Query typeNames="csw:Record"><csw:Constraint version="1.1.0"><ogc:Filter>
          <ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName>
            <gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832">
              <gml:lowerCorner>510066 5410529</gml:lowerCorner>
              <gml:upperCorner>522896 5419882</gml:upperCorner>
            </gml:Envelope></ogc:BBOX>
      </ogc:Filter></csw:Constraint></csw:Query>
    </csw:GetRecords>"""
    posted = client.post("/catalogue/csw", data=body.encode(), content_type="application/xml")
    assert matched(posted) >= 3


def test_hits_counts_without_records(client):
    response = records(client, resultType="hits", typeNames="csw:Record")
    results = xml(response).find("csw:SearchResults", NS)

    assert int(results.get("numberOfRecordsMatched")) == len(registry.all_layers()) + 3
    assert results.get("numberOfRecordsReturned") == "0"
    assert len(results) == 0


def test_describe_record_names_both_schemas(client):
    response = csw(
        client,
        service="CSW",
        version="2.0.2",
        request="DescribeRecord",
        typeName="csw:Record,gmd:MD_Metadata",
    )

    assert response.status_code == 200
    targets = [c.get("targetNamespace") for c in xml(response).findall("csw:SchemaComponent", NS)]
    assert targets == [NS["csw"], GMD]


def test_an_unknown_id_returns_an_empty_response(client):
    response = csw(client, service="CSW", version="2.0.2", request="GetRecordById", id="no-such-record")

    assert response.status_code == 200
    doc = xml(response)
    assert doc.tag == f"{{{NS['csw']}}}GetRecordByIdResponse"
    assert len(doc) == 0


def iso_record(client, layer_id: str) -> etree._Element:
    response = csw(
        client,
        service="CSW",
        version="2.0.2",
        request="GetRecordById",
        id=record_id(layer_id),
        outputSchema=GMD,
        elementSetName="full",
    )
    assert response.status_code == 200
    (record,) = xml(response).findall("gmd:MD_Metadata", NS)
    return record


def test_the_iso_record_has_the_elements_harvesters_read_in_schema_order(client):
    record = iso_record(client, "measures")

    order = [etree.QName(child).localname for child in record]
    assert order == [
        "fileIdentifier",
        "language",
        "characterSet",
        "hierarchyLevel",
        "contact",
        "dateStamp",
        "metadataStandardName",
        "metadataStandardVersion",
        *["referenceSystemInfo"] * len(crs.ALLOWED_SRIDS),
        "identificationInfo",
        "distributionInfo",
    ]
    assert record.findtext("gmd:fileIdentifier/gco:CharacterString", namespaces=NS) == record_id("measures")
    identification = record.find("gmd:identificationInfo/gmd:MD_DataIdentification", NS)
    assert identification.findtext(
        "gmd:citation/gmd:CI_Citation/gmd:title/gco:CharacterString", namespaces=NS
    ) == ("Maßnahmen")
    codes = record.xpath("gmd:referenceSystemInfo//gmd:code/gco:CharacterString/text()", namespaces=NS)
    assert "http://www.opengis.net/def/crs/EPSG/0/25832" in codes
    west, east, south, north = (
        float(v)
        for v in identification.xpath(".//gmd:EX_GeographicBoundingBox/*/gco:Decimal/text()", namespaces=NS)
    )
    assert 8.5 < west < east < 10 and 48.5 < south < north < 49.2
    links = record.xpath("//gmd:CI_OnlineResource/gmd:linkage/gmd:URL/text()", namespaces=NS)
    assert "http://testserver/ows?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0" in links
    assert "http://testserver/ogc/collections/measures" in links
    frequency = identification.find(".//gmd:MD_MaintenanceFrequencyCode", NS)
    assert frequency.get("codeListValue") == registry.get("measures").metadata.update_frequency


def test_a_boundary_layer_names_the_licence_and_the_attribution_it_requires(client, settings):
    record = iso_record(client, "quartiere")

    constraints = record.xpath("//gmd:otherConstraints/gco:CharacterString/text()", namespaces=NS)
    assert any(settings.DATA_ATTRIBUTION["url"] in text for text in constraints)
    assert any(settings.DATA_ATTRIBUTION["text"] in text for text in constraints)


def test_text_of_a_layer_definition_is_escaped_in_every_schema(client):
    hostile = "<script>alert(1)</script> {{ 6*7 }} & ]]>"
    layer = Layer(
        id="hostile_test_layer",
        title={"de": hostile, "en": hostile},
        abstract={"de": hostile, "en": hostile},
        geometry_type="MultiPolygon",
        source="SELECT a.id, a.geom FROM quartiere_area AS a WHERE a.level = 3",
        attributes={},
        queryable=(),
        styles=(Style(name="default", title={"de": "x", "en": "x"}),),
        metadata=Metadata(keywords=(hostile,)),
    )
    registry.register(layer)
    try:
        for schema in ("http://www.opengis.net/cat/csw/2.0.2", GMD):
            response = csw(
                client,
                service="CSW",
                version="2.0.2",
                request="GetRecordById",
                id=record_id(layer.id),
                outputSchema=schema,
            )
            assert b"<script>" not in response.content
            doc = xml(response)
            assert hostile in doc.xpath("//text()")
            assert not doc.xpath("//*[local-name()='script']")
    finally:
        registry._registry.pop(layer.id, None)


def test_a_layer_registered_later_has_its_record_at_once(client):
    layer = Layer(
        id="late_test_layer",
        title={"de": "Späte Ebene", "en": "Late layer"},
        abstract={"de": "Quartiere, später registriert.", "en": "Registered later."},
        geometry_type="MultiPolygon",
        source="SELECT a.id, a.geom FROM quartiere_area AS a WHERE a.level = 3",
        attributes={},
        queryable=(),
        styles=(Style(name="default", title={"de": "x", "en": "x"}),),
        metadata=Metadata(dimensions=("green",)),
    )
    before = int(
        xml(records(client, resultType="hits")).find("csw:SearchResults", NS).get("numberOfRecordsMatched")
    )
    registry.register(layer)
    try:
        after = records(
            client,
            constraintLanguage="CQL_TEXT",
            constraint="dc:title = 'Späte Ebene'",
            elementSetName="full",
        )
        (record,) = xml(after).findall("csw:SearchResults/csw:Record", NS)
        assert record.xpath("dc:subject/text()", namespaces=NS) == ["Grüne Stadt", "Leipzig-Charta"]
        total = xml(records(client, resultType="hits")).find("csw:SearchResults", NS)
        assert int(total.get("numberOfRecordsMatched")) == before + 1
    finally:
        registry._registry.pop(layer.id, None)


def test_a_nul_in_a_parameter_is_a_400_in_each_endpoints_own_format(client):
    report = client.get("/catalogue/csw?service=CSW&request=GetRecords&constraint=%00")
    records = client.get("/catalogue/collections/layers/items?q=%00")

    assert report.status_code == records.status_code == 400
    assert exception(report) == ("InvalidParameterValue", "constraint")
    assert records.json()["code"] == "InvalidParameterValue"
