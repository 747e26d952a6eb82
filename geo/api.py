"""API plumbing shared by every app: errors as JSON 400/503 that name the cause, never a 500."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.db.models import ProtectedError
from django.db.utils import DataError
from psycopg import errors as pg_errors
from rest_framework import status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from geo.etag import PreconditionFailed, StaleVersion

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail)
    elif isinstance(exc, StaleVersion):
        exc = PreconditionFailed()
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, OperationalError) and isinstance(exc.__cause__, pg_errors.QueryCanceled):
        logger.warning("statement timeout in %s", context.get("view"))
        return Response(
            {"detail": "The query took too long; narrow it down (bbox, filters, limit)."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "10"},
        )
    if isinstance(exc, DataError):
        # out-of-range values that slipped past validation: still the client's input
        logger.warning("data error in %s: %s", context.get("view"), exc)
        return Response({"detail": "A parameter value is out of range."}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError):
        names = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        return Response(
            {"detail": f"Still in use by {', '.join(names)}; remove or reassign those first."},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, UnicodeEncodeError):
        return Response(
            {"detail": "The text contains characters that cannot be stored (e.g. lone surrogates)."},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return None


class LenientJSONParser(JSONParser):
    """JSON that lets NaN and Infinity through to the serializer, whose fields reject them naming the
    field (a strict parser would reject the whole body without saying where)."""

    strict = False

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
