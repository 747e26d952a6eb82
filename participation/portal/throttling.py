"""The throttle of the subscription form: anonymous requests per client (keyed hash, no IP kept)."""

from participation.throttling import AnonymousWriteThrottle


class SubscribeThrottle(AnonymousWriteThrottle):
    setting = "PORTAL_SUBSCRIBE_RATE"
    scope = "subscribe"
