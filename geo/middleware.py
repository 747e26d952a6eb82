"""What no view should have to answer itself: the database out of reach, and input PostgreSQL refuses.

``DatabaseUnavailableMiddleware``
    The database unreachable, or the connection lost mid-request (``OperationalError`` /
    ``InterfaceError``): ``503`` with ``Retry-After`` instead of Django's 500 page, in the form the
    client reads — a WMS ``ServiceExceptionReport`` for ``/ows`` (an OWS ``ExceptionReport`` with
    ``SERVICE=WFS``), the OGC API's JSON exception for
    ``/ogc/`` and ``/tiles/``, ``{"detail": …}`` for ``/api/`` and other JSON, and for pages the
    translated ``templates/503.html``, which is rendered without context processors: the session,
    the user and the messages live in the database and are not touched.

    Where those errors are raised decides who catches them. Session and user are loaded lazily, on
    first use — inside the view (``request.user``, DRF's authentication, ``login_required``) or its
    template — so ``process_exception`` catches them wherever this middleware stands in ``MIDDLEWARE``,
    like every other error of a view. Django turns an exception raised *by a middleware* into a
    response right at that middleware (``convert_exception_to_response``), so no outer middleware
    ever sees it; the one such case here is ``SessionMiddleware`` saving a changed session after the
    view. Django answers those through ``handler500``: ``server_error`` below, set in
    ``config/urls.py``, gives the same 503 (with ``DEBUG`` on Django shows its debug page instead).
    The short path of ``geo.lean`` uses ``unavailable_response`` too.

``CraftedInputMiddleware``
    A NUL character in a query or urlencoded form parameter (name or value) or in a cookie: ``400``
    naming the parameter; in the path: ``404`` (no resource is named so). PostgreSQL refuses NUL in text
    (psycopg: "PostgreSQL text fields cannot contain NUL (0x00) bytes"), so such a value would end in a
    500 wherever it reached a query. It stands right after the security and static-file middlewares,
    before anything reads the request. ``geo.lean`` hands such requests to the full stack.
"""

import contextlib
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.views import defaults
from psycopg import errors as pg_errors

logger = logging.getLogger(__name__)

