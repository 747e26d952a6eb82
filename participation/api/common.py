"""Plumbing shared by the participation API views: service errors as JSON, body size limit."""

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from geo.clients import client_address as geo_client_address
from geo.clients import client_network
from participation.privacy import browser_id, new_browser_id, set_browser_cookie
from participation.services import ParticipationError


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class ParticipationViewMixin:
    """Turns a rejected write into a 4xx with a message naming the field; refuses large bodies
    before they are parsed."""

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.PARTICIPATION_MAX_BODY_BYTES:
            raise PayloadTooLarge(
                f"The request body may have at most {settings.PARTICIPATION_MAX_BODY_BYTES} bytes."
            )
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        if isinstance(exc, ParticipationError):
            body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
            retry_after = getattr(exc, "retry_after", None)
            headers = {"Retry-After": str(retry_after)} if retry_after else None
            return Response(body, status=exc.status, headers=headers)
        return super().handle_exception(exc)


def client_address(request) -> str:
    """The client that sent ``request`` (its network, for IPv6 the /64), for keys that must not
    depend on cookies: behind ``TRUSTED_PROXIES`` proxies as the throttles count (geo.clients). Only
    ever stored hashed (participation.privacy.ip_hash)."""
    raw = request._request if hasattr(request, "_request") else request
    return client_network(geo_client_address(raw))


class BrowserCookie:
    """The browser id of an anonymous visitor; a new one is set on the response when missing."""

    def __init__(self, request):
        self.existing = browser_id(request._request if hasattr(request, "_request") else request)
        self.value = self.existing or new_browser_id()

    def apply(self, response):
        if self.existing is None:
            set_browser_cookie(response, self.value)
        return response


def if_match_version(request) -> int | None:
    """The version named by ``If-Match`` (``"v3"``, ``"3"`` or ``W/"v3"``), None when absent or ``*``."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    text = raw.removeprefix("W/").strip('"').removeprefix("v")
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        return -1  # matches no version: 412
    return int(text)


def etag(version: int) -> str:
    return f'"v{version}"'
