"""The address of the client behind a request, as far as it can be trusted.

Behind reverse proxies ``REMOTE_ADDR`` is the nearest proxy's address, and every client would share
it. Each proxy appends the address it received the request from to ``X-Forwarded-For``, so with
``TRUSTED_PROXIES = n`` (the proxies in front of the service, counted from it) the client is the
*n*-th address from the right: everything to the left of it was written by the client (or by proxies
we do not know) and may be invented. With 0 the header is ignored.

When the header has fewer than *n* addresses, or the *n*-th from the right is not an IP address, the
request did not come the configured way (a probe straight to the server, a proxy that does not set the
header): then the answer is ``REMOTE_ADDR``, the TCP peer, which no client can choose. Behind a
proxy that means one shared bucket for those requests — stricter, never laxer.

Rate limits and lockouts key on :func:`client_network` of the address: an IPv6 host usually owns a
whole /64 and could otherwise step through its addresses to get a fresh budget each time.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"
IPV6_CLIENT_PREFIX = 64  # bits: one subscriber's network (RFC 6177)


def client_address(request: HttpRequest) -> str:
    """The client's IP address (normalised text form), or ``"unknown"`` without any."""
    remote = _normalised(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote or UNKNOWN
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    if len(forwarded) < proxies:
        return remote or UNKNOWN
    return _normalised(forwarded[-proxies]) or remote or UNKNOWN


def client_network(address: str) -> str:
    """What rate limits count by: an IPv4 address itself, an IPv6 address's /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.IPv6Network((int(ip), IPV6_CLIENT_PREFIX), strict=False))
    return str(ip)


def _normalised(text: str) -> str:
    """``text`` as an IP address in canonical form (IPv4-mapped IPv6 as IPv4), or "" if it is none."""
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ip)
