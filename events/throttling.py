"""Throttling anonymous registrations (participation's throttle: a keyed hash of the client's address,
counted in the shared cache)."""

from participation.throttling import AnonymousWriteThrottle


class RegistrationThrottle(AnonymousWriteThrottle):
    setting = "EVENTS_REGISTRATION_RATE"
    scope = "event-registration"
