"""OGC API – Features at ``/ogc/``: landing page, conformance, API definition, collections, items.

JSON (GeoJSON for features) or HTML, by ``f`` or the Accept header. Every bad parameter is a 400 and
an unknown collection or feature a 404, both with an OGC-style JSON body ``{"code", "description"}``;
database trouble is a 503. ETag/304, Cache-Control, CORS and HEAD come from ``geo.http.map_view``.
"""

import json
from collections.abc import Set as AbstractSet

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from geo import layers as registry
from geo.http import NOT_MODIFIED, MapRequest, NotModified, json_errors, map_view
from geo.layers import Layer
from geo.ogc import documents, openapi, queries
from geo.ogc.documents import OPENAPI
from geo.ogc.params import (
    GEOJSON,
    Crs,
    OGCError,
    bbox_param,
    crs_param,
    layer_parameters,
    limit_param,
    negotiate,
    not_found,
    offset_param,
    parameter_names,
    queryable_filters,
    reject_unknown,
    single,
)
from geo.public import public_read

ITEMS_PARAMS = {"f", "bbox", "bbox-crs", "crs", "limit", "offset"}


def ogc_view(layers=None):
    return map_view(layers, vary=("Accept",), errors=json_errors)


def _collection_ids(request, collection_id: str, *args, **kwargs) -> list[str]:
    return [collection_id]


def _json(document: dict, media: str = "application/json") -> HttpResponse:
    return HttpResponse(json.dumps(document, ensure_ascii=False), content_type=media)


def _layer(collection_id: str) -> Layer:
    layer = registry.get(collection_id)
    if layer is None:
        raise not_found(f"There is no collection {collection_id[:60]!r}.")
    return layer


def _simple(request: HttpRequest, allowed: AbstractSet[str] = frozenset({"f"})) -> tuple[dict, str]:
    params = single(request)
    fmt = negotiate(request, params)
    reject_unknown(params, set(allowed))
    return params, fmt


@ogc_view()  # the HTML page lists the collections
def landing(request: HttpRequest) -> HttpResponse:
    _, fmt = _simple(request)
    document = documents.landing(request, fmt)
    if fmt == "html":
        language = get_language() or "de"
        layers = [(layer.id, layer.title_in(language)) for layer in registry.all_layers()]
        return render(request, "ogc/landing.html", {"doc": document, "layers": layers})
    return _json(document)


@ogc_view(layers=())
def conformance(request: HttpRequest) -> HttpResponse:
    _, fmt = _simple(request)
    document = documents.conformance(request, fmt)
    if fmt == "html":
        return render(request, "ogc/conformance.html", {"doc": document})
    return _json(document)


@ogc_view()
def api(request: HttpRequest) -> HttpResponse:
    params = single(request)
    reject_unknown(params, {"f"})
    if params.get("f") not in (None, "", "json"):
        raise OGCError(400, "InvalidParameterValue", "f: the API definition is available as json only.")
    return _json(openapi.document(request, registry.all_layers()), OPENAPI)


@ogc_view()
def collections(request: MapRequest) -> HttpResponse:
    _, fmt = _simple(request)
    document = documents.collections(request, registry.all_layers(), fmt, request.map_versions)
    if fmt == "html":
        return render(request, "ogc/collections.html", {"doc": document})
    return _json(document)


@ogc_view(layers=_collection_ids)
def collection(request: MapRequest, collection_id: str) -> HttpResponse:
    layer = _layer(collection_id)
    _, fmt = _simple(request)
    document = documents.collection(request, layer, fmt, request.map_versions)
    if fmt == "html":
        return render(request, "ogc/collection.html", {"doc": document, "layer": layer})
    return _json(document)


@ogc_view(layers=_collection_ids)
def queryables(request: HttpRequest, collection_id: str) -> HttpResponse:
    layer = _layer(collection_id)
    _json_only(request, "the queryables list")
    return _json(documents.queryables(request, layer), documents.SCHEMA_JSON)


@ogc_view(layers=_collection_ids)
def schema(request: HttpRequest, collection_id: str) -> HttpResponse:
    layer = _layer(collection_id)
    _json_only(request, "the schema")
    return _json(documents.schema(request, layer), documents.SCHEMA_JSON)


def _json_only(request: HttpRequest, what: str) -> None:
    params = single(request)
    reject_unknown(params, {"f"})
    if params.get("f") not in (None, "", "json"):
        raise OGCError(400, "InvalidParameterValue", f"f: {what} is available as json only.")


