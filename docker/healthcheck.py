#!/usr/bin/env python3
"""Docker HEALTHCHECK: GET /health on the local server (config/server.py); exit 0 only on 200.

Django answers 400 to a Host it does not allow, so the request names the first ALLOWED_HOSTS
entry. It also says it came through TLS: with BEHIND_TLS_PROXY=1 and SECURE_SSL_REDIRECT=1 a
plain request would only get a redirect (without BEHIND_TLS_PROXY the header is ignored).
"""

import http.client
import os
import sys
from pathlib import Path


def allowed_host() -> str:
    value = os.environ.get("ALLOWED_HOSTS")
    if value is None and os.environ.get("ALLOWED_HOSTS_FILE"):
        value = Path(os.environ["ALLOWED_HOSTS_FILE"]).read_text()
    hosts = [h.strip() for h in (value or "").split(",") if h.strip()]
    host = hosts[0] if hosts else "localhost"
    if host == "*":
        return "localhost"
    # ".example.org" also matches "example.org"
    return host.lstrip(".")


def main() -> int:
    connection = http.client.HTTPConnection("127.0.0.1", 8000, timeout=4)
    try:
        connection.request("GET", "/health", headers={"Host": allowed_host(), "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = response.read(500)
    except OSError as error:
        print(f"health: {error}", file=sys.stderr)
        return 1
    if response.status != 200:
        print(f"health: HTTP {response.status}: {body!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
