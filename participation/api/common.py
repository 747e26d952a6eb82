"""Plumbing shared by the participation API views: the body size limit, the client's address and the
browser cookie. (Service errors are answered by the one API exception handler, geo.api; conditional
writes use geo.etag like every other record.)"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException

from geo.clients import client_address as geo_client_address
from geo.clients import client_network
from participation.privacy import browser_id, new_browser_id, set_browser_cookie


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


class ParticipationViewMixin:
    """Refuses large bodies before they are parsed."""

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.PARTICIPATION_MAX_BODY_BYTES:
            raise PayloadTooLarge(
                _("The request body may have at most %(max)d bytes.")
                % {"max": settings.PARTICIPATION_MAX_BODY_BYTES}
            )
        super().initial(request, *args, **kwargs)


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
