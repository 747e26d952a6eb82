"""Lost-update protection, one scheme for every editable record (measures, budget lines, focus areas,
contributions under moderation and their official responses):

- The ETag of a record is strong and names it: ``"<kind>-<id>-<version>"`` (``"measure-12-3"``).
  Its detail (or the answer to a write) carries it; every write bumps the version.
- A write (PUT, PATCH, DELETE, or a POST that changes the record) must send ``If-Match`` with it:
  **428** without the header; **412** when no tag in it names the current version of this record
  (weak tags ``W/"…"`` never match, RFC 9110 §13.1.1); ``*`` matches any version.
- The view only reads the header (``if_match_versions``); the service compares under a row lock
  (``check_version``), so two writers with the same tag never both pass.

The map services' ETags (``If-None-Match`` on reads, ``geo.http``) are another matter: cache
validators of whole responses, not versions of a record.
"""

import re
from collections.abc import Collection

from rest_framework.request import Request

from geo.errors import PreconditionRequired, StaleVersion

__all__ = ["PreconditionRequired", "StaleVersion", "check_version", "etag", "if_match_versions"]


def etag(kind: str, pk: int, version: int) -> str:
    return f'"{kind}-{pk}-{version}"'


def if_match_versions(request: Request, kind: str, pk: int) -> Collection[int] | None:
    """The versions of record ``kind`` ``pk`` that the request's If-Match names (None for ``*``).
    ``PreconditionRequired`` (428) without the header; ``StaleVersion`` (412) when no tag names a
    version of this record. The comparison with the current version is the service's, under a row
    lock (``check_version``)."""
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
        raise StaleVersion()
    return versions


def check_version(current: int, expected: Collection[int] | None) -> None:
    """``StaleVersion`` (412) unless ``current`` is among ``expected`` (None: no check)."""
    if expected is not None and current not in expected:
        raise StaleVersion(current)
