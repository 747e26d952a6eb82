"""HTTP for the map services (WMS, OGC API – Features, vector tiles): ETag and 304, Cache-Control,
CORS for GET, HEAD. One decorator does all of it::

    from geo.http import map_view

    @map_view(layers=lambda request, layer_id, **kwargs: [layer_id], vary=("Accept",))
    def items(request, layer_id): ...

``layers`` names the layers whose data the response shows: ``None`` (the default) for all registered
layers (capabilities, landing pages), a list of ids, or a callable ``(request, *args, **kwargs) ->
ids``. Unknown ids are ignored (the view answers those with its own 404). ``vary`` lists the request
headers the representation depends on (content negotiation): they are part of the ETag and are sent
in ``Vary``.

What happens, in order:

1. ``OPTIONS`` → 204, the CORS preflight answer; methods other than GET, HEAD, OPTIONS → 405.
2. The data versions of those layers are read (``geo.dataversion.read``, one query) *before* the view
   reads any data, and kept in ``request.map_versions`` for the view (e.g. for cached extents).
   The ETag is ``"<digest>.<token>"``: a hash of the layers' definitions, the path, the query
   parameters (all of them, sorted), the base URL (links are absolute), the active language (not
   with ``localized=False``: vector tiles hold no text of ours), the ``vary`` headers and
   ``MAP_ETAG_SALT``; and the highest data version of the layers' tables. It is strong: the same
   ETag means the same bytes. (With ``versions="view"`` the view reads the version in its own
   statement instead, one round trip less: see ``Conditional``; the tiles do.)
3. ``If-None-Match`` naming that ETag (or ``*``) → 304 with ETag, Cache-Control and Vary; the view is
   not called.
4. Otherwise the view runs. A 200 gets ``ETag`` and ``Cache-Control: MAP_CACHE_CONTROL`` unless the
   view set its own; errors get neither (they are not to be revalidated). Every response, errors
   included, gets ``Access-Control-Allow-Origin: MAP_CORS_ALLOW_ORIGIN`` so that browser clients can
   read it, and ``Access-Control-Expose-Headers`` for ETag, Content-Crs and Link.
5. ``HEAD`` is answered like GET, without the body (a streamed body is closed unread).

Settings (``config/settings.py``, block "map services"): ``MAP_CACHE_CONTROL``,
``MAP_CORS_ALLOW_ORIGIN`` (empty: no CORS headers), ``MAP_CORS_MAX_AGE``, ``MAP_ETAG_SALT`` (change it
to invalidate every client's cache, e.g. when a deploy changes the output without changing data).
``errors`` turns exceptions into the service's own error responses (which then get the CORS headers
too); ``json_errors`` is the OGC API style one (raise ``MapError(status, code, description)``), a WMS
passes its own that writes a ServiceExceptionReport. ``base_url(request)`` is the root for links and
OnlineResource (``PUBLIC_URL`` or the request's host). Views that cannot use the decorator use
``compute_etag``, ``matches`` and ``finish`` directly.
"""

import functools
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.db import DatabaseError, DataError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from psycopg import errors as pg_errors

from geo import dataversion
from geo import layers as registry
from geo.db.routing import replica_read
from geo.layers import Layer
from geo.middleware import RETRY_AFTER_S, TOO_SLOW, UNAVAILABLE

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
EXPOSED_HEADERS = "ETag, Content-Crs, Link, Content-Language"

LayersArg = Sequence[str] | Callable[..., Iterable[str]] | None


def resolve_layers(spec: LayersArg, request: HttpRequest, *args, **kwargs) -> list[Layer]:
    if spec is None:
        return registry.all_layers()
    ids = spec(request, *args, **kwargs) if callable(spec) else spec
    found: dict[str, Layer] = {}
    for layer_id in ids:
        layer = registry.get(layer_id) if isinstance(layer_id, str) else None
        if layer is not None:
            found.setdefault(layer.id, layer)
    return list(found.values())


def base_url(request: HttpRequest) -> str:
    """The service's root URL for links and capabilities: ``PUBLIC_URL`` when configured, else the
    request's scheme, host and script prefix."""
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL
    return f"{request.scheme}://{request.get_host()}{request.META.get('SCRIPT_NAME', '').rstrip('/')}"


def request_digest(
    request: HttpRequest,
    layers: Iterable[Layer],
    *,
    vary: Sequence[str] = (),
    extra: str = "",
    localized: bool = True,
) -> str:
    """What the representation depends on besides the data: the layers' definitions, the path, the
    query parameters, the base URL, the language (unless not ``localized``, e.g. vector tiles) and the
    ``vary`` headers. No database access."""
    parts = [
        getattr(settings, "MAP_ETAG_SALT", ""),
        *(f"{layer.id}:{dataversion.definition_digest(layer)}" for layer in sorted(layers, key=_by_id)),
        request.path,
        repr(sorted((key, value) for key in request.GET for value in request.GET.getlist(key))),
        base_url(request),
        (get_language() or "") if localized else "",
        extra,
        *(f"{name}={request.headers.get(name, '')}" for name in vary),
    ]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=10).hexdigest()


