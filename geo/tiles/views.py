"""``/tiles/{layer}/{z}/{x}/{y}.mvt`` (Mapbox vector tiles) and ``/tiles/{layer}.json`` (TileJSON 3.0).

An empty tile is ``200`` with an empty body (a valid vector tile without layers), which every client
reads as "nothing here"; 204 is handled by most but not all clients and caches. A zoom level outside
``TILES_MIN_ZOOM``–``TILES_MAX_ZOOM`` or x/y outside the tile matrix of z is a 404, as is an unknown
layer; errors have an OGC-style JSON body. ETag/304, Cache-Control, CORS and HEAD come from
``geo.http.map_view``.
"""

import json

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language

from geo import crs, dataversion
from geo import layers as registry
from geo.http import NOT_MODIFIED, MapError, MapRequest, NotModified, base_url, json_errors, map_view
from geo.layers import Layer
from geo.public import public_read
from geo.tiles import queries

MVT = "application/vnd.mapbox-vector-tile"
FIELD_TYPES = {
    "string": "String",
    "integer": "Number",
    "number": "Number",
    "boolean": "Boolean",
    "date": "String",
    "datetime": "String",
}
WORLD_BOUNDS = [-180.0, -85.0511287798066, 180.0, 85.0511287798066]


def _layer_ids(request, layer_id: str, *args, **kwargs) -> list[str]:
    return [layer_id]


def _layer(layer_id: str) -> Layer:
    layer = registry.get(layer_id)
    if layer is None:
        raise MapError(404, "NotFound", f"There is no layer {layer_id[:60]!r}.")
    return layer


@public_read
@map_view(layers=_layer_ids, errors=json_errors, versions="view", localized=False)
def tile(request: MapRequest, layer_id: str, z: int, x: int, y: int) -> HttpResponse | NotModified:
    layer = _layer(layer_id)
    if not settings.TILES_MIN_ZOOM <= z <= settings.TILES_MAX_ZOOM:
        raise MapError(
            404,
            "NotFound",
            f"z: tiles exist for zoom levels {settings.TILES_MIN_ZOOM}–{settings.TILES_MAX_ZOOM}.",
        )
    if x >= 2**z or y >= 2**z:
        raise MapError(404, "NotFound", f"x/y: zoom level {z} has tiles 0–{2**z - 1} in each direction.")
    # the data version comes with the tile, in one statement; the tile is skipped when the client's
    # ETag names the current version
    conditional = request.map_conditional
    conditional.token, data = queries.versioned_tile(layer, z, x, y, claimed=conditional.claimed)
    if data is None:
        return NOT_MODIFIED
    return HttpResponse(data, content_type=MVT)


@map_view(layers=_layer_ids, errors=json_errors)
def tilejson(request: MapRequest, layer_id: str) -> HttpResponse:
    layer = _layer(layer_id)
    language = get_language() or "de"
    extent = dataversion.layer_extent(layer, request.map_versions, crs.WGS84)
    bounds = [round(v, 7) for v in extent] if extent else WORLD_BOUNDS
    minzoom, maxzoom = settings.TILES_MIN_ZOOM, settings.TILES_MAX_ZOOM
    centre_zoom = max(minzoom, min(maxzoom, 12))
    document = {
        "tilejson": "3.0.0",
        "name": layer.title_in(language),
        "description": layer.abstract_in(language),
        "version": "1.0.0",
        "scheme": "xyz",
        "tiles": [f"{base_url(request)}/tiles/{layer.id}/{{z}}/{{x}}/{{y}}.mvt"],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": bounds,
        "center": [round((bounds[0] + bounds[2]) / 2, 7), round((bounds[1] + bounds[3]) / 2, 7), centre_zoom],
        "vector_layers": [
            {
                "id": layer.id,
                "description": layer.title_in(language),
                "minzoom": minzoom,
                "maxzoom": maxzoom,
                "fields": {name: FIELD_TYPES[kind] for name, kind in layer.attributes.items()},
            }
        ],
    }
    return HttpResponse(json.dumps(document, ensure_ascii=False), content_type="application/json")
