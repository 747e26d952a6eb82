"""gunicorn's settings for Quartiersatlas: logs without client IPs or secrets.

Used by docker/entrypoint.sh (``gunicorn --config config/gunicorn.py config.wsgi:application …``);
a bare-host deployment passes the same ``--config`` (docs/operations.md, "Logs"). Options given on
the command line or in ``GUNICORN_CMD_ARGS`` override these, so an operator can still choose where
the logs go (``--access-logfile``, ``--error-logfile``) — but an ``--access-logformat`` with ``%(h)s``
still prints no address: ``PrivateLogger`` blanks every atom that could hold one and redacts every
line it writes (``config.logs.redact``).

The access log line: time, request line (method, path and query, protocol), status, bytes sent,
duration in ms — no client address (``%(h)s``, ``X-Forwarded-For``), no referer (it may carry a
deletion link), no user agent. Paths below ``/loeschen/`` and secret-looking query parameters are
``[redacted]``.

The server: ``gthread`` workers — processes with a pool of threads each — because they keep HTTP/1.1
connections alive (gunicorn's ``sync`` workers close every connection after one response) and let one
process answer several requests while others wait for the database or Mapnik. Chosen by measurement
(docs/operations.md, "The server"). ``make run``, the container (docker/entrypoint.sh) and the systemd
unit of docs/operations.md all start gunicorn with this file; each reads the environment:

- ``WEB_CONCURRENCY`` worker processes (default 2), ``GUNICORN_THREADS`` threads per worker (default 4).
  Every thread keeps its own database connection (Django's are per thread, ``DB_CONN_MAX_AGE``) and
  each worker's Mapnik pool holds up to 4 more: PostgreSQL sees up to workers × (threads + 4).
- ``GUNICORN_KEEPALIVE`` seconds an idle keep-alive connection stays open (default 65: longer than
  nginx's upstream ``keepalive_timeout`` of 60 s, so the proxy always closes first; an idle connection
  costs a socket in the worker's selector, no thread).
- ``GUNICORN_TIMEOUT`` seconds before a silent worker is killed (default 60, above the statement timeout).
- ``GUNICORN_MAX_REQUESTS`` requests after which a worker is replaced (default 20,000; 0: never).
"""

import os
import re
from functools import cache
from pathlib import Path

from gunicorn.glogging import Logger

from config.logs import IP, RedactFilter, redact


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


worker_class = "gthread"
workers = _number("WEB_CONCURRENCY", 2)
threads = _number("GUNICORN_THREADS", 4)
keepalive = _number("GUNICORN_KEEPALIVE", 65)
timeout = _number("GUNICORN_TIMEOUT", 60)
# a worker is replaced (gracefully) after this many requests (± 10 %), against slow leaks in C
# libraries. Rarely: each replacement stalls some of that worker's kept-alive clients for 1–3 s
# (measured under `wrk`: with 2000 the OGC items' p99 was 1.6–3 s and throughput 10 % lower, with
# 20,000 p99 48 ms; preloading the application did not help). 0: never.
max_requests = _number("GUNICORN_MAX_REQUESTS", 20_000)
max_requests_jitter = max_requests // 10
# no control socket (gunicorn 24+ opens one in ~/.gunicorn/ by default): nothing here uses it, and
# several servers on one host (tests, benchmarks) would share its path
control_socket_disable = True
# the workers' heartbeat files on tmpfs where there is one (a container's /tmp may be on overlayfs)
if Path("/dev/shm").is_dir():  # noqa: S108 - gunicorn's own files, made by gunicorn
    worker_tmp_dir = "/dev/shm"  # noqa: S108

accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'

# atoms that are or may hold a client's address, or a URL with a secret
_ADDRESS_ATOMS = ("h", "{remote_addr}e", "{remote_port}e")
_ADDRESS_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded", "true-client-ip", "cf-connecting-ip")
_URL_ATOMS = ("r", "U", "q", "f", "{raw_uri}e", "{path_info}e", "{query_string}e", "{http_referer}e")


@cache
def _printed_atoms(log_format: str) -> frozenset[str]:
    """The atoms ``log_format`` prints, named as gunicorn's ``SafeAtoms`` looks them up (``{…}`` ones in
    lower case)."""
    names = re.findall(r"%\(([^)]*)\)", log_format)
    return frozenset(name.lower() if name.startswith("{") else name for name in names)


class PrivateLogger(Logger):
    """gunicorn's logger, with the address atoms blanked and every line of the access and error log
    redacted (``Invalid request from ip=…``, ``Error handling request <uri>``)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactFilter) for f in handler.filters):
                    handler.addFilter(RedactFilter())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        # only the atoms the line prints (what else gunicorn offers, every header and environ entry,
        # is never read): redacting them all cost more than the rest of a vector tile's request
        printed = _printed_atoms(self.cfg.access_log_format)
        atoms = {name: value for name, value in atoms.items() if name in printed}
        for name in _ADDRESS_ATOMS:
            if name in atoms:
                atoms[name] = IP
        for header in _ADDRESS_HEADERS:
            for name in (f"{{{header}}}i", f"{{http_{header.replace('-', '_')}}}e"):
                if name in atoms:
                    atoms[name] = IP
        for name in _URL_ATOMS:
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        return atoms


logger_class = PrivateLogger
