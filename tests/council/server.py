"""A local OParl server for the tests: ``http.server`` in a thread answering from the demo's OParl
fixture (council.fixture_source: paging with ``links.next``, ``modified_since``), so the importer
is tested over real HTTP without a network. Tests change ``server.fixture`` between runs, read
``server.paths`` (the requests made) and make paths fail (``failures``: path → status or raw bytes)."""

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from django.conf import settings

from council.fixture_source import FixtureSource, load_fixture

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "ludwigsburg" / "oparl.json"
PREFIX = "/oparl/v1"


@dataclass
class OParlServer:
    base: str
    source: FixtureSource
    paths: list[str] = field(default_factory=list)
    failures: dict[str, int | bytes] = field(default_factory=dict)

    @property
    def fixture(self) -> dict[str, Any]:
        return self.source.fixture

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"


def _handler(server: OParlServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urllib.parse.urlsplit(self.path)
            server.paths.append(self.path)
            path = parts.path[len(PREFIX) :].strip("/") if parts.path.startswith(PREFIX) else None
            failure = server.failures.get(path or "")
            if isinstance(failure, int):
                return self._send(failure, b'{"error": "failure for the test"}')
            if isinstance(failure, bytes):
                return self._send(200, failure)
            answer = server.source.answer(path, dict(urllib.parse.parse_qsl(parts.query))) if path else None
            if answer is None:
                return self._send(404, b'{"error": "not found"}')
            return self._send(200, json.dumps(answer).encode())

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def oparl_server(page_size: int = 2) -> Iterator[OParlServer]:
    """A running server with the fixture (``page_size`` objects per list page: the 5 papers take 3)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    server = OParlServer(
        base=base, source=FixtureSource(load_fixture(FIXTURE, base), base, page_size=page_size)
    )
    httpd.RequestHandlerClass = _handler(server)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
