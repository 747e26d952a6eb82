"""The one error model of the services: every rejected write is a Django ``ValidationError``.

Bad input is a plain ``ValidationError`` naming the field (``{"field": ["reason"]}``), as model
validation and forms raise it; a rejection that is not about the input's form is one of the
subclasses below, which carry the HTTP status they stand for. Views do not catch them: the one API
exception handler (``geo.api.exception_handler``) answers every one with that status and a JSON body,
``{field: [reason, …]}`` or ``{"detail": reason}``; the admin's forms show them like their own errors.
Messages are translated where they are raised (``gettext``: the request's language is active then).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ServiceError(ValidationError):
    """A rejected write: ``message`` about ``field`` (None: about the request as a whole); ``status``
    is the HTTP status of the answer (400: bad input)."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__({field: [message]} if field else message)
        self.field = field
        # set for field errors too (Django's sets it only without a field): callers read one attribute
        self.message = message


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    """The write contradicts the record's current state (not its version): 409."""

    status = 409


class StaleVersion(ServiceError):
    """The record's version is not the one the client read (``If-Match``): 412. ``current`` is the
    stored version (None when the tag names no version of this record at all)."""

    status = 412

    def __init__(self, current: int | None = None):
        super().__init__(
            _(
                "Someone changed this since you read it: your If-Match does not name the current "
                "version. GET it again, re-apply your change and send the new ETag."
            )
        )
        self.current = current


class PreconditionRequired(ServiceError):
    """A write of a versioned record without ``If-Match``: 428."""

    status = 428

    def __init__(self):
        super().__init__(
            _(
                "This write needs an If-Match header with the ETag of the version you read (GET it "
                "first), so that nobody's changes are overwritten unseen."
            )
        )


class TooManyRequests(ServiceError):
    """A limit per client was reached: ``retry_after`` seconds until it admits the next request."""

    status = 429

    def __init__(self, message: str, field: str | None = None, *, retry_after: int):
        super().__init__(message, field)
        self.retry_after = retry_after
