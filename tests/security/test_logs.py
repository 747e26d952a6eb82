"""No log line holds a client IP address or a deletion link's secret (the privacy notice says no IP
is stored): Django's log (every handler redacts, config.logs) and the server's access and error log
(config/server.py), checked on the lines they really write."""

import io
import logging
import logging.config
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from config.logs import IP, REDACTED, RedactFilter, redact
from config.server import ACCESS_ATOMS, logging_config
from tests.security.test_database_down import Outage  # (imports config.wsgi: Django sets up logging)

ROOT = Path(__file__).resolve().parents[2]
CLIENT_IP = "203.0.113.7"
FORWARDED_IP = "198.51.100.23"
CLIENT_IPV6 = "2001:db8::5"
TOKEN = "Geheim-ZV8Y1vQ3lM"
DELETE_LINK = f"/karte/loeschen/4711/{TOKEN}/"
ADDRESSES = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|2001:db8|::1\b")


# --- redact ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from 203.0.113.7.", f"from {IP}."),
        ("ip=203.0.113.7:5123", f"ip={IP}:5123"),
        ("for 2001:db8::5 and [::1]:8000", f"for {IP} and [{IP}]:8000"),
        ("fe80::1%eth0 and 2001:0db8:0000:0000:0000:ff00:0042:8329", f"{IP} and {IP}"),
        ("mapped ::ffff:192.0.2.1 here", f"mapped {IP} here"),
        (f"GET {DELETE_LINK} HTTP/1.1", f"GET /karte/loeschen/{REDACTED} HTTP/1.1"),
        (
            f"/planung/anmelden/?next=%2Fkarte%2Floeschen%2F4711%2F{TOKEN}%2F",
            f"?next=%2Fkarte%2Floeschen%2F{REDACTED}",
        ),
        (
            "/x/?token=abc&f=json&api_key=k&Email=a@b.de",
            f"/x/?token={REDACTED}&f=json&api_key={REDACTED}&Email={REDACTED}",
        ),
    ],
)
def test_it_redacts_addresses_and_secrets(text, expected):
    assert redact(text).endswith(expected) and TOKEN not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "[22/Nov/2026:04:08:01 +0100] took 12:30:45",
        "2026-11-22 04:08:01,123",
        "WMS 1.3.0 BBOX=509000.0,5411000.0,523000.0,5421000.0",
        "PostGIS 3.3.2 PROJ 9.1.1",
        "class Foo::bar and deadbeef:cafe",
    ],
)
def test_it_leaves_times_versions_and_coordinates_alone(text):
    assert redact(text) == text


# --- Django's log ---------------------------------------------------------------------------------


def reachable_handlers() -> set[logging.Handler]:
    """Every handler a record of a django.* logger (or any other) can reach."""
    handlers = set(logging.getLogger().handlers)
    for name in list(logging.root.manager.loggerDict):
        logger = logging.getLogger(name)
        if not name.startswith(("granian", "_granian", "pytest")):
            handlers |= set(logger.handlers)
    # pytest's own capture handlers, and libraries' NullHandlers (which write nothing), aside
    return {
        h
        for h in handlers
        if type(h).__module__ != "_pytest.logging" and not isinstance(h, logging.NullHandler)
    }


def test_every_handler_of_the_configured_logging_redacts():
    handlers = reachable_handlers()

    assert handlers, "LOGGING configures a console handler"
    assert all(any(isinstance(f, RedactFilter) for f in h.filters) for h in handlers), handlers
    # Django's default handlers (console in DEBUG, mail_admins with the request's META) are gone
    assert logging.getLogger("django").handlers == []


@pytest.fixture
def emitted(monkeypatch):
    """What the configured console handler writes."""
    out = io.StringIO()
    (console,) = [
        h for h in logging.getLogger().handlers if any(isinstance(f, RedactFilter) for f in h.filters)
    ]
    monkeypatch.setattr(console, "stream", out)
    return out


ADDRESS_HEADERS = {
    "REMOTE_ADDR": CLIENT_IP,
    "HTTP_X_FORWARDED_FOR": f"{FORWARDED_IP}, {CLIENT_IPV6}",
    "HTTP_X_REAL_IP": FORWARDED_IP,
}


@pytest.mark.django_db
def test_djangos_request_and_security_logs_carry_no_address_and_no_token(emitted, caplog):
    csrf_client = Client(enforce_csrf_checks=True)
    # (the deletion form posts the code in its body; the old links are redirects exempt from CSRF)
    deletion = csrf_client.post("/karte/loeschen/", {"code": f"4711.{TOKEN}"}, **ADDRESS_HEADERS)
    assert deletion.status_code == 403  # django.security.csrf
    assert Client().put(DELETE_LINK, **ADDRESS_HEADERS).status_code == 405  # django.request
    assert Client().get(f"/nirgends/?token={TOKEN}", **ADDRESS_HEADERS).status_code == 404
    assert (
        Client().get("/", HTTP_HOST=f"{CLIENT_IP}:8000", **ADDRESS_HEADERS).status_code == 400
    )  # DisallowedHost
    logging.getLogger("django.server").info('"%s" %s %s', f"GET {DELETE_LINK} HTTP/1.1", "200", "812")
    try:
        raise RuntimeError(f"failed for {CLIENT_IP} at {DELETE_LINK}")
    except RuntimeError:
        logging.getLogger("geo").exception("while handling %s", DELETE_LINK)

    lines = emitted.getvalue()
    assert len(caplog.records) >= 6 and lines.count("\n") >= 6, lines
    assert "Forbidden (CSRF cookie not set.): /karte/loeschen/" in lines
    assert "Method Not Allowed (PUT): /karte/loeschen/[redacted]" in lines
    assert f'"GET /karte/loeschen/{REDACTED} HTTP/1.1" 200 812' in lines
    assert "Traceback" in lines and f"failed for {IP} at /karte/loeschen/{REDACTED}" in lines
    assert TOKEN not in lines
    assert not ADDRESSES.search(lines), lines


