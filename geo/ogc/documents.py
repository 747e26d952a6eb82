"""The JSON documents of the OGC API: landing page, conformance, collections; links."""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.translation import get_language

from geo import crs, dataversion
from geo.attribution import attribution_line
from geo.catalogue.records import metadata_url
from geo.http import base_url
from geo.layers import Layer
from geo.ogc.params import CRS84, GEOJSON, HTML, JSON, STORAGE_CRS, SUPPORTED_CRS

OPENAPI = "application/vnd.oai.openapi+json;version=3.0"

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    # Part 3: the queryables of each collection as a JSON Schema, and equality filters on them
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    # Part 5 (draft): the schema of each collection's features, id and geometry marked by x-ogc-role
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/core-roles-features",
]
TRS = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
SCHEMA_REL = "http://www.opengis.net/def/rel/ogc/1.0/schema"
SCHEMA_JSON = "application/schema+json"
# JSON Schema of each attribute type (also the OpenAPI parameter schemas)
SCHEMA_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
}


def href(request: HttpRequest, path: str, query: dict | None = None) -> str:
    """Absolute URL of ``path`` (below ``/ogc``), with ``query``."""
    url = f"{base_url(request)}/ogc{path}"
    return f"{url}?{urlencode(query)}" if query else url


def link(
    request: HttpRequest, rel: str, media: str, path: str, title: str, query: dict | None = None
) -> dict:
    return {"rel": rel, "type": media, "title": title, "href": href(request, path, query)}


def self_links(request: HttpRequest, path: str, fmt: str, json_type: str = JSON) -> list[dict]:
    """``self`` and ``alternate`` for a resource offered as JSON and HTML."""
    json_rel, html_rel = ("self", "alternate") if fmt == "json" else ("alternate", "self")
    json_link = link(request, json_rel, json_type, path, "JSON", {"f": "json"})
    html_link = link(request, html_rel, HTML, path, "HTML", {"f": "html"})
    return [json_link, html_link] if fmt == "json" else [html_link, json_link]


def landing(request: HttpRequest, fmt: str) -> dict:
    language = get_language() or "de"
    title = "Quartiersatlas – OGC API Features"
    description = (
        "Öffentliche Geodaten des Quartiersatlas: Gebietsgliederung, Maßnahmen und Beiträge der Beteiligung."
        if language.startswith("de")
        else "Public geodata of the Quartiersatlas: area hierarchy, measures and participation contributions."
    )
    return {
        "title": title,
        "description": description,
        # the area boundaries' licence requires it (the ``attribution`` member of OGC API – Common)
        "attribution": attribution_line(),
        "links": [
            *self_links(request, "/", fmt),
            link(request, "service-desc", OPENAPI, "/api", "OpenAPI 3.0"),
            link(request, "conformance", JSON, "/conformance", "Conformance classes"),
            link(request, "data", JSON, "/collections", "Collections"),
            link(
                request,
                "http://www.opengis.net/def/rel/ogc/1.0/conformance",
                JSON,
                "/conformance",
                "Conformance classes",
            ),
            link(request, "http://www.opengis.net/def/rel/ogc/1.0/data", JSON, "/collections", "Collections"),
        ],
    }


def conformance(request: HttpRequest, fmt: str) -> dict:
    return {"conformsTo": CONFORMANCE, "links": self_links(request, "/conformance", fmt)}


def collection(request: HttpRequest, layer: Layer, fmt: str, versions: dataversion.Versions) -> dict:
    language = get_language() or "de"
    path = f"/collections/{layer.id}"
    extent = dataversion.layer_extent(layer, versions, crs.WGS84)
    document: dict[str, Any] = {
        "id": layer.id,
        "title": layer.title_in(language),
        "description": layer.abstract_in(language),
        "itemType": "feature",
        "crs": [item.uri for item in SUPPORTED_CRS],
        "storageCrs": STORAGE_CRS.uri,
        "links": [
            *self_links(request, path, fmt),
            link(request, "items", GEOJSON, f"{path}/items", "Features (GeoJSON)", {"f": "json"}),
            link(request, "items", HTML, f"{path}/items", "Features (HTML)", {"f": "html"}),
            link(request, QUERYABLES_REL, SCHEMA_JSON, f"{path}/queryables", "Queryables"),
            link(request, SCHEMA_REL, SCHEMA_JSON, f"{path}/schema", "Schema of the features"),
            link(request, "collection", JSON, "/collections", "All collections"),
            {
                "rel": "describedby",
                "type": "application/xml",
                "title": "ISO 19139 metadata (CSW)",
                "href": metadata_url(base_url(request), layer),
            },
        ],
        # for clients that show attributes before the first page (not part of the standard)
        "geometryType": layer.geometry_type,
        "properties": dict(layer.attributes),
        "queryables": list(layer.queryable),
    }
    if layer.attribution:
        document["attribution"] = attribution_line()
    if extent is not None:
        document["extent"] = {"spatial": {"bbox": [[round(v, 7) for v in extent]], "crs": CRS84}}
    if layer.parameters:
        # one indicator and year (say) per request: the values each parameter takes (the year as
        # ``datetime``), cached per data version
        def compute() -> dict[str, list[str]]:
            return {
                ("datetime" if p.kind == "year" else p.name): [text for text, _ in p.values(None)]
                for p in layer.parameters
            }

        chosen: dict[str, list[str]] = dataversion.cached(layer, versions, "parameters", compute)  # type: ignore[assignment]
        document["parameters"] = chosen
        years = chosen.get("datetime") or []
        if years:
            interval = [[f"{years[0]}-01-01T00:00:00Z", f"{years[-1]}-12-31T23:59:59Z"]]
            document.setdefault("extent", {})["temporal"] = {"interval": interval, "trs": TRS}
    return document


