"""GetCapabilities of WFS 2.0 and the stored query documents (ListStoredQueries,
DescribeStoredQueries). Metadata come from ``settings.WMS`` (one service description for /ows), the
feature types from the registry, their WGS84 boxes from the same cached extents as the WMS."""

from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.template.loader import render_to_string

from geo import crs, dataversion
from geo import layers as registry
from geo.catalogue.records import metadata_url
from geo.http import base_url
from geo.wfs import gml
from geo.wfs.request import GET_FEATURE_BY_ID, GML32, JSON, NAMESPACE, PREFIX, VERSIONS, advertised_crs
from geo.wms.capabilities import DEFAULT_EXTENT, layer_boxes, transform_boxes

CONSTRAINTS = [
    ("ImplementsBasicWFS", "FALSE"),
    ("ImplementsTransactionalWFS", "FALSE"),
    ("ImplementsLockingWFS", "FALSE"),
    ("KVPEncoding", "TRUE"),
    ("XMLEncoding", "FALSE"),
    ("SOAPEncoding", "FALSE"),
    ("ImplementsInheritance", "FALSE"),
    ("ImplementsRemoteResolve", "FALSE"),
    ("ImplementsResultPaging", "TRUE"),
    ("ImplementsStandardJoins", "FALSE"),
    ("ImplementsSpatialJoins", "FALSE"),
    ("ImplementsTemporalJoins", "FALSE"),
    ("ImplementsFeatureVersioning", "FALSE"),
    ("ManageStoredQueries", "FALSE"),
    # ImplementsSimpleWFS and CountDefault are added per request (the latter from settings)
]
FILTER_CONSTRAINTS = [
    ("ImplementsQuery", "TRUE"),
    ("ImplementsAdHocQuery", "TRUE"),
    ("ImplementsFunctions", "FALSE"),
    ("ImplementsResourceId", "TRUE"),
    ("ImplementsMinStandardFilter", "FALSE"),
    ("ImplementsStandardFilter", "FALSE"),
    ("ImplementsMinSpatialFilter", "TRUE"),
    ("ImplementsSpatialFilter", "FALSE"),
    ("ImplementsMinTemporalFilter", "FALSE"),
    ("ImplementsTemporalFilter", "FALSE"),
    ("ImplementsVersionNav", "FALSE"),
    ("ImplementsSorting", "FALSE"),
    ("ImplementsExtendedOperators", "FALSE"),
    ("ImplementsMinimumXPath", "FALSE"),
    ("ImplementsSchemaElementFunc", "FALSE"),
]
OUTPUT_FORMATS = [GML32, JSON]


def online_resource(request) -> str:
    return f"{base_url(request)}/ows?"


def _number(value: float) -> str:
    return f"{value:.6f}"


def document(request, version: str, language: str, versions: dataversion.Versions) -> str:
    layers = registry.all_layers()
    fallback = None
    entries = []
    for layer in layers:
        boxes = layer_boxes(layer, versions)
        if boxes is None:
            fallback = fallback or transform_boxes(DEFAULT_EXTENT)
            boxes = fallback
        west, south, east, north = boxes[crs.WGS84]
        entries.append(
            {
                "name": gml.qualified(layer),
                "title": layer.title_in(language),
                "abstract": layer.abstract_in(language),
                "west": _number(west),
                "south": _number(south),
                "east": _number(east),
                "north": _number(north),
                "metadata_url": metadata_url(base_url(request), layer),
            }
        )
    names = [entry["name"] for entry in entries]
    operations = [
        {
            "name": "GetCapabilities",
            "parameters": [("AcceptVersions", VERSIONS), ("AcceptFormats", ["text/xml"])],
        },
        {"name": "DescribeFeatureType", "parameters": [("outputFormat", [GML32])]},
        {"name": "ListStoredQueries", "parameters": []},
        {"name": "DescribeStoredQueries", "parameters": []},
        {
            "name": "GetFeature",
            "parameters": [("outputFormat", OUTPUT_FORMATS), ("resultType", ["results", "hits"])],
        },
    ]
    wms = settings.WMS
    context = {
        "version": version,
        "versions": VERSIONS,
        "update_sequence": versions.token(layers),
        "prefix": PREFIX,
        "namespace": NAMESPACE,
        "title": wms["TITLE"].get(language) or wms["TITLE"]["de"],
        "abstract": wms["ABSTRACT"].get(language) or wms["ABSTRACT"]["de"],
        "keywords": [*wms["KEYWORDS"], "WFS"],
        "contact": wms["CONTACT"],
        "fees": wms["FEES"],
        "access_constraints": wms["ACCESS_CONSTRAINTS"],
        "site": base_url(request) + "/",
        "online_resource": online_resource(request),
        "operations": operations,
        "constraints": [
            ("ImplementsSimpleWFS", "TRUE"),
            *CONSTRAINTS,
            ("CountDefault", str(settings.OGC_MAX_LIMIT)),
        ],
        "filter_constraints": FILTER_CONSTRAINTS,
        "crs": advertised_crs(),
        "output_formats": OUTPUT_FORMATS,
        "layers": entries,
        "type_names": names,
    }
    return render_to_string("wfs/capabilities.xml", context)


HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<wfs:{root} xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:{prefix}="{namespace}" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd">\n'
)


def _head(root: str) -> str:
    return HEAD.format(root=root, prefix=PREFIX, namespace=NAMESPACE)


def list_stored_queries() -> str:
    returns = "".join(
        f"    <wfs:ReturnFeatureType>{escape(gml.qualified(layer))}</wfs:ReturnFeatureType>\n"
        for layer in registry.all_layers()
    )
    return (
        _head("ListStoredQueriesResponse") + f"  <wfs:StoredQuery id={quoteattr(GET_FEATURE_BY_ID)}>\n"
        "    <wfs:Title>Get feature by identifier</wfs:Title>\n"
        + returns
        + "  </wfs:StoredQuery>\n</wfs:ListStoredQueriesResponse>\n"
    )


def describe_stored_queries() -> str:
    return (
        _head("DescribeStoredQueriesResponse")
        + f"  <wfs:StoredQueryDescription id={quoteattr(GET_FEATURE_BY_ID)}>\n"
        "    <wfs:Title>Get feature by identifier</wfs:Title>\n"
        "    <wfs:Abstract>Returns the single feature whose gml:id equals ID (&lt;type&gt;.&lt;number&gt;, "
        "e.g. measures.12).</wfs:Abstract>\n"
        '    <wfs:Parameter name="ID" type="xs:string"/>\n'
        '    <wfs:QueryExpressionText isPrivate="true" '
        'language="urn:ogc:def:queryLanguage:OGC-WFS::WFS_QueryExpression" returnFeatureTypes=""/>\n'
        "  </wfs:StoredQueryDescription>\n</wfs:DescribeStoredQueriesResponse>\n"
    )
