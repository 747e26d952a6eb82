"""``geo.lean``: the short path for public reads in ``config.wsgi.application`` (what gunicorn serves)
answers like Django's full stack, and hands everything unusual to it.

These tests call the WSGI application as a server does, so they run in autocommit
(``transactional_db``): the short path does Django's connection bookkeeping itself, which closes a
connection left inside a transaction, as Django does after every request."""

import json
import time
from io import StringIO

import mapbox_vector_tile
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.urls import resolve

from config.wsgi import application
from geo import lean
from geo.lean import LeanApplication
from quartiere import api

pytestmark = pytest.mark.django_db(transaction=True)

CENTRE_TILE = "/tiles/quartiere/12/2152/1408.mvt"
LOCATE = "/api/locate/"
SCHLOSS = "lon=9.1956&lat=48.8997"  # Residenzschloss: Region Stuttgart → Ludwigsburg → Mitte
SECURITY_HEADERS = {
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
}


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes):
        self.status_code = int(status.split()[0])
        self.headers = dict(headers)
        self.header_list = headers
        self.content = body

    def json(self):
        return json.loads(self.content)


def wsgi(
    path: str, query: str = "", method: str = "GET", app=None, secure: bool = False, **headers: str
) -> Answer:
    """A request to the WSGI application as a server makes it (``RequestFactory``'s WSGI environ;
    headers as ``HTTP_…`` keys)."""
    url = f"{path}?{query}" if query else path
    environ = RequestFactory().generic(method, url, secure=secure, **headers).environ
    started = []

    def start_response(status, response_headers, exc_info=None):
        started.append((status, response_headers))

    body = (app or application)(environ, start_response)
    try:
        content = b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
    return Answer(started[0][0], started[0][1], content)


def full_stack(path: str, query: str = "", **headers: str):
    return Client().get(f"{path}?{query}" if query else path, **headers)


def spy(monkeypatch) -> list[str]:
    """The paths Django's full stack (behind the short path) was asked for."""
    asked = []
    inner = application.application

    def recording(environ, start_response):
        asked.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    monkeypatch.setattr(application, "application", recording)
    return asked


def test_locate_takes_the_short_path_and_answers_like_the_full_stack(demo, monkeypatch):
    asked = spy(monkeypatch)
    lean_answer = wsgi(LOCATE, SCHLOSS)
    assert asked == []
    assert lean_answer.status_code == 200
    assert lean_answer.headers["Content-Type"] == "application/json"
    assert int(lean_answer.headers["Content-Length"]) == len(lean_answer.content)
    assert set(lean_answer.headers) >= SECURITY_HEADERS
    assert "Set-Cookie" not in lean_answer.headers
    assert lean_answer.json() == full_stack(LOCATE, SCHLOSS).json()
    assert [a["level"] for a in lean_answer.json()["areas"]] == ["region", "city", "quartier"]


def test_bad_input_and_html_go_to_the_full_stack(demo, monkeypatch):
    asked = spy(monkeypatch)
    bad = wsgi(LOCATE, "lon=200&lat=48.9")
    assert bad.status_code == 400 and "lon" in bad.json()
    html = wsgi(LOCATE, SCHLOSS, HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    browsable = wsgi(LOCATE, SCHLOSS + "&format=json")
    assert browsable.status_code == 200
    not_json = wsgi(LOCATE, SCHLOSS, HTTP_ACCEPT="text/csv")
    assert not_json.status_code == 406
    assert asked == [LOCATE] * 4


def test_a_disallowed_host_is_refused_by_the_full_stack(demo, monkeypatch):
    asked = spy(monkeypatch)
    for path, query in ((LOCATE, SCHLOSS), (CENTRE_TILE, ""), ("/api/areas/", "level=city")):
        assert wsgi(path, query, HTTP_HOST="evil.example").status_code == 400
    assert len(asked) == 3


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=3600)
def test_a_due_https_redirect_is_left_to_the_full_stack(demo):
    app = LeanApplication(get_wsgi_application())  # Django's middleware read the settings when made
    for path, query in ((LOCATE, SCHLOSS), (CENTRE_TILE, "")):
        answer = wsgi(path, query, app=app)
        assert answer.status_code == 301 and answer.headers["Location"].startswith("https://")
        secure = wsgi(path, query, app=app, secure=True)
        assert secure.status_code == 200 and secure.headers["Strict-Transport-Security"] == "max-age=3600"


