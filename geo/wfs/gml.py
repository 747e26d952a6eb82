"""GML 3.2 of the feature types: members built as text by PostGIS (``ST_AsGML`` for the geometry,
``xmlforest`` for the escaped, typed properties) and the XML Schema of DescribeFeatureType.

The layer's ``source`` is wrapped by ``geo.ogc.queries.Query`` (bbox, ids, paging) exactly as for the
OGC API; this module only supplies the feature expression. Output SRIDs are integers from the
allow-list written into the SQL text; layer and attribute names are identifiers declared in code
(checked here once more), quoted as SQL identifiers.
"""

import re
from xml.sax.saxutils import escape, quoteattr

from django.db import connection

from geo import crs
from geo.layers import Layer
from geo.ogc.params import Crs
from geo.ogc.queries import precision
from geo.wfs.request import NAMESPACE, PREFIX

GML_NS = "http://www.opengis.net/gml/3.2"
WFS_NS = "http://www.opengis.net/wfs/2.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
WFS_XSD = "http://schemas.opengis.net/wfs/2.0/wfs.xsd"
GML_XSD = "http://schemas.opengis.net/gml/3.2.1/gml.xsd"
GEOMETRY = "geom"  # the geometry property of every feature type

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

XSD_TYPES = {
    "string": "xsd:string",
    "integer": "xsd:long",
    "number": "xsd:double",
    "boolean": "xsd:boolean",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
}
GEOMETRY_TYPES = {
    "Point": "gml:PointPropertyType",
    "MultiPoint": "gml:MultiPointPropertyType",
    "LineString": "gml:CurvePropertyType",
    "MultiLineString": "gml:MultiCurvePropertyType",
    "Polygon": "gml:SurfacePropertyType",
    "MultiPolygon": "gml:MultiSurfacePropertyType",
    "Geometry": "gml:GeometryPropertyType",
}
# Characters XML 1.0 does not allow; text attributes are stripped of them
_XML_INVALID = r"[\x01-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]"
# ST_AsGML options: 1 = srsName as URN (urn:ogc:def:crs:EPSG::n), 4 = <LineString> instead of <Curve>
# (so a line is a gml:LineString, a multi-line a MultiCurve of LineStrings)
_LONG_CRS, _LINESTRING = 1, 4
ID_TOKEN = "@@gmlid@@"  # noqa: S105 (a placeholder, not a password)


def checked(name: str) -> str:
    if not NAME.match(name):
        raise ValueError(f"not an XML/SQL name: {name!r}")
    return name


def qualified(layer: Layer) -> str:
    return f"{PREFIX}:{checked(layer.id)}"


def _geometry(out: Crs, urn: bool) -> str:
    """The geometry of ``src`` as GML 3.2 text in ``out`` (axes swapped when it is northing first),
    every gml:id still the placeholder ``ID_TOKEN``."""
    geom = "src.geom" if out.srid == crs.STORAGE_SRID else f"ST_Transform(src.geom, {int(out.srid)})"
    if out.northing_first:
        geom = f"ST_FlipCoordinates({geom})"
    options = (_LONG_CRS if urn else 0) | _LINESTRING
    return f"ST_AsGML(3, {geom}, {precision(out)}, {options}, 'gml', '{ID_TOKEN}')"


def _numbered_ids(gml: str, fid: str) -> str:
    """PostGIS writes the same gml:id on a geometry and all its parts; gml:id is an xsd:ID and must
    be unique: number them ``<fid>.g1``, ``<fid>.g2`` … (``string_to_array``, not a regular
    expression: this costs next to nothing, the regexp split doubled the statement's time)."""
    return (
        "(SELECT string_agg(CASE WHEN t.n = 1 THEN t.part "
        f"ELSE {fid} || '.g' || (t.n - 1) || t.part END, '' ORDER BY t.n) "
        f"FROM unnest(string_to_array({gml}, '{ID_TOKEN}')) WITH ORDINALITY AS t(part, n))"
    )


def _value(name: str, kind: str) -> str:
    column = "src." + connection.ops.quote_name(name)
    if kind == "string":
        return f"regexp_replace({column}::text, E'{_XML_INVALID}', '', 'g')".replace("\\", "\\\\")
    return column


