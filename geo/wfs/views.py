"""WFS 2.0 at ``/ows`` (``SERVICE=WFS``; ``geo.wms.views.ows`` dispatches here): GetCapabilities,
DescribeFeatureType, GetFeature (BBOX, RESOURCEID, COUNT/STARTINDEX, resultType=hits, srsName, GML 3.2
or GeoJSON), ListStoredQueries, DescribeStoredQueries with GetFeatureById. KVP over GET. Features come
from the layer registry only, through ``geo.ogc.queries`` like the OGC API's. ETag/304, Cache-Control,
CORS and HEAD from ``geo.http.map_view``; every failure is an OWS ``ExceptionReport``."""

import datetime as dt
import functools
import json
import logging
from urllib.parse import urlencode

from django.db import DatabaseError, DataError, OperationalError
from django.http import HttpRequest, HttpResponse
from psycopg import errors as pg_errors

from geo import dataversion
from geo import layers as registry
from geo.http import MapRequest, map_view
from geo.layers import Layer
from geo.ogc import queries
from geo.wfs import capabilities, gml
from geo.wfs import filter as filters
from geo.wfs import request as kvp
from geo.wfs.errors import NO_APPLICABLE_CODE, NOT_FOUND, WFSError, invalid, not_supported, report_response

logger = logging.getLogger(__name__)

XML = "text/xml; charset=utf-8"
GML_TYPE = "application/gml+xml; version=3.2; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def _layers_shown(request: HttpRequest, *args, **kwargs) -> list[str]:
    """The layers a response depends on (for its ETag): those named by TYPENAMES or by feature ids,
    else all."""
    try:
        params = kvp.Params(request.GET)
        named = [layer.id for layer in kvp.type_names(params, required=False)]
        for name in ("RESOURCEID", "FEATUREID", "ID"):
            for text in (params.first(name) or "").split(",")[:50]:
                if text:
                    named.append(kvp.resource_id(text, name)[0].id)
    except WFSError:
        return [layer.id for layer in registry.all_layers()]
    return named or [layer.id for layer in registry.all_layers()]


def _errors(request: HttpRequest, exc: Exception) -> HttpResponse | None:
    if isinstance(exc, WFSError):
        return report_response(exc)
    if isinstance(exc, DataError):
        logger.warning("WFS: data error: %s", exc)
        return report_response(invalid("BBOX", "or another value is out of range."))
    if isinstance(exc, OperationalError) and isinstance(exc.__cause__, pg_errors.QueryCanceled):
        logger.warning("WFS: statement timeout")
        return report_response(
            WFSError(NO_APPLICABLE_CODE, "The request took too long; ask for fewer features.")
        )
    if isinstance(exc, DatabaseError):
        logger.error("WFS: database error: %s", exc)
        return report_response(WFSError(NO_APPLICABLE_CODE, "The service is not available; try again."))
    return None


@map_view(layers=_layers_shown, errors=_errors)
def wfs(request: MapRequest) -> HttpResponse:
    params = kvp.Params(request.GET)
    service = params.required("SERVICE")
    if service.upper() != "WFS":
        raise invalid("SERVICE", f"must be WFS, not {service[:20]!r}.")
    operation = kvp.operation(params)
    version = kvp.check_version(params, operation)
    if operation == "GetCapabilities":
        language = getattr(request, "LANGUAGE_CODE", None) or "de"
        body = capabilities.document(request, version, language[:2], request.map_versions)
        response = HttpResponse(body, content_type=XML)
        response["Content-Language"] = language[:2]
        return response
    if operation == "DescribeFeatureType":
        kvp.output_format(params, json_allowed=False)
        layers = kvp.type_names(params, required=False) or registry.all_layers()
        return HttpResponse(gml.describe_feature_types(layers), content_type=GML_TYPE)
    if operation == "ListStoredQueries":
        return HttpResponse(capabilities.list_stored_queries(), content_type=XML)
    if operation == "DescribeStoredQueries":
        for name in (params.first("STOREDQUERY_ID") or kvp.GET_FEATURE_BY_ID).split(","):
            if name.strip() != kvp.GET_FEATURE_BY_ID:
                raise invalid("STOREDQUERY_ID", f"{name[:80]!r} is not a stored query of this service.")
        return HttpResponse(capabilities.describe_stored_queries(), content_type=XML)
    return get_feature(request, params)


def _schema_location(request: HttpRequest, layer: Layer) -> str:
    query = urlencode(
        {
            "SERVICE": "WFS",
            "VERSION": "2.0.0",
            "REQUEST": "DescribeFeatureType",
            "TYPENAMES": gml.qualified(layer),
        }
    )
    return f"{kvp.NAMESPACE} {capabilities.online_resource(request)}{query}"


def layer_parameters(layer: Layer, params: kvp.Params) -> dict[str, int | None]:
    """A parameterised layer's values (e.g. ``indicators``: ``INDICATOR=…&YEAR=…``, vendor parameters
    named like the layer's parameters); a missing one takes the layer's default."""
    if not layer.parameters:
        return {}
    try:
        return registry.resolve(layer, {p.name: params.first(p.name.upper()) for p in layer.parameters})
    except registry.ParameterError as error:
        raise invalid(error.parameter.name.upper(), error.reason) from None