def _by_id(layer: Layer) -> str:
    return layer.id


def make_etag(digest: str, token: int) -> str:
    """``"<request digest>.<data version token in hex>"``: strong, the same bytes for the same tag."""
    return f'"{digest}.{token:x}"'


def compute_etag(
    request: HttpRequest,
    layers: Iterable[Layer],
    *,
    vary: Sequence[str] = (),
    extra: str = "",
    localized: bool = True,
) -> str:
    """A strong ETag for this request over ``layers``; reads the data versions (one query) and keeps
    them in ``request.map_versions``. Call it before reading any data."""
    layers = list(layers)
    versions = dataversion.read(layers)
    request.map_versions = versions  # type: ignore[attr-defined]
    digest = request_digest(request, layers, vary=vary, extra=extra, localized=localized)
    return make_etag(digest, versions.token(layers))


def _tags(request: HttpRequest) -> list[str]:
    return if_none_match(request.META.get("HTTP_IF_NONE_MATCH"))


def if_none_match(header: str | None) -> list[str]:
    """The entity tags of an ``If-None-Match`` header, ``W/`` dropped (weak comparison)."""
    return [tag.strip().removeprefix("W/") for tag in (header or "").split(",") if tag.strip()]


def claimed_token(tags: Iterable[str], digest: str) -> int | None:
    """The data version token of the first of ``tags`` that is an ETag of ours for ``digest``."""
    for tag in tags:
        head, _, tail = tag.strip('"').rpartition(".")
        if head == digest and 0 < len(tail) <= 16:
            try:
                return int(tail, 16)
            except ValueError:
                continue
    return None


