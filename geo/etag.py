"""Lost-update protection: ETags from (kind, id, version) and If-Match for writes (412 / 428)."""

import re
from collections.abc import Collection

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request


class StaleVersion(Exception):
    """Raised by services: the row's version is not the one the client read."""

    def __init__(self, current: int):
        super().__init__(f"the current version is {current}")
        self.current = current


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "This write needs an If-Match header with the ETag of the version you read (GET it first), "
        "so that nobody's changes are overwritten unseen."
    )
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "Someone changed this since you read it: your If-Match does not name the current version. "
        "GET it again, re-apply your change and send the new ETag."
    )
    default_code = "precondition_failed"


def etag(kind: str, pk: int, version: int) -> str:
    return f'"{kind}-{pk}-{version}"'


def if_match_versions(request: Request, kind: str, pk: int) -> Collection[int] | None:
    """The versions the request's If-Match names for this resource (None for ``*``). 428 without
    the header; 412 when no tag can name this resource. The comparison with the current version is
    the service's, under a row lock."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired()
    if header.strip() == "*":
        return None
    pattern = re.compile(rf'^"{re.escape(kind)}-{pk}-([0-9]{{1,9}})"$')
    versions = set()
    for tag in header.split(","):
        match = pattern.match(tag.strip())  # weak tags (W/"…") never match for If-Match
        if match:
            versions.add(int(match.group(1)))
    if not versions:
        raise PreconditionFailed()
    return versions


def check_version(current: int, expected: Collection[int] | None) -> None:
    """``StaleVersion`` unless ``current`` is among ``expected`` (None: no check)."""
    if expected is not None and current not in expected:
        raise StaleVersion(current)
