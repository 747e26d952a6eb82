"""Identifying a client without storing who it is.

- Throttling keys and login lockouts (django-axes) count by :func:`client_key`: an HMAC of the
  client's address (geo.clients: ``TRUSTED_PROXIES``, IPv6 by /64) under a key that rotates
  (``PARTICIPATION_IP_HASH_ROTATION_S``): the IP is never stored, and once the key has rotated a
  stored hash can no longer be linked to an address by anyone who learns the secret later.
- Anonymous supports and flags are tied to a browser: a random id in a signed cookie.
"""

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core import signing

from geo.clients import client_address, client_network

BROWSER_COOKIE = "qa_browser"
BROWSER_SALT = "participation.browser"
BROWSER_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600


def _rotating_key(now: float | None = None) -> bytes:
    period = int((now if now is not None else time.time()) // settings.PARTICIPATION_IP_HASH_ROTATION_S)
    secret = (settings.PARTICIPATION_IP_HASH_SECRET or settings.SECRET_KEY).encode()
    return hmac.new(secret, f"ip-hash:{period}".encode(), hashlib.sha256).digest()


def ip_hash(ip: str, now: float | None = None) -> str:
    """A keyed hash of the IP address (hex, 32 chars), stable only within one key period."""
    return hmac.new(_rotating_key(now), ip.encode(), hashlib.sha256).hexdigest()[:32]


def client_key(request) -> str:
    """The request's client as a keyed hash (see :func:`ip_hash`): what throttles and lockouts count.

    Also django-axes' ``AXES_CLIENT_IP_CALLABLE``, so that axes sees this hash instead of an address."""
    return ip_hash(client_network(client_address(request)))


def browser_id(request) -> str | None:
    """The browser's id from its signed cookie, or None (missing or tampered with)."""
    try:
        value = request.get_signed_cookie(BROWSER_COOKIE, salt=BROWSER_SALT, default=None)
    except signing.BadSignature:
        return None
    if value and len(value) <= 64:
        return value
    return None


def new_browser_id() -> str:
    return secrets.token_urlsafe(24)


def set_browser_cookie(response, value: str) -> None:
    response.set_signed_cookie(
        BROWSER_COOKIE,
        value,
        salt=BROWSER_SALT,
        max_age=BROWSER_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def new_delete_token() -> tuple[str, str]:
    """(secret for the deletion link, its SHA-256 hex to store)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return bool(stored_hash) and hmac.compare_digest(token_hash(token), stored_hash)