def member_sql(layer: Layer, out: Crs, *, urn: bool = True) -> str:
    """A text expression: ``<wfs:member><qa:layer gml:id="layer.id">…</qa:layer></wfs:member>`` of
    the row ``src``; properties that are NULL are left out (they are optional in the schema)."""
    return f"'<wfs:member>' || {feature_sql(layer, out, urn=urn)} || '</wfs:member>'"


def feature_sql(layer: Layer, out: Crs, *, urn: bool = True) -> str:
    """A text expression: the feature element of the row ``src``."""
    tag = qualified(layer)
    fid = f"'{checked(layer.id)}.' || src.id"
    geometry = _numbered_ids(_geometry(out, urn), fid)
    forest = ", ".join(
        f"{_value(name, kind)} AS {connection.ops.quote_name(f'{PREFIX}:{checked(name)}')}"
        for name, kind in layer.attributes.items()
    )
    properties = f"coalesce(xmlforest({forest})::text, '')" if forest else "''"
    return (
        f"""'<{tag} gml:id="' || {fid} || '">' || """
        f"coalesce('<{PREFIX}:{GEOMETRY}>' || {geometry} || '</{PREFIX}:{GEOMETRY}>', '') || "
        f"{properties} || '</{tag}>'"
    )


def namespaces() -> str:
    return f'xmlns:wfs="{WFS_NS}" xmlns:gml="{GML_NS}" xmlns:{PREFIX}="{NAMESPACE}" xmlns:xsi="{XSI_NS}"'


def describe_feature_types(layers: list[Layer]) -> str:
    """The XML Schema (GML 3.2 application schema) of ``layers``."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:gml="{GML_NS}" xmlns:{PREFIX}="{NAMESPACE}" targetNamespace="{NAMESPACE}" '
        'elementFormDefault="qualified" version="1.0">',
        f'  <xsd:import namespace="{GML_NS}" schemaLocation="{GML_XSD}"/>',
    ]
    for layer in layers:
        name = checked(layer.id)
        parts += [
            f'  <xsd:complexType name="{name}Type">',
            "    <xsd:complexContent>",
            '      <xsd:extension base="gml:AbstractFeatureType">',
            "        <xsd:sequence>",
            f'          <xsd:element name="{GEOMETRY}" type="{GEOMETRY_TYPES[layer.geometry_type]}" '
            'minOccurs="0" maxOccurs="1"/>',
        ]
        for attribute, kind in layer.attributes.items():
            parts.append(
                f'          <xsd:element name="{checked(attribute)}" type="{XSD_TYPES[kind]}" '
                'minOccurs="0" maxOccurs="1"/>'
            )
        parts += [
            "        </xsd:sequence>",
            "      </xsd:extension>",
            "    </xsd:complexContent>",
            "  </xsd:complexType>",
            f'  <xsd:element name="{name}" type="{PREFIX}:{name}Type" '
            'substitutionGroup="gml:AbstractFeature"/>',
        ]
    parts.append("</xsd:schema>\n")
    return "\n".join(parts)


def collection(
    members: list[str],
    *,
    matched: int,
    time_stamp: str,
    schema_location: str,
    next_url: str | None = None,
    previous_url: str | None = None,
) -> str:
    links = ""
    if next_url:
        links += f" next={quoteattr(next_url)}"
    if previous_url:
        links += f" previous={quoteattr(previous_url)}"
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<wfs:FeatureCollection {namespaces()} "
        f'xsi:schemaLocation="{WFS_NS} {WFS_XSD} {GML_NS} {GML_XSD} {escape(schema_location)}" '
        f'timeStamp="{time_stamp}" numberMatched="{matched}" numberReturned="{len(members)}"{links}>\n'
    )
    return head + "\n".join(members) + ("\n" if members else "") + "</wfs:FeatureCollection>\n"


def standalone(feature: str, schema_location: str) -> str:
    """One feature as a document of its own (the answer of GetFeatureById)."""
    tag_end = feature.index(" ")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + feature[:tag_end]
        + f' xmlns:gml="{GML_NS}" xmlns:{PREFIX}="{NAMESPACE}" xmlns:xsi="{XSI_NS}" '
        f'xsi:schemaLocation="{GML_NS} {GML_XSD} {escape(schema_location)}"' + feature[tag_end:] + "\n"
    )
