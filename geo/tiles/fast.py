"""Vector tiles on the shortest path: a WSGI responder in front of Django (``settings.LEAN_RESPONDERS``,
run by ``geo.lean.LeanApplication``).

A map client asks for dozens of tiles per view, and a tile costs the database a few hundred
microseconds: Django's request cycle, even ``geo.lean``'s short one, cost a third as much again. This
responder answers the common case itself — ``GET``/``HEAD /tiles/{layer}/{z}/{x}/{y}.mvt`` without a
query string, for a registered layer and a tile inside the tile matrix of an allowed zoom level, from
an allowed host with no HTTPS redirect due — with what ``views.tile`` answers under the full stack:
the statement of ``queries.versioned_tile`` (tile and data version in one), the same ETag
(``geo.http.etag_digest``), 304 for ``If-None-Match``, ``Cache-Control``, CORS, the headers of
Django's security and X-Frame-Options middleware, and no body for ``HEAD``. Everything else it
declines (``None``) and Django answers: OPTIONS, unknown layers, tiles out of range, query strings,
database errors — but a database out of reach gets its 503 here (``geo.lean.unavailable``): asking
again through Django would only wait for the database once more. The path pattern admits ASCII layer
names only: any other path is Django's (a 404 for an unknown layer). ``tests/geo/test_lean.py``
compares the two paths response by response.
"""

import logging
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest

from geo import http
from geo import layers as registry
from geo.lean import GATE, Finished, begin_request, send, tend_connections, unavailable
from geo.middleware import database_unavailable
from geo.tiles import queries
from geo.tiles.views import MVT

logger = logging.getLogger(__name__)

PATH = re.compile(
    r"/tiles/(?P<layer>[A-Za-z0-9_.-]{1,64})/(?P<z>[0-9]{1,2})/(?P<x>[0-9]{1,10})/(?P<y>[0-9]{1,10})\.mvt"
)


class TileResponder:
    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes] | None:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        match = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return None
        layer = registry.get(match["layer"])
        z, x, y = int(match["z"]), int(match["x"]), int(match["y"])
        if layer is None or not settings.TILES_MIN_ZOOM <= z <= settings.TILES_MAX_ZOOM or max(x, y) >= 2**z:
            return None
        facts = GATE.facts(environ)
        if facts is None:
            return None
        host, scheme, fixed_headers = facts
        path = match.group(0)  # PATH_INFO, ASCII by the pattern: what request.path is at the root
        digest = http.etag_digest(
            (layer,),
            path=path,
            query=(),
            base=settings.PUBLIC_URL or f"{scheme}://{host}",  # as http.base_url, without a script prefix
            language="",  # tiles are not localized (views.tile: map_view(localized=False))
        )
        tags = http.if_none_match(environ.get("HTTP_IF_NONE_MATCH"))
        begin_request()
        try:
            registry.prepare((layer,))
            claimed = http.claimed_token(tags, digest)
            token, data = queries.versioned_tile(layer, z, x, y, claimed=claimed, bare=True)
        except Exception as exc:  # noqa: BLE001 - Django runs the request again and answers the error
            if database_unavailable(exc):
                return send(unavailable(WSGIRequest(dict(environ)), exc), start_response)
            logger.debug("tile responder declined %s", path, exc_info=True)
            tend_connections()
            return None
        etag = http.make_etag(digest, token)
        headers = [("ETag", etag), ("Cache-Control", settings.MAP_CACHE_CONTROL)]
        if data is None or etag in tags or "*" in tags:
            status, body = "304 Not Modified", b""
        else:
            status, body = "200 OK", data
            headers[:0] = [("Content-Type", MVT), ("Content-Length", str(len(data)))]
        headers += http.cors_headers()
        headers += fixed_headers
        start_response(status, headers)
        return Finished(b"" if method == "HEAD" else body)


respond = TileResponder()
