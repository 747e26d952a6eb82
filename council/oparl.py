"""Reading an OParl 1.1 API: one JSON object per GET, lists page by page along ``links.next``.

Only ``http``/``https`` addresses are followed (also on redirects); a response larger than
``MAX_RESPONSE_BYTES`` or not a JSON object is refused; every refusal is an ``OParlError`` naming the
address. The client counts its requests (the tests read it)."""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _

SCHEMA = "https://schema.oparl.org/1."
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
MAX_PAGES = 10_000
TIMEOUT_S = 30.0
USER_AGENT = "Quartiersatlas OParl import"


class OParlError(Exception):
    """The source could not be read as OParl: the message names the address and the reason."""


class Source(Protocol):
    """Where OParl objects come from: an HTTP server (``HttpSource``) or, for the demo, the fixture
    files (``council.fixture_source.FixtureSource``)."""

    requests: int

    def get(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]: ...


def check_url(url: str) -> str:
    """``url`` when it is an absolute http(s) address; OParlError otherwise."""
    parts = urllib.parse.urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise OParlError(_("%(url)s: only http and https addresses can be read.") % {"url": url})
    return url


def with_params(url: str, params: dict[str, str] | None) -> str:
    """``url`` with ``params`` added to (or replacing those of) its query."""
    if not params:
        return url
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    query.update(params)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another http(s) address (urllib's default also allows ftp)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass
class HttpSource:
    """OParl over HTTP with the standard library (no new dependency)."""

    timeout: float = TIMEOUT_S
    max_bytes: int = MAX_RESPONSE_BYTES
    requests: int = 0
    _opener: Any = field(default=None, repr=False)

    def get(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        address = with_params(check_url(url), params)
        if self._opener is None:
            self._opener = urllib.request.build_opener(_HttpOnlyRedirects())
        # the scheme is checked above (check_url) and on every redirect (_HttpOnlyRedirects)
        request = urllib.request.Request(  # noqa: S310
            address, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
        )
        self.requests += 1
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = response.read(self.max_bytes + 1)
        except urllib.error.HTTPError as error:
            raise OParlError(
                _("%(url)s: the server answered HTTP %(status)s.") % {"url": address, "status": error.code}
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise OParlError(
                _("%(url)s: could not be read (%(reason)s).") % {"url": address, "reason": reason}
            ) from None
        if len(body) > self.max_bytes:
            raise OParlError(
                _("%(url)s: the answer is larger than %(limit)s bytes.")
                % {"url": address, "limit": self.max_bytes}
            )
        return parse(body, address)


def parse(body: bytes, address: str) -> dict[str, Any]:
    """The JSON object in ``body``; OParlError when it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise OParlError(_("%(url)s: the answer is not valid JSON.") % {"url": address}) from None
    if not isinstance(data, dict):
        raise OParlError(_("%(url)s: the answer is not a JSON object.") % {"url": address})
    return data


def type_of(obj: dict[str, Any]) -> str:
    """The OParl type's name ("Paper") of ``obj``, "" when it has no OParl 1.x type."""
    value = obj.get("type")
    if not isinstance(value, str) or not value.startswith(SCHEMA):
        return ""
    return value.rsplit("/", 1)[-1]


def check_object(obj: Any, expected: str, address: str) -> dict[str, Any]:
    """``obj`` when it is an OParl object of type ``expected`` with an http(s) ``id``."""
    if not isinstance(obj, dict) or type_of(obj) != expected:
        found = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        raise OParlError(
            _("%(url)s: expected an OParl %(expected)s, found %(found)s.")
            % {"url": address, "expected": expected, "found": found}
        )
    oparl_id = obj.get("id")
    if not isinstance(oparl_id, str):
        raise OParlError(_("%(url)s: an object without an id.") % {"url": address})
    check_url(oparl_id)
    return obj


def list_objects(
    source: Source,
    url: str,
    expected: str,
    *,
    params: dict[str, str] | None = None,
    max_pages: int = MAX_PAGES,
) -> Iterator[dict[str, Any]]:
    """Every object of the OParl list at ``url`` (the filters ``params`` on the first page; the
    server carries them into ``links.next``), page by page. A page that repeats or more than
    ``max_pages`` pages are refused (a server looping forever)."""
    seen: set[str] = set()
    next_url: str | None = url
    first = True
    while next_url:
        if next_url in seen or len(seen) >= max_pages:
            raise OParlError(_("%(url)s: the list's pages do not end.") % {"url": url})
        seen.add(next_url)
        page = source.get(next_url, params if first else None)
        first = False
        data = page.get("data")
        if not isinstance(data, list):
            raise OParlError(_("%(url)s: not an OParl list (no data).") % {"url": next_url})
        for obj in data:
            yield check_object(obj, expected, next_url)
        links = page.get("links")
        link = links.get("next") if isinstance(links, dict) else None
        next_url = check_url(link) if isinstance(link, str) and link else None
