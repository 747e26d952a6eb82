"""GeoJSON features built by PostGIS: the page of features a selector reads (``feature_page``) and
the responses around them. Python only wraps the text."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework.request import Request

from geo import crs
from geo.db.routing import read_connection as connection  # reads: a replica or the primary

GEOJSON = "application/geo+json"

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class FeaturePage:
    matched: int
    returned: int
    features_json: str  # comma-separated GeoJSON Feature objects, built by PostGIS


def precision_for(srid: int) -> int:
    """Decimal places for coordinates: ≈1 cm in degrees (7) or in metres (2)."""
    return 7 if crs.is_geographic(srid) else 2


def feature_page(
    sql: str,
    params: Mapping[str, Any],
    *,
    bbox: BBox | None = None,
    bbox_srid: int = crs.WGS84,
    out_srid: int = crs.WGS84,
    limit: int = 100,
    offset: int = 0,
) -> FeaturePage:
    """One page of features from a features statement, in one round trip.

    The statement takes ``params`` and the page's own parameters: ``minx``, ``miny``, ``maxx``,
    ``maxy`` (``bbox`` in ``bbox_srid``; all NULL without a bbox), ``bbox_srid``, ``storage_srid``
    (EPSG:25832), ``out_srid`` (an int from the allow-list), ``precision`` (decimal places for
    ``out_srid``), ``limit`` and ``offset``. It returns one row: the number of all matches, the
    number on the page and the page's GeoJSON Features as comma-joined text."""
    minx, miny, maxx, maxy = bbox if bbox else (None, None, None, None)
    bound = {
        **params,
        "minx": minx,
        "miny": miny,
        "maxx": maxx,
        "maxy": maxy,
        "bbox_srid": bbox_srid,
        "storage_srid": crs.STORAGE_SRID,
        "out_srid": out_srid,
        "precision": precision_for(out_srid),
        "limit": limit,
        "offset": offset,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        matched, returned, features = cursor.fetchone()
    return FeaturePage(matched=matched, returned=returned, features_json=features)


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
    request: Request, page: FeaturePage, *, limit: int, offset: int, srid: int
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
