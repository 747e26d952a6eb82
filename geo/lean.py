"""A short path for public reads whose answer is the same for everybody (areas, locate, vector tiles).

Such a request needs no session, user, CSRF token, messages, history or language negotiation. On a
sub-millisecond query, Django's full request cycle (signals, eleven middlewares, DRF's request
handling) costs more than the query itself (docs/benchmarks.md, sections *areas* and *ogc*).

``LeanApplication`` wraps the WSGI application (``config/wsgi.py``: what gunicorn and ``runserver``
serve). For a ``GET`` or ``HEAD`` that does not ask for HTML (the browsable API) it tries, in order:

1. the *responders* of ``settings.LEAN_RESPONDERS``: WSGI callables that answer the commonest requests
   of one endpoint themselves or decline (return None) — vector tiles (``geo.tiles.fast``) and
   ``/api/locate/`` (a ``JSONResponder``);
2. the *routes* of ``settings.LEAN_ROUTES``: path patterns whose view (the one ``config/urls.py`` routes
   the path to; a test checks that they agree) is called directly, without the middleware stack.

Either way the host is checked against ``ALLOWED_HOSTS``, no HTTPS redirect may be due, the connection
bookkeeping of Django's request signals (``close_old_connections``: ``CONN_MAX_AGE``, health checks)
runs before and after, and the response gets the headers of Django's ``SecurityMiddleware`` and
``XFrameOptionsMiddleware`` (``GATE``, from those middlewares' own methods). Whatever raises, every
error answer (4xx/5xx) and anything unusual go to Django's full stack, which answers as always (error
bodies in the client's language, logging, 500 pages) — except a database out of reach: running the
request again would only knock on the database once more (a connect timeout each time), so the short
path answers the 503 itself, the same ``geo.middleware.unavailable_response`` the full stack gives (a
503 of the view, e.g. a tile's OGC-style one, is passed on as it is). A NUL character in the query
string or path goes to the full stack, which refuses it (``geo.middleware``). Each request gets a copy
of the environ: ``WSGIRequest`` rewrites ``PATH_INFO`` (decoded), which the full stack must get as
the server sent it. The lean path sends no request signals: it touches no cache or other per-request
resource.

``LeanReads`` (a DRF view mixin): a ``GET``/``HEAD`` whose client accepts JSON goes straight to the
view's handler with the Django request, skipping DRF's request wrapper, authentication, permission and
throttle checks and content negotiation. The handler must read only ``request.GET`` and return a
finished ``HttpResponse``, and the view must be public (``AllowAny``, no throttles). Whatever it
raises, and every other request (other methods, ``?format=``, HTML), goes through DRF's own
``dispatch``, so errors keep DRF's rendering and the exception handler of ``geo.api``. It works the
same under the full stack (the test client) and under ``LeanApplication``.
"""

import contextlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections, reset_queries
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.test.signals import setting_changed
from django.utils.module_loading import import_string

from geo.middleware import database_unavailable, unavailable_response

logger = logging.getLogger(__name__)

LEAN_METHODS = frozenset({"GET", "HEAD"})
# media ranges a lean JSON answer satisfies (parameters such as q= or charset= aside)
JSON_RANGES = frozenset({"", "*/*", "application/*", "application/json", "application/geo+json"})


def accepts_json(request: HttpRequest) -> bool:
    """Whether every media range of ``Accept`` (none counts as ``*/*``) is satisfied by JSON."""
    accept = request.META.get("HTTP_ACCEPT", "")
    if not accept:
        return True
    return all(part.split(";", 1)[0].strip().lower() in JSON_RANGES for part in accept.split(","))


def _never_called(request: HttpRequest) -> HttpResponse:  # pragma: no cover - middleware placeholder
    raise AssertionError("the lean path uses the middlewares' process_* methods only")