def queryables(request: HttpRequest, layer: Layer) -> dict:
    """The attributes a client may filter the collection's items on (``?name=value``, equality), as a
    JSON Schema (OGC API – Features Part 3, Queryables)."""
    language = get_language() or "de"
    properties: dict[str, dict[str, Any]] = {
        name: {"title": name, **SCHEMA_TYPES[layer.attributes[name]]} for name in layer.queryable
    }
    for parameter in layer.parameters:
        # a parameterised layer's choices are query parameters too (its year is ``datetime``)
        if parameter.kind == "choice":
            values = [text for text, _ in parameter.values(None)]
            properties[parameter.name] = {
                "title": parameter.title_in(language),
                "type": "string",
                "description": "One value per request; default the first.",
                **({"enum": values} if values else {}),
            }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": href(request, f"/collections/{layer.id}/queryables"),
        "type": "object",
        "title": layer.title_in(language),
        "properties": properties,
        "additionalProperties": False,
    }


def schema(request: HttpRequest, layer: Layer) -> dict:
    """The features' properties with their declared types, as a JSON Schema (OGC API – Features
    Part 5, Schemas): typed from the layer's declaration, not from the values (a column whose values
    are all null is still an integer)."""
    language = get_language() or "de"
    properties: dict[str, dict] = {
        "id": {"title": "id", "x-ogc-role": "id", "type": "integer", "readOnly": True},
        "geometry": {
            "title": "geometry",
            "x-ogc-role": "primary-geometry",
            "format": f"geometry-{layer.geometry_type.lower()}"
            if layer.geometry_type != "Geometry"
            else "geometry-any",
        },
    }
    for name, kind in layer.attributes.items():
        properties[name] = {"title": name, **SCHEMA_TYPES[kind]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": href(request, f"/collections/{layer.id}/schema"),
        "type": "object",
        "title": layer.title_in(language),
        "properties": properties,
    }


def collections(request: HttpRequest, layers: list[Layer], fmt: str, versions: dataversion.Versions) -> dict:
    return {
        "links": self_links(request, "/collections", fmt),
        "crs": [item.uri for item in SUPPORTED_CRS],
        "collections": [collection(request, layer, fmt, versions) for layer in layers],
    }


def items_links(
    request: HttpRequest, layer: Layer, fmt: str, *, offset: int, limit: int, returned: int, matched: int
) -> list[dict]:
    """self/alternate, next/prev (when there are more, or earlier, features) and collection."""
    path = f"/collections/{layer.id}/items"
    query = {key: request.GET[key] for key in request.GET if key not in {"f", "offset", "limit"}}
    page = {"limit": limit, "offset": offset}
    json_rel, html_rel = ("self", "alternate") if fmt == "json" else ("alternate", "self")
    links = [
        link(request, json_rel, GEOJSON, path, "GeoJSON", {**query, **page, "f": "json"}),
        link(request, html_rel, HTML, path, "HTML", {**query, **page, "f": "html"}),
    ]
    media = GEOJSON if fmt == "json" else HTML
    if offset + returned < matched:
        following = {**query, "limit": limit, "offset": offset + limit, "f": fmt}
        links.append(link(request, "next", media, path, "Next page", following))
    if offset > 0:
        previous = {**query, "limit": limit, "offset": max(offset - limit, 0), "f": fmt}
        links.append(link(request, "prev", media, path, "Previous page", previous))
    links.append(link(request, "collection", JSON, f"/collections/{layer.id}", "Collection"))
    return links


def feature_links(request: HttpRequest, layer: Layer, fid: int, fmt: str) -> list[dict]:
    path = f"/collections/{layer.id}/items/{fid}"
    return [
        *self_links(request, path, fmt, GEOJSON),
        link(request, "collection", JSON, f"/collections/{layer.id}", "Collection"),
    ]
