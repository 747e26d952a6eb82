"""Calling ``config.wsgi.application`` as a WSGI server (granian) does, for tests of what a server sees."""

import json
from urllib.parse import unquote_to_bytes

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from config.wsgi import application


class Answer:
    """A WSGI response: status, headers (also as a list, for repeated ones) and the whole body."""

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes):
        self.status_code = int(status.split()[0])
        self.headers = dict(headers)
        self.header_list = headers
        self.content = body

    def json(self):
        return json.loads(self.content)


def wsgi(
    path: str,
    query: str = "",
    method: str = "GET",
    *,
    app=None,
    secure: bool = False,
    bookkeeping: bool = True,
    **headers: str,
) -> Answer:
    """A request to the WSGI application: ``PATH_INFO`` as a server gives it (the percent-decoded path as
    bytes read as ISO-8859-1, PEP 3333), headers as ``HTTP_…`` keys. ``bookkeeping=False`` leaves out the
    request signals' connection bookkeeping (as the test client does), which would end the transaction
    of a test that is not transactional."""
    environ = dict(RequestFactory().generic(method, "/", secure=secure, **headers).environ)
    environ["PATH_INFO"] = unquote_to_bytes(path).decode("iso-8859-1")
    environ["QUERY_STRING"] = query
    started = []
    if not bookkeeping:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
    try:
        body = (app or application)(
            environ, lambda status, headers, exc_info=None: started.append((status, headers))
        )
        try:
            content = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
    finally:
        if not bookkeeping:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
    return Answer(started[0][0], started[0][1], content)
