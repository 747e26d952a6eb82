"""GeoJSON responses whose features were built by PostGIS: Python only wraps the text."""

import json
from typing import Protocol

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework.request import Request

from geo import crs

GEOJSON = "application/geo+json"


class FeaturePageLike(Protocol):
    matched: int
    returned: int
    features_json: str


def _link(request: Request, rel: str, offset: int, limit: int) -> dict:
    query = request.GET.copy()
    query["offset"] = str(offset)
    query["limit"] = str(limit)
    return {
        "rel": rel,
        "type": GEOJSON,
        "href": request.build_absolute_uri(f"{request.path}?{query.urlencode()}"),
    }


def crs_uri(srid: int) -> str:
    return f"http://www.opengis.net/def/crs/EPSG/0/{srid}"


def feature_collection_response(
    request: Request, page: FeaturePageLike, *, limit: int, offset: int, srid: int
) -> HttpResponse:
    """A FeatureCollection with paging links (``next``/``prev``) around features from PostGIS."""
    links = []
    if offset + page.returned < page.matched:
        links.append(_link(request, "next", offset + limit, limit))
    if offset > 0:
        links.append(_link(request, "prev", max(offset - limit, 0), limit))
    head = {
        "type": "FeatureCollection",
        "numberMatched": page.matched,
        "numberReturned": page.returned,
        "links": links,
    }
    if srid != crs.WGS84:
        # RFC 7946 knows no other CRS; name it the GeoJSON-2008 way so GDAL/QGIS read it right
        head["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    body = json.dumps(head)[:-1] + ',"features":[' + page.features_json + "]}"
    response = HttpResponse(body, content_type=GEOJSON)
    response["Content-Crs"] = f"<{crs_uri(srid)}>"
    return response


def geojson_schema(name: str, *, collection: bool) -> OpenApiResponse:
    feature = {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
            "geometry": {"type": "object", "nullable": True},
            "properties": {"type": "object", "nullable": True},
        },
    }
    if not collection:
        return OpenApiResponse(response=feature, description=f"{name}: GeoJSON Feature")
    schema = {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "numberMatched": {"type": "integer"},
            "numberReturned": {"type": "integer"},
            "links": {"type": "array", "items": {"type": "object"}},
            "features": {"type": "array", "items": feature},
        },
    }
    return OpenApiResponse(response=schema, description=f"{name}: GeoJSON FeatureCollection")