@public_read  # JSON only: ?f=html and Accept: text/html take the full chain (geo.public.wants_html)
@map_view(layers=_collection_ids, vary=("Accept",), errors=json_errors, versions="view")
def items(request: MapRequest, collection_id: str) -> HttpResponseBase | NotModified:
    layer = _layer(collection_id)
    params = single(request)
    fmt = negotiate(request, params, GEOJSON)
    reject_unknown(params, ITEMS_PARAMS | set(layer.queryable) | parameter_names(layer))
    limit = limit_param(params)
    offset = offset_param(params)
    bbox_crs = crs_param(params, "bbox-crs")
    out = crs_param(params, "crs")
    query = queries.Query(
        layer=layer,
        out=out,
        bbox=bbox_param(params, bbox_crs),
        bbox_srid=bbox_crs.srid,
        filters=queryable_filters(params, layer),
        limit=limit,
        offset=offset,
        parameters=layer_parameters(params, layer),
    )
    conditional = request.map_conditional
    if fmt == "json" and limit <= settings.OGC_STREAM_FROM:
        # the data version, the page and numberMatched in one statement (one snapshot, one round trip)
        read = queries.versioned_page(query, conditional.claimed)
        conditional.token = read.token
        if read.features is None:
            return NOT_MODIFIED
        features, matched = read.features, read.matched
    else:
        # HTML and streamed pages: the version first, then the data (a write in between only makes
        # the next request miss the cache, never stale data look current)
        conditional.token = queries.version(query)
        if conditional.token == conditional.claimed:
            return NOT_MODIFIED
        features, matched = None, queries.count(query)

    def links(returned: int) -> list[dict]:
        return documents.items_links(
            request, layer, fmt, offset=offset, limit=limit, returned=returned, matched=matched
        )

    if fmt == "html":
        shown = [json.loads(text) for text in queries.page(query)]
        context = {"layer": layer, "features": shown, "matched": matched, "links": links(len(shown))}
        context.update(offset=offset, attributes=list(layer.attributes), crs=out.uri)
        return render(request, "ogc/items.html", context)
    head = f'{{"type":"FeatureCollection","numberMatched":{matched},"features":['

    def tail(returned: int) -> str:
        return f'],"numberReturned":{returned},"links":{json.dumps(links(returned), ensure_ascii=False)}}}'

    if features is not None:
        response: HttpResponseBase = HttpResponse(
            head + ",".join(features) + tail(len(features)), content_type=GEOJSON
        )
    else:
        body = StreamedBody(head, queries.StreamedPage(query), tail)
        response = StreamingHttpResponse(body, content_type=GEOJSON)
    return with_crs(response, out)


class StreamedBody:
    """Head, the features chunk by chunk, tail (which needs the number returned); ``close`` releases
    the cursor also when the body is never read (HEAD, a client gone)."""

    def __init__(self, head: str, streamed: queries.StreamedPage, tail):
        self.head, self.streamed, self.tail = head, streamed, tail

    def __iter__(self):
        yield self.head
        yield from self.streamed.chunks()
        yield self.tail(self.streamed.returned)
        self.streamed.close()

    def close(self) -> None:
        self.streamed.close()


@ogc_view(layers=_collection_ids)
def item(request: HttpRequest, collection_id: str, fid: str) -> HttpResponseBase:
    layer = _layer(collection_id)
    params = single(request)
    fmt = negotiate(request, params, GEOJSON)
    reject_unknown(params, {"f", "crs"} | parameter_names(layer))
    out = crs_param(params, "crs")
    parameters = layer_parameters(params, layer)
    if not (fid.isascii() and fid.isdigit() and len(fid) <= 18):
        raise not_found(f"There is no feature {fid[:40]!r} in {layer.id}.")
    text = queries.feature(layer, int(fid), out, parameters)
    if text is None:
        raise not_found(f"There is no feature {fid[:40]!r} in {layer.id}.")
    links = documents.feature_links(request, layer, int(fid), fmt)
    if fmt == "html":
        feature = json.loads(text)
        context = {"layer": layer, "feature": feature, "links": links, "crs": out.uri}
        return render(request, "ogc/item.html", context)
    body = text[:-1] + ',"links":' + json.dumps(links, ensure_ascii=False) + "}"
    return with_crs(HttpResponse(body, content_type=GEOJSON), out)


def with_crs(response: HttpResponseBase, out: Crs) -> HttpResponseBase:
    response["Content-Crs"] = f"<{out.uri}>"
    return response
