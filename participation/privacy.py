"""Identifying a client without storing who it is.

- Throttling keys, login lockouts (django-axes) and anonymous reports count by :func:`client_key`: an
  HMAC of the client's address (geo.clients: ``TRUSTED_PROXIES``, IPv6 by /64) under a **random** key
  per period of ``PARTICIPATION_IP_HASH_ROTATION_S``. The key is made by the first worker that needs
  it, kept in the table ``participation_hashkey`` (shared by all workers) and deleted two periods
  later. The IP is never stored; once the key is gone a stored hash can no longer be linked to an
  address by anyone — a key derived from a long-lived secret could be recomputed, and then every
  IPv4 address tried.
- Anonymous supports and flags are tied to a browser: a random id in a signed cookie.
"""

import hashlib
import hmac
import secrets
import threading
import time

from django.conf import settings
from django.core import signing
from django.db import transaction

from geo.clients import client_address, client_network

BROWSER_COOKIE = "qa_browser"
BROWSER_SALT = "participation.browser"
BROWSER_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600


KEPT_PERIODS = 2  # the current period's key and the one before (reports match both)
_keys: dict[int, bytes] = {}  # period → key, in this process
_keys_lock = threading.Lock()


def _period(now: float) -> int:
    return int(now // settings.PARTICIPATION_IP_HASH_ROTATION_S)


def _stored_key(period: int) -> bytes:
    """The key of ``period`` from the shared table, made there if it is the first (one statement each:
    concurrent workers agree on the first key written). Keys of older periods are deleted."""
    from participation.models import HashKey

    with transaction.atomic():
        HashKey.objects.bulk_create(
            [HashKey(period=period, secret=secrets.token_bytes(32))], ignore_conflicts=True
        )
        HashKey.objects.filter(period__lte=period - KEPT_PERIODS).delete()
        return bytes(HashKey.objects.get(period=period).secret)


def _rotating_key(now: float | None = None) -> bytes:
    """The random key of the period of ``now`` (default: the current one). A period whose key is gone
    (or never was) gets a key that nothing was hashed with: its hashes match no stored one."""
    current = _period(time.time())
    period = current if now is None else _period(now)
    if not current - KEPT_PERIODS < period <= current:
        return secrets.token_bytes(32)
    with _keys_lock:
        key = _keys.get(period)
    if key is None:
        key = _stored_key(period)
        with _keys_lock:
            for old in [p for p in _keys if p <= current - KEPT_PERIODS]:
                del _keys[old]
            _keys[period] = key
    return key


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