def test_areas_list_and_detail_answer_like_the_full_stack(demo, monkeypatch):
    asked = spy(monkeypatch)
    listed = wsgi("/api/areas/", "level=quartier&limit=5")
    full = full_stack("/api/areas/", "level=quartier&limit=5")
    assert listed.status_code == 200 and listed.json() == full.json()
    assert listed.headers["Content-Type"] == full["Content-Type"]
    area = listed.json()["features"][0]["id"]
    detail = wsgi(f"/api/areas/{area}/")
    assert detail.status_code == 200 and detail.json() == full_stack(f"/api/areas/{area}/").json()
    assert set(detail.headers) >= SECURITY_HEADERS
    assert asked == []
    # an error answer is the full stack's: logged, and in the client's language
    missing = wsgi("/api/areas/999999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404 and asked == ["/api/areas/999999999/"]
    assert missing.json() == full_stack("/api/areas/999999999/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert missing.headers["Content-Language"] == "en"


def test_the_routes_go_where_the_url_conf_does():
    samples = {"/api/areas/": api.area_list, "/api/areas/12/": api.area_detail}
    for path, view in samples.items():
        match = resolve(path)
        assert match.func.cls is view.cls and match.func.actions == view.actions
    assert resolve("/tiles/quartiere/1/0/0.mvt").func is lean.import_string("geo.tiles.views.tile")
    assert resolve(LOCATE).func is api.locate
    assert {pattern.pattern for pattern, _ in application.routes} == set(settings.LEAN_ROUTES)


def tile_headers(response) -> dict[str, str]:
    # the full stack adds the language (Content-Language, Vary); tiles do not depend on it
    return {k: v for k, v in response.items() if k not in {"Content-Language", "Vary"}}


def test_a_tile_answers_like_the_full_stack_with_etag_304_and_head(demo, monkeypatch):
    asked = spy(monkeypatch)
    fresh = wsgi(CENTRE_TILE)
    full = full_stack(CENTRE_TILE)
    assert fresh.status_code == 200 and fresh.content == full.content
    assert fresh.headers == tile_headers(full)
    assert set(mapbox_vector_tile.decode(fresh.content)) == {"quartiere"}

    etag = fresh.headers["ETag"]
    revalidated = wsgi(CENTRE_TILE, HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304 and revalidated.content == b""
    # the full stack's 304 also says "Content-Length: 0" (CommonMiddleware), which RFC 9110 §8.6 does
    # not allow for a 304 (only the length of the 200); the short path sends none
    full_304 = tile_headers(full_stack(CENTRE_TILE, HTTP_IF_NONE_MATCH=etag))
    assert full_304.pop("Content-Length") == "0"
    assert revalidated.headers == full_304
    assert wsgi(CENTRE_TILE, HTTP_IF_NONE_MATCH="*").status_code == 304

    head = wsgi(CENTRE_TILE, method="HEAD")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == fresh.headers["Content-Length"]
    assert asked == []

    # a change to the layer's data: a new ETag and the tile again
    call_command("load_demo", stdout=StringIO())
    from quartiere.models import Area

    Area.objects.filter(level=3).update(population=1)
    changed = wsgi(CENTRE_TILE, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_unusual_tile_requests_are_answered_by_the_view_or_the_full_stack(demo, monkeypatch):
    asked = spy(monkeypatch)
    # a query string is part of the ETag: not the responder's, the route's view answers it
    with_query = wsgi(CENTRE_TILE, "v=2")
    assert with_query.status_code == 200 and with_query.content == wsgi(CENTRE_TILE).content
    assert with_query.headers["ETag"] == full_stack(CENTRE_TILE, "v=2")["ETag"]
    assert asked == []
    # errors, and methods other than GET and HEAD, take the full stack
    missing = (
        "/tiles/nonsense/1/0/0.mvt",
        "/tiles/quartiere/2/4/0.mvt",  # x outside the matrix
        "/tiles/quartiere/23/0/0.mvt",  # zoom level outside the range
    )
    for path in missing:
        answer = wsgi(path)
        assert answer.status_code == 404 and answer.json() == full_stack(path).json()
    assert wsgi(CENTRE_TILE, method="OPTIONS").status_code == 204
    assert wsgi(CENTRE_TILE, method="POST").status_code == 403  # CSRF, before the view's 405
    assert asked == [*missing, CENTRE_TILE, CENTRE_TILE]


def test_an_empty_tile_is_an_empty_200(demo):
    answer = wsgi("/tiles/quartiere/12/0/0.mvt")
    assert answer.status_code == 200 and answer.content == b"" and answer.headers["Content-Length"] == "0"


@override_settings(DEBUG=True)
def test_in_debug_the_tile_query_is_logged(demo):
    answer = wsgi(CENTRE_TILE)
    assert answer.status_code == 200
    assert any("ST_AsMVT" in q["sql"] for q in connection.queries)


def test_the_connection_bookkeeping_of_a_request_is_done(demo):
    # a connection past CONN_MAX_AGE is replaced before the request, as Django's request_started does
    wsgi(CENTRE_TILE)
    old = connection.connection
    connection.close_at = time.monotonic() - 1
    assert wsgi(LOCATE, SCHLOSS).status_code == 200
    assert old.closed and connection.connection is not None and connection.connection is not old
    # with CONN_MAX_AGE = 0 the request's connection is closed when the response is, as
    # request_finished does, after the tile responder, the JSON responder and a route alike
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    try:
        for path, query in ((CENTRE_TILE, ""), (LOCATE, SCHLOSS), ("/api/areas/", "level=city")):
            connection.close()
            assert wsgi(path, query).status_code == 200
            assert connection.connection is None, path
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = max_age