# Seconds a client should wait before asking again while the database is out of reach.
RETRY_AFTER_S = 10
UNAVAILABLE = "The database is not available; try again later."
TOO_SLOW = "The query took too long; narrow it down (bbox, filters, limit)."
# The pages' own policy (config.csp) without the basemap: these pages show no map.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# Forms whose fields are checked here; multipart fields are left to the forms and serializers (their
# CharFields refuse NUL), so that no upload is parsed before the view's own checks.
FORM_TYPE = "application/x-www-form-urlencoded"


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database cannot be worked with just now: unreachable, the connection
    lost or closed, the server shutting down, a statement timeout (Django's wrappers of psycopg's
    ``OperationalError`` and ``InterfaceError``)."""
    return isinstance(exc, OperationalError | InterfaceError)


def timed_out(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError) and isinstance(exc.__cause__, pg_errors.QueryCanceled)


def service_of(request: HttpRequest) -> str:
    """Which form an error takes: ``wms``, ``wfs`` (``/ows`` with ``SERVICE=WFS``), ``csw`` (the
    catalogue's CSW), ``ogc`` (OGC API – Features and Records, vector tiles), ``json`` or ``html``."""
    path = request.path_info
    if path == "/ows" or path.startswith("/ows/"):
        from geo.wfs.request import asks_for_wfs

        return "wfs" if asks_for_wfs(request.GET) else "wms"
    if path.startswith("/catalogue/csw"):
        return "csw"
    if path.startswith(("/ogc/", "/tiles/", "/catalogue/")):
        return "ogc"
    accept = request.headers.get("Accept", "")
    if (
        path.startswith("/api/")
        or path == "/health"
        or path.endswith((".json", ".geojson"))
        or ("json" in accept and "html" not in accept)
    ):
        return "json"
    return "html"


def _printable(text: str, limit: int = 60) -> str:
    """A parameter name fit to repeat in a message: NUL and other control characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])


def page(request: HttpRequest, template: str, context: dict, status: int) -> HttpResponse:
    """A page of ``templates/`` in the client's language (cookie or Accept-Language). No context
    processors run, so nothing reads the session, the user or the messages (the database); the CSRF
    token of the language form comes from the cookie (or is made anew)."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        body = render_to_string(template, {**context, "request": request, "csrf_token": get_token(request)})
    response = HttpResponse(body, status=status)
    response["Content-Language"] = language
    response["Content-Security-Policy"] = PAGE_CSP
    return response


def error_response(
    request: HttpRequest,
    status: int,
    *,
    code: str,
    message: str,
    field: str | None = None,
    template: str,
    context: dict | None = None,
) -> HttpResponse:
    """``message`` (about the parameter ``field``, if any) as the service of the request answers
    errors; ``code`` is the OGC API code (InvalidParameterValue, NotFound, ServiceUnavailable)."""
    service = service_of(request)
    if service == "wms":
        from geo.wms.errors import INVALID_PARAMETER, WMSError, report_response
        from geo.wms.request import Params, version_of

        wms_code = INVALID_PARAMETER if code == "InvalidParameterValue" else None
        error = WMSError(
            wms_code, message if field is None else f"Parameter {field} {message}", status=status
        )
        error.locator = field
        response = report_response(error, version_of(Params(request.GET)))
    elif service == "wfs":
        from geo.wfs import errors as wfs

        wfs_code = {"InvalidParameterValue": wfs.INVALID_PARAMETER, "NotFound": wfs.NOT_FOUND}
        response = wfs.report_response(
            wfs.WFSError(
                wfs_code.get(code, wfs.NO_APPLICABLE_CODE),
                message if field is None else f"Parameter {field} {message}",
                locator=field,
                status=status,
            )
        )
    elif service == "csw":
        from geo.catalogue import csw

        csw_code = "InvalidParameterValue" if code == "InvalidParameterValue" else "NoApplicableCode"
        text = message if field is None else f"Parameter {field} {message}"
        report = csw.exception_report(csw.CswError(csw_code, field or "", text, status))
        response = HttpResponse(report, content_type="application/xml; charset=utf-8", status=status)
    elif service == "ogc":
        from geo.http import add_cors

        description = message if field is None else f"{field}: {message}"
        response = add_cors(JsonResponse({"code": code, "description": description}, status=status))
    elif service == "json":
        response = JsonResponse({"detail": message} if field is None else {field: [message]}, status=status)
    else:
        response = page(request, template, context or {}, status)
    response["Cache-Control"] = "no-store"
    return response


def unavailable_response(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    """503 with ``Retry-After``: the database is out of reach (or, for ``exc`` a statement timeout,
    too slow)."""
    response = error_response(
        request,
        503,
        code="ServiceUnavailable",
        message=TOO_SLOW if timed_out(exc) else UNAVAILABLE,
        template="503.html",
    )
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]


class DatabaseUnavailableMiddleware:
    """See the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unavailable(exception):
            return None
        logger.warning("database unavailable (%s: %s)", type(exception).__name__, _first_line(exception))
        return unavailable_response(request, exception)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: Django's 500 page, or the 503 when the uncaught error (raised by a middleware,
    e.g. saving the session) says the database is out of reach."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        return unavailable_response(request, exc)
    return defaults.server_error(request, template_name)


def nul_parameter(request: HttpRequest) -> str | None:
    """The name of the first query or form parameter or cookie holding a NUL character."""
    sources = [request.GET]
    if request.method == "POST" and request.content_type == FORM_TYPE:
        with contextlib.suppress(OSError):  # the client went away (UnreadablePostError): the view meets it
            sources.append(request.POST)
    for params in sources:
        for name, values in params.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name
    for name, value in request.COOKIES.items():
        if "\x00" in name or "\x00" in value:
            return f"cookie {name}"
    return None


class CraftedInputMiddleware:
    """See the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            return error_response(
                request,
                404,
                code="NotFound",
                message="Nothing is named so: the path contains a NUL character.",
                template="400.html",
                context={"not_found": True},
            )
        name = nul_parameter(request)
        if name is not None:
            field = _printable(name)
            return error_response(
                request,
                400,
                code="InvalidParameterValue",
                message="must not contain a NUL character (%00).",
                field=field,
                template="400.html",
                context={"field": field},
            )
        return self.get_response(request)
