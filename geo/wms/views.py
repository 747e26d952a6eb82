"""``/ows``: the WMS endpoint (1.3.0 and 1.1.1) — GetCapabilities, GetMap, GetFeatureInfo,
GetLegendGraphic. ETag, 304, Cache-Control, CORS and HEAD come from ``geo.http.map_view``; every
failure is a ``ServiceExceptionReport`` (or, for GetMap with EXCEPTIONS=INIMAGE/BLANK, an image)."""

import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static

from geo import layers as registry
from geo.db.routing import replica_read
from geo.http import map_view
from geo.public import public_read
from geo.wfs import views as wfs_views
from geo.wfs.request import asks_for_wfs
from geo.wms import capabilities, featureinfo, legend, render
from geo.wms import request as wms
from geo.wms.errors import (
    INVALID_FORMAT,
    LAYER_NOT_DEFINED,
    OPERATION_NOT_SUPPORTED,
    WMSError,
    invalid,
    report_response,
)

logger = logging.getLogger(__name__)

# The HTML answer of GetFeatureInfo: its style sheet (geo/static/geo/) and its policy, which allows
# nothing but that (no script, no inline style, no other resource, no forms, no <base>).
STYLESHEET = "geo/featureinfo.css"
FEATURE_INFO_CSP = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'"

OPERATIONS = {
    "GETCAPABILITIES": "capabilities",
    "CAPABILITIES": "capabilities",
    "GETMAP": "map",
    "MAP": "map",
    "GETFEATUREINFO": "feature_info",
    "FEATUREINFO": "feature_info",
    "GETLEGENDGRAPHIC": "legend",
}


def _layers_shown(request: HttpRequest) -> list[str]:
    """The layers a response depends on (for its ETag): all for capabilities, else those named."""
    params = wms.Params(request.GET)
    named = ",".join(filter(None, (params.first(name) for name in ("LAYERS", "QUERY_LAYERS", "LAYER"))))
    if not named or OPERATIONS.get((params.first("REQUEST") or "").upper()) == "capabilities":
        return [layer.id for layer in registry.all_layers()]
    return [name.strip() for name in named.split(",")[:50]]


def _errors(request: HttpRequest, exc: Exception) -> HttpResponse | None:
    version = wms.version_of(wms.Params(request.GET))
    if isinstance(exc, WMSError):
        return report_response(exc, version)
    if isinstance(exc, DatabaseError):
        logger.error("WMS: database error: %s", exc)
        return report_response(
            WMSError(None, "The service is not available; try again.", status=503), version
        )
    return None


def is_getmap(request: HttpRequest) -> bool:
    """A WMS GetMap: an image, the same in every language and for everybody (``geo.public``)."""
    if asks_for_wfs(request.GET):
        return False
    return OPERATIONS.get((wms.Params(request.GET).first("REQUEST") or "").upper()) == "map"


@public_read(when=is_getmap)  # the short middleware chain for maps; everything else takes the full one
@replica_read  # both services below read only
def ows(request: HttpRequest) -> HttpResponse:
    """One endpoint for two services: ``SERVICE=WFS`` is the WFS 2.0 (``geo.wfs``), anything else WMS."""
    if asks_for_wfs(request.GET):
        return wfs_views.wfs(request)
    return wms_ows(request)


def _not_getmap(request: HttpRequest) -> bool:
    return not is_getmap(request)


# a map is the same in every language (its ETag too); capabilities, legends and feature info are not
@map_view(layers=_layers_shown, errors=_errors, localized=_not_getmap)
def wms_ows(request: HttpRequest) -> HttpResponse:
    params = wms.Params(request.GET)
    version = wms.version_of(params)
    service = params.first("SERVICE")
    if service is not None and service.upper() != "WMS":
        raise invalid("SERVICE", f"must be WMS or WFS, not {service[:20]!r}.")
    operation = params.required("REQUEST")
    kind = OPERATIONS.get(operation.upper())
    if kind is None:
        raise WMSError(
            OPERATION_NOT_SUPPORTED,
            f"Request {operation[:40]!r} is not supported; use GetCapabilities, GetMap, GetFeatureInfo "
            "or GetLegendGraphic.",
            locator="REQUEST",
        )
    language = wms.language_of(params, getattr(request, "LANGUAGE_CODE", None))
    if kind == "capabilities":
        return get_capabilities(request, version, language)
    if kind == "map":
        return get_map(params, version)
    if kind == "feature_info":
        return get_feature_info(
            params, version, language, stylesheet=request.build_absolute_uri(static(STYLESHEET))
        )
    return get_legend_graphic(params, language)


def get_capabilities(request: HttpRequest, version: str, language: str) -> HttpResponse:
    body = capabilities.document(request, version, language)
    content_type = "text/xml" if version == "1.3.0" else "application/vnd.ogc.wms_xml"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Language"] = language
    return response


def _mime(format_: str) -> str:
    return format_.split(";")[0]


def get_map(params: wms.Params, version: str) -> HttpResponse:
    mode = wms.exceptions_mode(params)
    # Size and format first, always reported as XML: nothing is drawn for a request that is too big,
    # not even an error image.
    width, height = wms.size(params)
    format_ = wms.image_format(params)
    try:
        body = render.render_map(wms.map_request(params, version, size_and_format=(width, height, format_)))
    except WMSError as error:
        if mode == "xml":
            raise
        try:
            transparent = wms.boolean(params, "TRANSPARENT")
        except WMSError:
            transparent = False
        try:
            bgcolor = wms.bgcolor_of(params)
        except WMSError:
            bgcolor = "#ffffff"
        if mode == "blank":
            body = render.blank_image(width, height, format_, transparent=transparent, bgcolor=bgcolor)
        else:
            body = render.message_image(
                error.message, width, height, format_, transparent=transparent, bgcolor=bgcolor
            )
        response = HttpResponse(body, content_type=_mime(format_))
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponse(body, content_type=_mime(format_))


def get_feature_info(params: wms.Params, version: str, language: str, *, stylesheet: str) -> HttpResponse:
    info = wms.info_request(params, version)
    body, content_type = featureinfo.render(info, language, stylesheet=stylesheet)
    response = HttpResponse(body, content_type=content_type)
    if content_type.startswith("text/html"):
        # a page for a client's popup: no script at all, its style sheet from this origin only
        response["Content-Security-Policy"] = FEATURE_INFO_CSP
    return response


def get_legend_graphic(params: wms.Params, language: str) -> HttpResponse:
    name = params.required("LAYER")
    layer = registry.get(name)
    if layer is None:
        raise WMSError(LAYER_NOT_DEFINED, f"Layer {name[:60]!r} is not defined.", locator="LAYER")
    style = wms.style_of(layer, params.first("STYLE") or "", locator="STYLE")
    format_ = wms.image_format(params, required=False)
    if _mime(format_) != "image/png":
        raise WMSError(INVALID_FORMAT, "Legends are available as image/png only.", locator="FORMAT")
    values = wms.dimensions(params, layer) if layer.parameters else None
    response = HttpResponse(legend.legend_png(layer, style, language, values), content_type="image/png")
    response["Content-Language"] = language
    return response
