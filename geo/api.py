"""API plumbing shared by every app: the one exception handler (errors as JSON that name the cause,
never a 500), the JSON parser of every API view (settings ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``)
and its content negotiation (``DEFAULT_CONTENT_NEGOTIATION_CLASS``)."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import ProtectedError
from django.db.utils import DataError
from django.utils.translation import gettext as _
from psycopg import errors as pg_errors
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from geo.middleware import RETRY_AFTER_S, UNAVAILABLE

logger = logging.getLogger(__name__)


def service_error_response(exc: DjangoValidationError) -> Response:
    """A service's rejection (geo.errors) as JSON: its status (400 for a plain ``ValidationError``),
    ``{field: [reason, …]}`` when it names fields, else ``{"detail": reason}``; ``Retry-After`` when
    it says when to come back."""
    body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
    retry_after = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return Response(body, status=getattr(exc, "status", status.HTTP_400_BAD_REQUEST), headers=headers)


def exception_handler(exc, context):
    """``REST_FRAMEWORK["EXCEPTION_HANDLER"]``: every API view's errors, answered once, here."""
    # imported here: rest_framework.views reads the settings' parser classes, which live in this module
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return service_error_response(exc)
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, OperationalError) and isinstance(exc.__cause__, pg_errors.QueryCanceled):
        logger.warning("statement timeout in %s", context.get("view"))
        return Response(
            {"detail": _("The query took too long; narrow it down (bbox, filters, limit).")},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "10"},
        )
    if isinstance(exc, OperationalError | InterfaceError):
        # unreachable, connection lost, server shutting down (geo.middleware answers pages alike)
        logger.warning("database unavailable in %s: %s", context.get("view"), str(exc).strip()[:300])
        return Response(
            {"detail": UNAVAILABLE},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_S), "Cache-Control": "no-store"},
        )
    if isinstance(exc, DataError):
        # out-of-range values that slipped past validation: still the client's input
        logger.warning("data error in %s: %s", context.get("view"), exc)
        return Response(
            {"detail": _("A parameter value is out of range.")}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, ProtectedError):
        names = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        return Response(
            {
                "detail": _("Still in use by %(names)s; remove or reassign those first.")
                % {"names": ", ".join(names)}
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, UnicodeEncodeError):
        return Response(
            {"detail": _("The text contains characters that cannot be stored (e.g. lone surrogates).")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return None


def nesting_depth(value: object, limit: int) -> int:
    """How deeply arrays and objects nest in parsed JSON (a scalar: 0), counted up to ``limit + 1``;
    without recursion, so any depth Python's parser managed is measured safely."""
    deepest = 0
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a nesting limit: a body nested deeper than ``max_depth`` (far more than
    any resource of the API needs; a GeoJSON MultiPolygon in a Feature is 6 deep) is a 400, and so is
    one too deep for Python's parser itself (``RecursionError``, which would otherwise be a 500)."""

    max_depth = 32

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(
            f"JSON parse error - arrays and objects may nest at most {self.max_depth} levels deep."
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if nesting_depth(data, self.max_depth) > self.max_depth:
            raise too_deep
        return data


class LenientJSONParser(BoundedJSONParser):
    """JSON that lets NaN and Infinity through to the serializer, whose fields reject them naming the
    field (a strict parser would reject the whole body without saying where)."""

    strict = False


class Negotiation(DefaultContentNegotiation):
    """DRF's content negotiation, with a short way for what nearly every client sends: no ``Accept``,
    ``*/*`` or JSON, without ``?format=`` — the first renderer (JSON). Parsing the header against each
    renderer otherwise costs more than a sub-millisecond query (docs/benchmarks.md)."""

    SHORT = frozenset({"", "*/*", "application/json"})

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "").strip()
        if (
            not format_suffix
            and accept in self.SHORT
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            and renderers[0].format == "json"
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
