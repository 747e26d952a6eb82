"""``/wmts``: MapProxy's WMTS inside Django (``geo.wmts.service``).

Addresses (``<prefix>`` is ``/wmts``):

- KVP: ``/wmts?SERVICE=WMTS&REQUEST=GetCapabilities`` (also ``/wmts/service?…``, which the capabilities
  name as the operations' address)
- REST: ``/wmts/1.0.0/WMTSCapabilities.xml``, tiles
  ``/wmts/<layer>/<TileMatrixSet>/<TileMatrix>/<TileCol>/<TileRow>.png``

MapProxy handles KVP under its path ``/service`` and REST under ``/wmts``; this view gives it the WSGI
environment it expects (``SCRIPT_NAME``/``PATH_INFO``) and turns its response into Django's.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from geo.public import public_read
from geo.wmts import errors
from geo.wmts.service import service

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade"}


@public_read  # the same for every user and language: the short middleware chain (geo.public)
@csrf_exempt
def wmts(request: HttpRequest, path: str = "") -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    script = request.META.get("SCRIPT_NAME", "").rstrip("/")
    environ = dict(request.META)  # WSGIRequest: the WSGI environment
    if path in ("", "service"):
        error = errors.check_kvp(request.GET)
        environ["SCRIPT_NAME"], environ["PATH_INFO"] = f"{script}/wmts", "/service"
    else:
        error = errors.check_rest(path)
        environ["SCRIPT_NAME"], environ["PATH_INFO"] = script, f"/wmts/{path}"
    if error is not None:
        return error
    captured: dict[str, object] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    body = service.app()(environ, start_response)
    try:
        content = b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    status = str(captured["status"])
    response = HttpResponse(content, status=int(status[:3]))
    for name, value in captured["headers"]:  # type: ignore[attr-defined]
        if name.lower() not in HOP_BY_HOP:
            response[name] = value
    if response.status_code in (200, 304):
        # MapProxy's default is three days; a tile changes with its layer's data, as the other map
        # services' responses do: the same policy, revalidated with MapProxy's ETag/Last-Modified
        response["Cache-Control"] = settings.MAP_CACHE_CONTROL
    return response
