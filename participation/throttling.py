"""Throttling anonymous writes by a keyed hash of the client's IP (participation.privacy.client_key;
behind proxies the address comes from ``X-Forwarded-For`` only through ``TRUSTED_PROXIES``, see geo.clients).

The counters live in the cache named by ``PARTICIPATION_THROTTLE_CACHE``; by default Django's
database cache, so that every server worker (and every app server) sees the same counts.
"""

import re

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import SimpleRateThrottle

from participation.privacy import client_key

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/10m"`` → (5, 600); also DRF's ``"5/min"``, ``"100/day"``."""
    match = RATE.match(rate)
    if not match:
        raise ImproperlyConfigured(f"throttle rate {rate!r} is not like '5/10m' or '100/day'")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * UNITS[unit]


class AnonymousWriteThrottle(SimpleRateThrottle):
    """Throttles writes of anonymous clients; signed-in users are not throttled here."""

    setting = "PARTICIPATION_ANON_WRITE_RATE"
    scope = "contribution"

    def __init__(self):
        self.cache = caches[settings.PARTICIPATION_THROTTLE_CACHE]
        super().__init__()

    def get_rate(self) -> str:
        return getattr(settings, self.setting)

    def parse_rate(self, rate):
        return parse_rate(rate) if rate else (None, None)

    def get_ident(self, request) -> str:
        # Not DRF's: that believes any X-Forwarded-For unless NUM_PROXIES is set, so a client could
        # dodge the throttle by inventing one. geo.clients reads the header only through TRUSTED_PROXIES.
        return client_key(request)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return f"throttle:{self.scope}:{self.get_ident(request)}"


class AnonymousReactionThrottle(AnonymousWriteThrottle):
    """Supports and flags: more generous than contributions, still bounded."""

    setting = "PARTICIPATION_ANON_REACTION_RATE"
    scope = "reaction"
