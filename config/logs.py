"""Logs without client IPs or secrets, as the privacy notice promises (docs/operations.md, "Logs").

``redact(text)`` replaces every IP address (v4 and v6, validated by ``ipaddress``, so times such as
``04:08:01`` stay) by ``[ip]``, whatever follows ``/loeschen/`` in a path (a contributor's deletion
link, ``/karte/loeschen/<id>/<token>/``, percent-encoded too, e.g. in a ``next=`` parameter) and the
values of query parameters named like secrets (``token``, ``key``, ``secret``, ``password``,
``email``) by ``[redacted]``.

``RedactFilter`` applies it to a log record — its message with the arguments filled in, and its
traceback — and is set on every handler: Django's (``LOGGING`` in config/settings.py: the console
handler that every logger ends in, ``django.request``, ``django.server``, ``django.security`` …) and
the server's access and error log (``config/server.py``). A filter on a handler sees the records of
every logger that reaches it, unlike one on a logger, which sees only that logger's own records.
"""

import ipaddress
import logging
import re

IP = "[ip]"
REDACTED = "[redacted]"

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)")
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?:%[\w-]+)?"
    r"(?![\w:]|\.\d)"
)
# /loeschen/ (or %2Floeschen%2F) and everything after it up to the query, a quote or a space
_DELETE_LINK = re.compile(r"((?:/|%2F)loeschen(?:/|%2F))[^\s?#&\"'<>]*", re.IGNORECASE)
_SECRET_PARAM = re.compile(
    r"([?&;][^=&\s\"']*(?:token|key|secret|password|passwd|email)[^=&\s\"']*=)[^&\s#\"']*", re.IGNORECASE
)


def _ip_or_text(match: re.Match) -> str:
    text = match.group(0)
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return text
    return IP


def redact(text: str) -> str:
    """``text`` without IP addresses, deletion links' secrets and secret query parameters."""
    text = _DELETE_LINK.sub(rf"\1{REDACTED}", text)
    text = _SECRET_PARAM.sub(rf"\1{REDACTED}", text)
    if ":" in text:  # first: an IPv6 address may end in an IPv4 one (::ffff:192.0.2.1)
        text = _IPV6.sub(_ip_or_text, text)
    return _IPV4.sub(_ip_or_text, text)


_FORMATTER = logging.Formatter()


class RedactFilter(logging.Filter):
    """Rewrites the record in place (a handler's filter: see the module docstring); lets every record
    through."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string: logging reports it when it formats
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