class Gate:
    """What the lean path keeps of Django's middleware: the host check, the HTTPS redirect (by declining
    when one is due) and the headers of the security and X-Frame-Options middleware."""

    def __init__(self) -> None:
        self.forget()
        setting_changed.connect(self.forget)  # tests override settings

    def forget(self, **kwargs) -> None:
        """Start afresh (the middlewares read their settings when they are made)."""
        self.security = SecurityMiddleware(_never_called)
        self.frame_options = XFrameOptionsMiddleware(_never_called)
        self._facts: dict[tuple, tuple[str, str, list[tuple[str, str]]]] = {}

    def host(self, request: HttpRequest) -> str | None:
        """The request's host when it is allowed (``ALLOWED_HOSTS``; Django answers others with 400) and
        no HTTPS redirect is due; else None."""
        try:
            host = request.get_host()
        except DisallowedHost:
            return None
        return host if self.security.process_request(request) is None else None

    def finish(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """A view's response with the middlewares' headers (and its length, as CommonMiddleware sets)."""
        if isinstance(response, HttpResponse) and not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        response = self.security.process_response(request, response)
        return self.frame_options.process_response(request, response)

    def fixed_headers(self, request: HttpRequest) -> list[tuple[str, str]]:
        """The middlewares' headers for a response of a responder: they depend only on the settings and
        (HSTS) on whether the request came over HTTPS."""
        blank = HttpResponse()
        del blank["Content-Type"]
        headers = self.finish(request, blank).items()
        return [(name, value) for name, value in headers if name != "Content-Length"]

    def facts(self, environ: dict) -> tuple[str, str, list[tuple[str, str]]] | None:
        """For a responder: (host, scheme, the middlewares' headers) of a request at the site's root
        whose host is allowed and that needs no HTTPS redirect, else None. They depend only on the
        settings and on the few request headers in the key, so they are worked out by Django (a
        ``WSGIRequest``) once per combination seen and kept (up to 64; not for refused hosts)."""
        if environ.get("SCRIPT_NAME") or settings.FORCE_SCRIPT_NAME is not None:
            return None  # the routes (a full WSGIRequest) handle a script prefix
        proxy = settings.SECURE_PROXY_SSL_HEADER
        key = (
            environ.get("HTTP_HOST"),
            environ.get("SERVER_NAME"),
            environ.get("SERVER_PORT"),
            environ.get("HTTP_X_FORWARDED_HOST"),
            environ.get("HTTP_X_FORWARDED_PORT"),
            environ.get("wsgi.url_scheme"),
            environ.get(proxy[0]) if proxy else None,
        )
        facts = self._facts.get(key)
        if facts is None:
            request = WSGIRequest({**environ, "PATH_INFO": "/"})
            host = self.host(request)
            if host is None or (settings.SECURE_SSL_REDIRECT and not request.is_secure()):
                return None
            facts = (host, request.scheme, self.fixed_headers(request))
            if len(self._facts) >= 64:
                self._facts.clear()
            self._facts[key] = facts
        return facts


GATE = Gate()


def tend_connections() -> None:
    """What Django's request signals do for the database connections (``close_old_connections``:
    close those past ``CONN_MAX_AGE``, broken or left outside autocommit; health checks again), except
    inside an atomic block: only a test serves requests inside one, and its transaction must stay (the
    test client disconnects those signals for the same reason)."""
    for db in connections.all(initialized_only=True):
        if not db.in_atomic_block:
            db.close_if_unusable_or_obsolete()


def begin_request() -> None:
    """What Django's ``request_started`` does for the database connections."""
    if settings.DEBUG:
        reset_queries()
    tend_connections()


class Finished(list):
    """A WSGI body whose ``close()`` does for the database connections what Django's
    ``request_finished`` does."""

    def __init__(self, content: bytes):
        super().__init__((content,))

    def close(self) -> None:
        tend_connections()


def send(response: HttpResponseBase, start_response: Callable) -> Iterable[bytes]:
    """A Django response as a WSGI body."""
    status = f"{response.status_code} {response.reason_phrase}"
    cookies = (("Set-Cookie", c.output(header="")) for c in response.cookies.values())
    start_response(status, [*response.items(), *cookies])
    if isinstance(response, HttpResponse):
        return Finished(response.content)
    return response  # streamed: its close() closes its resources, sends request_finished


def unavailable(request: HttpRequest, exc: BaseException) -> HttpResponseBase:
    """The full stack's 503 for a request whose database is out of reach, with the headers of the
    security and X-Frame-Options middleware."""
    logger.warning("database unavailable (%s: %s)", type(exc).__name__, str(exc).strip()[:300])
    tend_connections()
    response = unavailable_response(request, exc)
    if request.method == "HEAD":
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return GATE.finish(request, response)


def crafted(environ: dict) -> bool:
    """A NUL character in the path or (percent-encoded or not) the query string."""
    query = environ.get("QUERY_STRING", "")
    return "\x00" in environ.get("PATH_INFO", "") or "%00" in query or "\x00" in query


class JSONResponder:
    """A responder for a public JSON read at exactly ``path``: ``answer(query parameters) -> JSON text``,
    raising for anything it does not answer itself (bad parameters: the full stack then answers with the
    view's 400)."""

    def __init__(self, path: str, answer: Callable[[Mapping[str, str]], str]):
        self.path = path
        self.answer = answer

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes] | None:
        if environ.get("PATH_INFO") != self.path:
            return None
        facts = GATE.facts(environ)
        request = WSGIRequest(dict(environ))
        if facts is None or "format" in request.GET or not accepts_json(request):
            return None
        begin_request()
        try:
            body = self.answer(request.GET).encode()
        except Exception as exc:  # noqa: BLE001 - the full stack runs the request again and answers it
            if database_unavailable(exc):
                return send(unavailable(request, exc), start_response)
            logger.debug("lean path declined %s", self.path, exc_info=True)
            tend_connections()
            return None
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *facts[2]]
        )
        return Finished(b"" if request.method == "HEAD" else body)


