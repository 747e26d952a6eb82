"""The database out of reach is a 503 with ``Retry-After`` on every endpoint, never a 500: JSON for the
API, a translated page for pages (rendered without touching the database), the map services' own
exception formats; a public read (``geo.public``) answers it once, on its own chain. After the database ended
Mapnik's pooled connections (as a restart does), the next GetMap still draws the map.

The outage is real: Django's connection (and with it Mapnik's parameters) points at a loopback port
nothing listens on, so every query meets psycopg's "connection refused"."""

import copy
import socket
import time

import pytest
from django.db import connections
from django.test import Client
from lxml import etree

from geo.middleware import RETRY_AFTER_S, UNAVAILABLE
from geo.wms import render
from tests.geo.test_db_health_check import other_connection
from tests.geo.wms_support import OGC_NS, getmap, ows, wms_connections  # noqa: F401
from tests.wsgi import wsgi

pytestmark = pytest.mark.django_db

CENTRE_TILE = "/tiles/quartiere/12/2152/1408.mvt"
SCHLOSS = "lon=9.1956&lat=48.8997"
RETRY = str(RETRY_AFTER_S)
GERMAN_TITLE = "Vorübergehend nicht erreichbar"
ENGLISH_TITLE = "Temporarily unavailable"


def closed_port() -> int:
    """A loopback port nothing listens on (bound once by us, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Outage:
    """Django's default connection — and with it Mapnik's connection parameters, the sessions, the
    throttle cache — pointed at a closed port until ``end()``."""

    def __init__(self):
        self.original = connections["default"]
        settings = copy.deepcopy(self.original.settings_dict)
        settings.update(HOST="127.0.0.1", PORT=str(closed_port()))
        settings["OPTIONS"] = {**settings["OPTIONS"], "connect_timeout": 2}
        self.down = type(self.original)(settings, alias="default")
        connections["default"] = self.down

    def end(self) -> None:
        self.down.close()
        connections["default"] = self.original


@pytest.fixture
def database_down(db):
    outage = Outage()
    try:
        yield outage
    finally:
        outage.end()


def assert_unavailable(response, content_type: str) -> None:
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == RETRY
    assert response["Content-Type"].startswith(content_type)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/areas/?level=city",
        "/api/areas/1/",
        f"/api/locate/?{SCHLOSS}",
        "/api/contributions/",
        "/api/consultations/",
        "/api/measures/",
        "/api/budget/",
        "/api/focus-areas/",
        "/api/priorities/?city=1",
    ],
)
def test_the_api_answers_503_json_naming_the_cause(client, database_down, url):
    response = client.get(url)

    assert_unavailable(response, "application/json")
    assert response.json() == {"detail": UNAVAILABLE}


def test_a_write_to_the_api_is_a_503_too(client, database_down):
    body = {"consultation": 1, "text": "Mehr Bänke", "category": "idea", "location": [9.19, 48.89]}
    response = client.post("/api/contributions/", body, content_type="application/json")

    assert_unavailable(response, "application/json")


@pytest.mark.parametrize("url", ["/", "/karte/", "/quartiere/mitte/", "/bericht/", "/bericht/karten.json"])
def test_pages_answer_a_503_page_in_german_first(client, database_down, url):
    response = client.get(url)

    if url.endswith(".json"):
        assert_unavailable(response, "application/json")
        return
    assert_unavailable(response, "text/html")
    html = response.content.decode()
    assert '<html lang="de">' in html and f"<h1>{GERMAN_TITLE}</h1>" in html
    assert 'class="site-header"' in html  # the site's frame: base.html
    assert response["Content-Language"] == "de"
    # no inline script or style, like every page
    csp = response["Content-Security-Policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_the_503_page_follows_accept_language_and_the_language_cookie(client, database_down):
    english = client.get("/karte/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    client.cookies["django_language"] = "de"
    german = client.get("/karte/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert english.status_code == german.status_code == 503
    assert f"<h1>{ENGLISH_TITLE}</h1>" in english.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert f"<h1>{GERMAN_TITLE}</h1>" in german.content.decode()


@pytest.mark.parametrize("url", ["/planung/", "/admin/"])
def test_a_signed_in_session_that_cannot_be_read_is_a_503(client, database_down, url):
    # the session and the user are read lazily, inside the view (login_required, the admin's
    # permission check): the middleware's process_exception catches those failures
    client.cookies["sessionid"] = "k" * 32
    response = client.get(url)

    assert_unavailable(response, "text/html")
    assert GERMAN_TITLE in response.content.decode()


def test_a_session_that_cannot_be_saved_after_the_view_is_a_503(database_down, settings):
    # SessionMiddleware saves the session after the view; an error there never reaches a view's
    # process_exception but Django's handler500 (geo.middleware.server_error)
    settings.SESSION_SAVE_EVERY_REQUEST = True
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "k" * 32

    response = client.get("/karte/datenschutz/")  # a page that needs no database

    assert_unavailable(response, "text/html")
    assert GERMAN_TITLE in response.content.decode()


def exception_report(response) -> tuple[str, str]:
    root = etree.fromstring(response.content)
    (element,) = root.findall("ogc:ServiceException", OGC_NS)
    return root.get("version"), element.text


def test_wms_answers_a_service_exception_report(client, database_down):
    for request in (getmap(), ows(SERVICE="WMS", REQUEST="GetCapabilities")):
        response = client.get(request)
        assert_unavailable(response, "text/xml")
        version, text = exception_report(response)
        assert version == "1.3.0" and "not available" in text
    legacy = client.get(ows(SERVICE="WMS", VERSION="1.1.1", REQUEST="GetCapabilities"))
    assert_unavailable(legacy, "application/vnd.ogc.se_xml")


@pytest.mark.parametrize(
    "url",
    [
        "/ogc/collections",
        "/ogc/collections/quartiere/items",
        "/ogc/collections/quartiere/items/1",
        CENTRE_TILE,
    ],
)
def test_ogc_api_and_tiles_answer_their_json_exception(client, database_down, url):
    response = client.get(url)

    assert_unavailable(response, "application/json")
    assert response.json()["code"] == "ServiceUnavailable"
    assert response["Access-Control-Allow-Origin"] == "*"  # a browser client may read it


def test_health_says_unavailable(client, database_down):
    response = client.get("/health")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.parametrize(
    ("path", "query", "content_type"),
    [
        (CENTRE_TILE, "", "application/json"),
        ("/api/areas/", "level=city", "application/json"),
        ("/api/locate/", SCHLOSS, "application/json"),
    ],
)
def test_a_public_read_answers_the_503_once(database_down, path, query, content_type):
    response = wsgi(path, query, bookkeeping=False)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == RETRY
    assert response.headers["Content-Type"].startswith(content_type)
    assert "X-Content-Type-Options" in response.headers  # the security middleware's headers
    body = response.json()
    assert body.get("detail", body.get("description")) == UNAVAILABLE


def test_head_of_a_public_read_has_no_body(database_down):
    response = wsgi(CENTRE_TILE, method="HEAD", bookkeeping=False)

    assert response.status_code == 503 and response.content == b""


def test_the_service_answers_again_once_the_database_is_back(client, database_down):
    assert client.get("/api/areas/?level=city").status_code == 503
    database_down.end()

    assert client.get("/api/areas/?level=city").status_code == 200


# --- Mapnik's pooled connections -------------------------------------------------------------------


def mapnik_sessions() -> list[int]:
    # on a connection of its own, in autocommit: inside the test's transaction PostgreSQL would keep
    # showing the same snapshot of pg_stat_activity
    with other_connection() as other:
        rows = other.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()",
            [render.application_name()],
        ).fetchall()
    return [row[0] for row in rows]


def end_mapnik_sessions() -> None:
    """What a database restart does to Mapnik's pool: the server ends its sessions."""
    with other_connection() as other:
        other.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [mapnik_sessions()])
    for _ in range(100):
        if not mapnik_sessions():
            return
        time.sleep(0.02)
    raise AssertionError("Mapnik's sessions did not end")


def test_the_first_getmap_after_mapnik_lost_its_connections_draws_the_map(client):
    assert client.get(getmap()).status_code == 200
    ended = mapnik_sessions()
    assert ended, "Mapnik keeps its connections in a pool"

    end_mapnik_sessions()
    response = client.get(getmap())

    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "image/png" and response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(mapnik_sessions()).isdisjoint(ended)  # drawn on new connections


def test_a_render_whose_database_stays_out_of_reach_is_a_503_after_one_more_try(client, monkeypatch, caplog):
    # Django's connection works (the data versions are read), Mapnik's cannot connect at all
    port = closed_port()
    parameters = render.connection_parameters
    monkeypatch.setattr(
        render,
        "connection_parameters",
        lambda alias="default": {**parameters(alias), "host": "127.0.0.1", "port": str(port)},
    )
    render.reset_connections(terminate=True)  # earlier tests' sessions: this test's tries renew the pool

    response = client.get(getmap())

    assert_unavailable(response, "text/xml")
    assert "could not be drawn" in exception_report(response)[1]
    tries = [r.getMessage() for r in caplog.records if r.name == "geo.wms.render"]
    assert len(tries) == 2 and "trying again on new connections" in tries[0]
