"""``/tiles/{layer}/{z}/{x}/{y}.mvt`` (Mapbox vector tiles) and ``/tiles/{layer}.json`` (TileJSON 3.0).

An empty tile is ``200`` with an empty body (a valid vector tile without layers), which every client
reads as "nothing here"; 204 is handled by most but not all clients and caches. A zoom level outside
``TILES_MIN_ZOOM``–``TILES_MAX_ZOOM`` or x/y outside the tile matrix of z is a 404, as is an unknown
layer; errors have an OGC-style JSON body. ETag/304, Cache-Control, CORS and HEAD come from
``geo.http.map_view``.

A parameterised layer (``geo.layers.Parameter``) takes its values as query parameters named like
them (``/tiles/indicators/14/8600/5630.mvt?indicator=kinderarmut&year=2023``); a bad value is a 400
naming the parameter. The TileJSON lists them (``parameters``, with values and defaults) and its tile
URL carries the values the TileJSON request named.
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language

from geo import crs, dataversion
from geo import layers as registry
from geo.http import NOT_MODIFIED, MapError, MapRequest, NotModified, base_url, json_errors, map_view
from geo.layers import Layer, ParameterError
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


def layer_parameters(request, layer: Layer) -> dict[str, int | None]:
    """The resolved parameters of a parameterised layer from the query (``?<name>=``); {} otherwise."""
    if not layer.parameters:
        return {}
    raw = {}
    for parameter in layer.parameters:
        values = request.GET.getlist(parameter.name)
        if len(values) > 1:
            raise MapError(400, "InvalidParameterValue", f"{parameter.name}: given more than once.")
        raw[parameter.name] = values[0] if values else None
    try:
        return registry.resolve(layer, raw)
    except ParameterError as error:
        raise MapError(400, "InvalidParameterValue", f"{error.parameter.name}: {error.reason}") from None


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
    parameters = layer_parameters(request, layer)
    # the data version comes with the tile, in one statement; the tile is skipped when the client's
    # ETag names the current version (the ETag covers the query, so the parameters too)
    conditional = request.map_conditional
    conditional.token, data = queries.versioned_tile(
        layer, z, x, y, claimed=conditional.claimed, parameters=parameters
    )
    if data is None:
        return NOT_MODIFIED
    return HttpResponse(data, content_type=MVT)


@map_view(layers=_layer_ids, errors=json_errors)
def tilejson(request: MapRequest, layer_id: str) -> HttpResponse:
    layer = _layer(layer_id)
    parameters = layer_parameters(request, layer)
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
        "tiles": [
            f"{base_url(request)}/tiles/{layer.id}/{{z}}/{{x}}/{{y}}.mvt{_chosen_query(request, layer)}"
        ],
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
    if layer.parameters:
        # not part of TileJSON 3.0: the query parameters the tiles of this layer take
        document["parameters"] = [
            {
                "name": parameter.name,
                "title": parameter.title_in(language),
                "kind": parameter.kind,
                "values": [text for text, _ in parameter.values(parameters)],
                "value": next(
                    (
                        text
                        for text, value in parameter.values(parameters)
                        if value == parameters[parameter.name]
                    ),
                    None,
                ),
            }
            for parameter in layer.parameters
        ]
    return HttpResponse(json.dumps(document, ensure_ascii=False), content_type="application/json")


def _chosen_query(request, layer: Layer) -> str:
    chosen = {p.name: request.GET[p.name] for p in layer.parameters if request.GET.get(p.name)}
    return "?" + urlencode(chosen) if chosen else ""
