"""The OpenAPI 3.0 definition of ``/ogc/`` (conformance class OAS30), one path per collection so that
clients (GDAL's OAPIF driver among them) see each collection's queryable attributes."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from geo.http import base_url
from geo.layers import Layer
from geo.ogc.documents import SCHEMA_JSON, SCHEMA_TYPES
from geo.ogc.params import CRS84, SUPPORTED_CRS


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema: dict, description: str, media: str = "application/json") -> dict:
    return {"description": description, "content": {media: {"schema": schema}}}


def _get(summary: str, operation_id: str, responses: dict, parameters: list | None = None, tags=None) -> dict:
    operation = {
        "summary": summary,
        "operationId": operation_id,
        "parameters": parameters or [_ref("parameters", "f")],
        "responses": {
            **responses,
            "400": _ref("responses", "InvalidParameter"),
            "500": _ref("responses", "ServerError"),
        },
    }
    if tags:
        operation["tags"] = tags
    return {"get": operation}


def components() -> dict:
    crs_uris = [item.uri for item in SUPPORTED_CRS]
    exception = {
        "type": "object",
        "required": ["code"],
        "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
    }
    link = {
        "type": "object",
        "required": ["href"],
        "properties": {k: {"type": "string"} for k in ("href", "rel", "type", "title")},
    }
    feature = {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer"},
            "geometry": {"type": "object", "nullable": True},
            "properties": {"type": "object", "nullable": True},
            "links": {"type": "array", "items": _ref("schemas", "link")},
        },
    }
    collection = {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": _ref("schemas", "featureGeoJSON")},
            "links": {"type": "array", "items": _ref("schemas", "link")},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
        },
    }
    return {
        "parameters": {
            "f": {
                "name": "f",
                "in": "query",
                "required": False,
                "description": "The format of the response (default: by the Accept header, JSON otherwise).",
                "schema": {"type": "string", "enum": ["json", "html"]},
                "style": "form",
                "explode": False,
            },
            "limit": {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Features per page; larger values are reduced to {settings.OGC_MAX_LIMIT}.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": settings.OGC_MAX_LIMIT,
                    "default": settings.OGC_DEFAULT_LIMIT,
                },
                "style": "form",
                "explode": False,
            },
            "offset": {
                "name": "offset",
                "in": "query",
                "required": False,
                "description": "Features to skip (paging; the next/prev links carry it).",
                "schema": {"type": "integer", "minimum": 0, "default": 0},
            },
            "bbox": {
                "name": "bbox",
                "in": "query",
                "required": False,
                "description": "Only features intersecting this box: minx,miny,maxx,maxy in the axis order "
                "of bbox-crs (default CRS84: lon,lat).",
                "schema": {
                    "type": "array",
                    "minItems": 4,
                    "maxItems": 6,
                    "items": {"type": "number"},
                },
                "style": "form",
                "explode": False,
            },
            "bbox-crs": {
                "name": "bbox-crs",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "format": "uri", "enum": crs_uris, "default": CRS84},
            },
            "crs": {
                "name": "crs",
                "in": "query",
                "required": False,
                "description": "The CRS of the returned geometry; axis order as the CRS defines it "
                "(EPSG:4326, 4258 and 31467: latitude/northing first).",
                "schema": {"type": "string", "format": "uri", "enum": crs_uris, "default": CRS84},
            },
            "featureId": {
                "name": "featureId",
                "in": "path",
                "required": True,
                "schema": {"type": "integer"},
            },
        },
        "schemas": {
            "exception": exception,
            "link": link,
            "featureGeoJSON": feature,
            "featureCollectionGeoJSON": collection,
        },
        "responses": {
            "InvalidParameter": _json(_ref("schemas", "exception"), "A query parameter is invalid."),
            "NotFound": _json(_ref("schemas", "exception"), "The resource does not exist."),
            "ServerError": _json(_ref("schemas", "exception"), "A server error occurred."),
        },
    }


def collection_paths(layer: Layer, language: str) -> dict:
    queryables = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"Only features whose {name} equals this value.",
            "schema": SCHEMA_TYPES[layer.attributes[name]],
            "style": "form",
            "explode": False,
        }
        for name in layer.queryable
    ]
    chosen = layer_parameters(layer, language)
    title = layer.title_in(language)
    tags = [layer.id]
    items = _json(_ref("schemas", "featureCollectionGeoJSON"), f"{title}: features", "application/geo+json")
    items["content"]["text/html"] = {"schema": {"type": "string"}}
    feature = _json(_ref("schemas", "featureGeoJSON"), f"{title}: one feature", "application/geo+json")
    feature["content"]["text/html"] = {"schema": {"type": "string"}}
    standard = ["bbox", "bbox-crs", "crs", "limit", "offset", "f"]
    return {
        f"/collections/{layer.id}": _get(
            f"{title}: description",
            f"describeCollection_{layer.id}",
            {"200": _json({"type": "object"}, title)},
        ),
        f"/collections/{layer.id}/items": _get(
            f"{title}: features",
            f"getFeatures_{layer.id}",
            {"200": items},
            [*(_ref("parameters", name) for name in standard), *chosen, *queryables],
            tags,
        ),
        f"/collections/{layer.id}/queryables": _get(
            f"{title}: queryables",
            f"getQueryables_{layer.id}",
            {"200": _json({"type": "object"}, f"{title}: queryables (JSON Schema)", SCHEMA_JSON)},
            [_ref("parameters", "f")],
            tags,
        ),
        f"/collections/{layer.id}/schema": _get(
            f"{title}: schema",
            f"getSchema_{layer.id}",
            {"200": _json({"type": "object"}, f"{title}: schema of the features (JSON Schema)", SCHEMA_JSON)},
            [_ref("parameters", "f")],
            tags,
        ),
        f"/collections/{layer.id}/items/{{featureId}}": _get(
            f"{title}: one feature",
            f"getFeature_{layer.id}",
            {"200": feature, "404": _ref("responses", "NotFound")},
            [_ref("parameters", "featureId"), _ref("parameters", "crs"), _ref("parameters", "f"), *chosen],
            tags,
        ),
    }


def layer_parameters(layer: Layer, language: str) -> list[dict]:
    """The query parameters of a parameterised layer: ``datetime`` (a year) and one per choice."""
    result = []
    for parameter in layer.parameters:
        values = [text for text, _ in parameter.values(None)]
        if parameter.kind == "year":
            result.append(
                {
                    "name": "datetime",
                    "in": "query",
                    "required": False,
                    "description": f"{parameter.title_in(language)}: one year (2024, or a date in it); "
                    "default the latest year with data for the chosen values. "
                    f"Years with data: {', '.join(values) or '(none)'}.",
                    "schema": {"type": "string"},
                    "style": "form",
                    "explode": False,
                }
            )
        else:
            result.append(
                {
                    "name": parameter.name,
                    "in": "query",
                    "required": False,
                    "description": f"{parameter.title_in(language)} (default: the first).",
                    "schema": {"type": "string", **({"enum": values} if values else {})},
                    "style": "form",
                    "explode": False,
                }
            )
    return result


def document(request: HttpRequest, layers: list[Layer]) -> dict:
    language = get_language() or "de"
    paths = {
        "/": _get("Landing page", "getLandingPage", {"200": _json({"type": "object"}, "The landing page")}),
        "/conformance": _get(
            "Conformance classes", "getConformance", {"200": _json({"type": "object"}, "Conformance classes")}
        ),
        "/api": _get(
            "This API definition",
            "getAPI",
            {"200": _json({"type": "object"}, "OpenAPI 3.0", "application/vnd.oai.openapi+json;version=3.0")},
        ),
        "/collections": _get(
            "Collections", "getCollections", {"200": _json({"type": "object"}, "The feature collections")}
        ),
    }
    for layer in layers:
        paths.update(collection_paths(layer, language))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Quartiersatlas – OGC API Features",
            "version": "1.0.0",
            "description": "Public layers of the Quartiersatlas as OGC API – Features (Part 1 Core, GeoJSON, "
            "HTML, OpenAPI 3.0; Part 2 CRS by reference; Part 3 Queryables; Part 5 Schemas).",
        },
        "servers": [{"url": f"{base_url(request)}/ogc"}],
        "tags": [{"name": layer.id, "description": layer.title_in(language)} for layer in layers],
        "paths": paths,
        "components": components(),
    }
