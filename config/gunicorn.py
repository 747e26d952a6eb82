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
"""

from gunicorn.glogging import Logger

from config.logs import IP, RedactFilter, redact

accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'

# atoms that are or may hold a client's address, or a URL with a secret
_ADDRESS_ATOMS = ("h", "{remote_addr}e", "{remote_port}e")
_ADDRESS_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded", "true-client-ip", "cf-connecting-ip")
_URL_ATOMS = ("r", "U", "q", "f", "{raw_uri}e", "{path_info}e", "{query_string}e", "{http_referer}e")


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