@pytest.mark.django_db
def test_the_database_down_warning_names_no_address(emitted, monkeypatch):
    outage = Outage()
    try:
        assert Client().get("/api/measures/", **ADDRESS_HEADERS).status_code == 503
    finally:
        outage.end()

    lines = emitted.getvalue()
    assert f'connection to server at "{IP}"' in lines, lines
    assert not ADDRESSES.search(lines)


# --- the server (granian, config/server.py) -------------------------------------------------------


def server_lines(access_format: str = ACCESS_ATOMS) -> tuple[str, str]:
    """What the server's access and error log write for one request (granian's access record, built
    as granian builds it, with every atom it offers) and two messages of its own, through
    config.server's logging configuration."""
    from granian.log import log_request_builder

    out, err = io.StringIO(), io.StringIO()
    config = logging_config()
    config["handlers"]["access"]["stream"] = out
    config["handlers"]["console"]["stream"] = err
    previous = {name: logging.getLogger(name).handlers[:] for name in ("granian.access", "_granian")}
    logging.config.dictConfig(config)
    try:
        log = log_request_builder(access_format + " %(addr)s %(scheme)s %(header{x-forwarded-for})s")
        request = {
            "addr_remote": CLIENT_IP,
            "protocol": "HTTP/1.1",
            "path": DELETE_LINK,
            "qs": f"next=/&token={TOKEN}",
            "method": "GET",
            "scheme": "http",
            "headers": lambda name: {"x-forwarded-for": f"{FORWARDED_IP}, {CLIENT_IPV6}"}.get(name),
        }
        log(time.time(), time.perf_counter() - 0.012, request, 200)
        logging.getLogger("_granian").info("Listening at: http://%s:8000", CLIENT_IP)
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("_granian").exception("Error handling request %s", DELETE_LINK)
    finally:
        for name, handlers in previous.items():
            logging.getLogger(name).handlers[:] = handlers
    return out.getvalue(), err.getvalue()


def test_the_access_line_has_the_request_but_no_address_and_no_token():
    # whatever atoms the format names (the client's address, a forwarded header among them), the line
    # is ours: time, request line, status, duration
    out, err = server_lines()

    (line,) = out.splitlines()
    request = f"GET /karte/loeschen/{REDACTED}?next=/&token={REDACTED} HTTP/1.1"
    assert re.fullmatch(rf'\[[^]]+\] "{re.escape(request)}" 200 1[12]\.\dms', line), line
    assert f"Listening at: http://{IP}:8000" in err
    assert f"Error handling request /karte/loeschen/{REDACTED}" in err and "Traceback" in err
    assert TOKEN not in out + err and not ADDRESSES.search(out + err)


@pytest.mark.django_db(transaction=True)
def test_the_real_server_logs_no_address_and_no_token(tmp_path):
    # the command of docker/entrypoint.sh, one worker, against the test database
    port = free_port()
    url = os.environ.get("DATABASE_URL") or (ROOT / ".devdb-url").read_text().strip()
    env = {
        **os.environ,
        "DATABASE_URL": url.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"],
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
        "WEB_CONCURRENCY": "1",
    }
    out, err = tmp_path / "out.log", tmp_path / "err.log"
    command = [sys.executable, "-m", "config.server", "--host", "127.0.0.1", "--port", str(port)]
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
        try:
            statuses = [ask(port, path) for path in ("/health", DELETE_LINK, f"/nirgends/?token={TOKEN}")]
            deadline = time.monotonic() + 30
            while "GET /nirgends/" not in out.read_text() and time.monotonic() < deadline:
                time.sleep(0.1)  # the access log line is written after the answer (the last one here)
        finally:
            server.terminate()
            server.wait(timeout=30)
    logged = out.read_text() + err.read_text()

    assert statuses == [200, 200, 404], logged
    assert f'"GET /karte/loeschen/{REDACTED} HTTP/1.1" 200' in out.read_text(), logged
    assert f'"GET /nirgends/?token={REDACTED} HTTP/1.1" 404' in out.read_text(), logged
    assert "Not Found: /nirgends/" in err.read_text(), logged
    assert TOKEN not in logged
    assert not ADDRESSES.search(logged), logged  # neither 127.0.0.1 (client) nor the forwarded ones


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(port: int, path: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-For": f"{FORWARDED_IP}, {CLIENT_IPV6}"}
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