def _time_stamp(layer: Layer, versions: dataversion.Versions) -> str:
    """The time this process first answered with this data version of the layer: the same bytes for
    the same ETag (the ETag is made of the data version), and it moves when the data change."""
    moment = dataversion.cached(
        layer, versions, "wfs-timestamp", lambda: dt.datetime.now(dt.UTC).replace(microsecond=0)
    )
    return moment.isoformat().replace("+00:00", "Z")  # type: ignore[attr-defined]


def _page_url(request: HttpRequest, start: int) -> str:
    query = [
        (key, value)
        for key in request.GET
        if key.upper() != "STARTINDEX"
        for value in request.GET.getlist(key)
    ]
    query.append(("STARTINDEX", str(start)))
    return capabilities.online_resource(request) + urlencode(query)


def _features(out: kvp.WfsCrs, fmt: str):
    if fmt == kvp.JSON:
        return queries.feature_sql
    return functools.partial(gml.member_sql, urn=out.urn)


def get_feature(request: MapRequest, params: kvp.Params) -> HttpResponse:
    kvp.reject_unsupported(params)
    fmt = kvp.output_format(params)
    out = kvp.srs_name(params)
    stored = params.first("STOREDQUERY_ID")
    if stored is not None:
        if stored.strip() != kvp.GET_FEATURE_BY_ID:
            raise invalid("STOREDQUERY_ID", f"{stored[:80]!r} is not a stored query of this service.")
        return get_feature_by_id(request, params, fmt, out)
    ids_text = params.first("RESOURCEID") or params.first("FEATUREID")
    filter_text = params.first("FILTER")
    bbox_text = params.first("BBOX")
    given = [
        name
        for name, value in (("RESOURCEID", ids_text), ("FILTER", filter_text), ("BBOX", bbox_text))
        if value
    ]
    if len(given) > 1:
        raise invalid(given[1], f"and {given[0]} exclude each other.")
    if filter_text is not None:
        found_filter = filters.parse(filter_text)
        bbox_text = found_filter.bbox
        ids_text = ",".join(found_filter.resource_ids) or None
    layers = kvp.type_names(params, required=ids_text is None)
    if len(layers) > 1:
        raise not_supported("TYPENAMES", "joins of several feature types are not supported; name one type.")
    ids: list[int] | None = None
    if ids_text is not None:
        found = [kvp.resource_id(text, "RESOURCEID") for text in ids_text.split(",")[:1000]]
        id_layers = {layer.id for layer, _ in found}
        if len(id_layers) > 1 or (layers and layers[0].id not in id_layers):
            raise not_supported("RESOURCEID", "identifiers of one feature type (the one in TYPENAMES) only.")
        layers = layers or [found[0][0]]
        ids = [number for _, number in found]
    layer = layers[0]
    box = kvp.bbox(bbox_text, "FILTER" if filter_text else "BBOX")
    limit = kvp.count(params)
    start = kvp.start_index(params)
    hits = kvp.result_type(params) == "hits"
    query = queries.Query(
        layer=layer,
        out=out.out,
        bbox=box[0] if box else None,
        bbox_srid=box[1] if box else out.srid,
        limit=limit,
        offset=start,
        ids=ids,
        feature=_features(out, fmt),
        parameters=layer_parameters(layer, params),
    )
    matched = queries.count(query)
    members = [] if hits or limit == 0 else queries.page(query)
    time_stamp = _time_stamp(layer, request.map_versions)
    next_url = None
    if not hits and limit and start + len(members) < matched:
        next_url = _page_url(request, start + limit)
    previous_url = _page_url(request, max(0, start - limit)) if not hits and start > 0 and limit else None
    if fmt == kvp.JSON:
        document = (
            f'{{"type":"FeatureCollection","timeStamp":"{time_stamp}","numberMatched":{matched},'
            f'"numberReturned":{len(members)},'
            f'"crs":{{"type":"name","properties":{{"name":{json.dumps(out.name)}}}}},'
            f'"features":[{",".join(members)}]'
        )
        if next_url:
            document += f',"next":{json.dumps(next_url)}'
        if previous_url:
            document += f',"previous":{json.dumps(previous_url)}'
        return HttpResponse(document + "}", content_type=JSON_TYPE)
    body = gml.collection(
        members,
        matched=matched,
        time_stamp=time_stamp,
        schema_location=_schema_location(request, layer),
        next_url=next_url,
        previous_url=previous_url,
    )
    return HttpResponse(body, content_type=GML_TYPE)


def get_feature_by_id(request: HttpRequest, params: kvp.Params, fmt: str, out: kvp.WfsCrs) -> HttpResponse:
    """The stored query GetFeatureById: the feature itself (not in a collection), or 404 NotFound."""
    text = params.required("ID")
    layer, number = kvp.resource_id(text, "ID")
    feature = queries.feature_sql if fmt == kvp.JSON else functools.partial(gml.feature_sql, urn=out.urn)
    query = queries.Query(
        layer=layer,
        out=out.out,
        ids=[number],
        limit=1,
        feature=feature,
        parameters=layer_parameters(layer, params),
    )
    found = queries.page(query)
    if not found:
        raise WFSError(NOT_FOUND, f"There is no feature {text[:60]!r}.", locator="ID")
    if fmt == kvp.JSON:
        return HttpResponse(found[0], content_type=JSON_TYPE)
    return HttpResponse(gml.standalone(found[0], _schema_location(request, layer)), content_type=GML_TYPE)