class LeanApplication:
    """WSGI wrapper; see the module docstring. ``LeanApplication(get_wsgi_application())``."""

    def __init__(self, application: Callable):
        self.application = application
        self.responders = [import_string(name) for name in settings.LEAN_RESPONDERS]
        self.routes = [(re.compile(path), import_string(view)) for path, view in settings.LEAN_ROUTES.items()]

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") in LEAN_METHODS
            and "html" not in environ.get("HTTP_ACCEPT", "")
            and not crafted(environ)
        ):
            for responder in self.responders:
                body = responder(environ, start_response)
                if body is not None:
                    return body
            path = environ.get("PATH_INFO", "")
            for pattern, view in self.routes:
                match = pattern.fullmatch(path)
                if match is None:
                    continue
                response = self.answer(WSGIRequest(dict(environ)), view, match.groupdict())
                if response is not None:
                    return send(response, start_response)
                break
        return self.application(environ, start_response)

    def answer(self, request: WSGIRequest, view: Callable, kwargs: dict) -> HttpResponseBase | None:
        """The view's response with the middlewares' headers, or None: Django's full stack answers."""
        if "format" in request.GET or GATE.host(request) is None:
            return None
        begin_request()
        try:
            response = view(request, **kwargs)
            render = getattr(response, "render", None)
            if callable(render) and not getattr(response, "is_rendered", True):
                response = render()
        except Exception as exc:  # noqa: BLE001 - the full stack runs the request again and answers it
            if database_unavailable(exc):
                return unavailable(request, exc)
            logger.debug("lean path declined %s", request.path, exc_info=True)
            tend_connections()
            return None
        failed = isinstance(response, HttpResponseBase) and response.status_code >= 400
        if not isinstance(response, HttpResponseBase) or (failed and response.status_code != 503):
            # errors are the full stack's: logged, and in the client's language (Accept-Language);
            # a 503 is the database's (out of reach, too slow): asking again would not help
            tend_connections()
            return None
        return GATE.finish(request, response)


class LeanReads:
    """Mixin for DRF views (before ``APIView``/``ViewSet`` in the bases); see the module docstring."""

    lean_methods = ("GET", "HEAD")

    def dispatch(self, request, *args, **kwargs):
        if request.method in self.lean_methods and "format" not in request.GET and accepts_json(request):
            handler = getattr(self, request.method.lower(), None)
            if handler is not None:
                self.args, self.kwargs, self.request = args, kwargs, request
                with contextlib.suppress(Exception):  # DRF's dispatch raises it again and answers it
                    return handler(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