def matches(request: HttpRequest, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` or is ``*`` (weak comparison, as RFC 9110 asks for
    GET/HEAD)."""
    return any(tag in (etag, "*") for tag in _tags(request))


class Conditional:
    """For views that read the data version in their own statement (``map_view(…, versions="view")``),
    saving a round trip: ``claimed`` is the version token the client's ``If-None-Match`` holds for
    this very request (or None); the view runs ``dataversion.version_sql`` in the same statement as
    its data, skips the data when the token equals ``claimed``, and reports the token in ``token``."""

    def __init__(self, request: HttpRequest, layers: list[Layer], digest: str):
        self.layers = layers
        self.digest = digest
        self.token: int | None = None
        self.claimed: int | None = claimed_token(_tags(request), digest)

    @property
    def etag(self) -> str:
        if self.token is None:
            raise RuntimeError("the view did not report its data version (Conditional.token)")
        return make_etag(self.digest, self.token)


class NotModified:
    """What a ``versions="view"`` view returns when its data version equals the claimed one (it skipped
    reading the data): ``NOT_MODIFIED``; the decorator answers 304."""


NOT_MODIFIED = NotModified()


class MapRequest(HttpRequest):
    """The request a ``map_view`` view gets (for type checkers): the layers' data versions and, with
    ``versions="view"``, the ``Conditional`` the view reports its version to."""

    map_versions: dataversion.Versions
    map_conditional: Conditional


def cors_headers() -> list[tuple[str, str]]:
    """The CORS headers of every response of a map service: none when ``MAP_CORS_ALLOW_ORIGIN`` is
    empty, ``Vary: Origin`` too for a specific origin."""
    origin = getattr(settings, "MAP_CORS_ALLOW_ORIGIN", "*")
    if not origin:
        return []
    headers = [("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", EXPOSED_HEADERS)]
    return headers if origin == "*" else [*headers, ("Vary", "Origin")]


def add_cors(response: HttpResponse) -> HttpResponse:
    for name, value in cors_headers():
        if name == "Vary":
            patch_vary_headers(response, (value,))
        else:
            response[name] = value
    return response


def preflight(request: HttpRequest) -> HttpResponse:
    """The answer to a CORS preflight (or any OPTIONS): which methods and headers a client may use."""
    response = HttpResponse(status=204)
    del response["Content-Type"]
    response["Allow"] = ", ".join(SAFE_METHODS)
    if getattr(settings, "MAP_CORS_ALLOW_ORIGIN", "*"):
        response["Access-Control-Allow-Methods"] = ", ".join(SAFE_METHODS)
        requested = request.headers.get("Access-Control-Request-Headers", "")
        # only GET/HEAD and no credentials: any header the client wants to send is fine
        response["Access-Control-Allow-Headers"] = requested[:1000] or "Accept, If-None-Match"
        response["Access-Control-Max-Age"] = str(getattr(settings, "MAP_CORS_MAX_AGE", 86400))
    return add_cors(response)


def not_modified(etag: str, vary: Sequence[str] = ()) -> HttpResponse:
    response = HttpResponse(status=304)
    del response["Content-Type"]  # no body, so no type (and no HTML-only headers from middleware)
    response["ETag"] = etag
    response["Cache-Control"] = settings.MAP_CACHE_CONTROL
    if vary:
        patch_vary_headers(response, vary)
    return add_cors(response)


def finish(
    request: HttpRequest, response: HttpResponse, etag: str | None, vary: Sequence[str] = ()
) -> HttpResponse:
    """Headers for a response of a map service: ETag and Cache-Control on 200, Vary, CORS; no body
    for HEAD."""
    if response.status_code == 200 and etag is not None:
        if not response.has_header("ETag"):
            response["ETag"] = etag
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = settings.MAP_CACHE_CONTROL
    if vary:
        patch_vary_headers(response, vary)
    add_cors(response)
    if request.method == "HEAD":
        strip_body(response)
    return response


def strip_body(response: HttpResponse) -> None:
    if isinstance(response, StreamingHttpResponse):
        # the body's own closer (e.g. of a server-side cursor) stays registered: the server's
        # response.close() still releases it
        response.streaming_content = iter(())
    else:
        if not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        response.content = b""


def map_view(
    layers: LayersArg = None,
    *,
    vary: Sequence[str] = (),
    errors: Callable[[HttpRequest, Exception], HttpResponse | None] | None = None,
    versions: str = "query",
    localized: bool | Callable[[HttpRequest], bool] = True,
) -> Callable:
    """Decorate a view of a map service; see the module's docstring. ``localized``: whether the answer
    depends on the language (its ETag then does), or a predicate of the request saying so (the WMS:
    not for GetMap). ``errors(request, exc)`` turns
    an exception of the view (or of reading the data versions) into the service's error response
    (OGC JSON, a WMS ServiceExceptionReport …); returning None re-raises it. ``versions="view"``: the
    view reads the data version in its own statement (``request.map_conditional``, see
    ``Conditional``) instead of the decorator reading it in a query of its own."""
    if versions not in {"query", "view"}:
        raise ValueError("versions must be 'query' or 'view'")

    answer = _versioned_by_view if versions == "view" else _versioned_by_query

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "OPTIONS":
                return preflight(request)
            if request.method not in SAFE_METHODS:
                return add_cors(HttpResponseNotAllowed(SAFE_METHODS))
            try:
                chosen = resolve_layers(layers, request, *args, **kwargs)
                in_language = localized(request) if callable(localized) else localized
                response, etag = answer(view, request, chosen, args, kwargs, vary=vary, localized=in_language)
            except Exception as exc:
                error = errors(request, exc) if errors is not None else None
                if error is None:
                    raise
                response, etag = error, None
            if response.status_code == 304:
                return response  # complete: ETag, Cache-Control, Vary, CORS
            return finish(request, response, etag, vary)

        return replica_read(wrapper)  # its reads may go to a read replica (geo.db.routing)

    return decorate


def _versioned_by_query(
    view: Callable, request: HttpRequest, layers: list[Layer], args, kwargs, *, vary, localized
) -> tuple[HttpResponse, str]:
    """``versions="query"``: the data versions read first (one query), then 304 or the view."""
    etag = compute_etag(request, layers, vary=vary, localized=localized)
    if matches(request, etag):
        return not_modified(etag, vary), etag
    return view(request, *args, **kwargs), etag


def _versioned_by_view(
    view: Callable, request: HttpRequest, layers: list[Layer], args, kwargs, *, vary, localized
) -> tuple[HttpResponse, str | None]:
    """``versions="view"``: the view reads the data version in its own statement and reports it to
    ``request.map_conditional`` (``Conditional``); it answers ``NOT_MODIFIED`` when it skipped the data."""
    conditional = Conditional(
        request, layers, request_digest(request, layers, vary=vary, localized=localized)
    )
    request.map_conditional = conditional  # type: ignore[attr-defined]
    response = view(request, *args, **kwargs)
    if conditional.token is None:
        if response is NOT_MODIFIED:
            raise RuntimeError("a view answered NOT_MODIFIED without its data version")
        return response, None
    etag = conditional.etag
    if response is NOT_MODIFIED or (response.status_code == 200 and matches(request, etag)):
        return not_modified(etag, vary), etag
    return response, etag


class MapError(Exception):
    """An error the client can fix (or a missing resource): ``status``, a short ``code`` and a
    ``description`` naming the parameter and the reason."""

    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description


def json_errors(request: HttpRequest, exc: Exception) -> HttpResponse | None:
    """An ``errors`` hook for ``map_view`` answering in the OGC API style ``{"code", "description"}``:
    ``MapError`` as it says, out-of-range values 400, statement timeout and an unreachable database 503.
    Anything else is a bug and stays one (None: re-raised)."""
    if isinstance(exc, MapError):
        status, code, description = exc.status, exc.code, exc.description
    elif isinstance(exc, DataError):
        logger.warning("data error in %s: %s", request.path, exc)
        status, code, description = 400, "InvalidParameterValue", "A parameter value is out of range."
    elif isinstance(exc, OperationalError) and isinstance(exc.__cause__, pg_errors.QueryCanceled):
        logger.warning("statement timeout in %s", request.path)
        status, code, description = 503, "ServiceUnavailable", TOO_SLOW
    elif isinstance(exc, DatabaseError):
        logger.error("database error in %s: %s", request.path, exc)
        status, code, description = 503, "ServiceUnavailable", UNAVAILABLE
    else:
        return None
    response = JsonResponse({"code": code, "description": description}, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_S)
        response["Cache-Control"] = "no-store"
    return response
