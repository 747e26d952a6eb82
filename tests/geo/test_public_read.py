"""``geo.public``: public reads (vector tiles, ``/api/locate/``, ``/api/areas/``) take a shorter middleware
chain inside Django — the same views, the same answers — and every request, whatever it ends in, runs
its statement once and is answered once.

These tests call ``config.wsgi.application`` as a server does, so they run in autocommit
(``transactional_db``), with Django's request signals doing their connection bookkeeping."""

import threading

import mapbox_vector_tile
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from geo import public
from tests.fixtures import load_demo_committed
from tests.geo.test_db_health_check import other_connection
from tests.wsgi import wsgi

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
    load_demo_committed()


@pytest.fixture
def chains(monkeypatch) -> dict[str, int]:
    """How many requests each chain answered: ``public`` (``geo.public``) and ``full``."""
    counts = {"public": 0, "full": 0}
    read = public.PublicReadMiddleware.read

    def counting_read(self, request):
        counts["public"] += 1
        return read(self, request)

    monkeypatch.setattr(public.PublicReadMiddleware, "read", counting_read)
    call = public.PublicReadMiddleware.__call__

    def counting_call(self, request):
        before = counts["public"]
        response = call(self, request)
        counts["full"] += counts["public"] == before
        return response

    monkeypatch.setattr(public.PublicReadMiddleware, "__call__", counting_call)
    return counts


def statements(path: str, query: str = "", **headers) -> tuple:
    """(the answer, the SQL statements the request ran)."""
    with CaptureQueriesContext(connection) as captured:
        answer = wsgi(path, query, **headers)
    return answer, [q["sql"] for q in captured.captured_queries]


def count(sqls: list[str], marker: str) -> int:
    return sum(marker in sql for sql in sqls)


# --- which chain --------------------------------------------------------------------------------------


def test_locate_areas_and_tiles_are_public_reads_without_session_or_language(demo, chains):
    for path, query in ((LOCATE, SCHLOSS), ("/api/areas/", "level=city"), (CENTRE_TILE, "")):
        answer = wsgi(path, query, HTTP_ACCEPT_LANGUAGE="en", HTTP_COOKIE="sessionid=abc")
        assert answer.status_code == 200, (path, answer.content[:200])
        assert set(answer.headers) >= SECURITY_HEADERS
        assert "Set-Cookie" not in answer.headers
        assert "Content-Language" not in answer.headers  # the same answer in every language
        assert "Accept-Language" not in answer.headers.get("Vary", "")
        assert int(answer.headers["Content-Length"]) == len(answer.content)
    assert chains == {"public": 3, "full": 0}


def test_the_public_chain_answers_what_the_full_chain_answers(demo):
    with override_settings(PUBLIC_READS=False):
        full_app = get_wsgi_application()  # the middleware read the settings when made
    for path, query in ((LOCATE, SCHLOSS), ("/api/areas/", "level=quartier&limit=5"), (CENTRE_TILE, "")):
        short, full = wsgi(path, query), wsgi(path, query, app=full_app)
        assert short.status_code == full.status_code == 200
        assert short.content == full.content
        assert short.headers.get("ETag") == full.headers.get("ETag")
    located = wsgi(LOCATE, SCHLOSS).json()
    assert [a["level"] for a in located["areas"]] == ["region", "city", "quartier"]


def test_html_the_browsable_api_and_writes_take_the_full_chain(demo, chains):
    assert wsgi(LOCATE, SCHLOSS, HTTP_ACCEPT="text/html").headers["Content-Type"].startswith("text/html")
    assert wsgi(LOCATE, SCHLOSS + "&format=json").status_code == 200
    assert wsgi(CENTRE_TILE, method="OPTIONS").status_code == 204  # the CORS preflight
    assert wsgi(CENTRE_TILE, method="POST").status_code == 403  # CSRF, before the view's 405
    assert wsgi("/", HTTP_ACCEPT="text/html").status_code == 200  # not marked
    assert chains == {"public": 0, "full": 5}


def test_a_disallowed_host_is_a_400_on_the_public_chain_too(demo):
    for path, query in ((LOCATE, SCHLOSS), (CENTRE_TILE, ""), ("/api/areas/", "level=city")):
        assert wsgi(path, query, HTTP_HOST="evil.example").status_code == 400


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=3600)
def test_a_due_https_redirect_is_made_on_the_public_chain_too(demo):
    app = get_wsgi_application()  # the middleware read the settings when made
    for path, query in ((LOCATE, SCHLOSS), (CENTRE_TILE, "")):
        answer = wsgi(path, query, app=app)
        assert answer.status_code == 301 and answer.headers["Location"].startswith("https://")
        secure = wsgi(path, query, app=app, secure=True)
        assert secure.status_code == 200 and secure.headers["Strict-Transport-Security"] == "max-age=3600"


def test_a_skip_that_is_not_middleware_is_refused_at_start(settings):
    settings.PUBLIC_READ_SKIPS = [*settings.PUBLIC_READ_SKIPS, "django.middleware.nonsense.Middleware"]
    with pytest.raises(ImproperlyConfigured, match="nonsense"):
        public.public_middleware()


def test_the_marker_is_on_the_views_and_nowhere_else():
    from django.urls import resolve

    assert public.is_public_read(resolve(CENTRE_TILE).func)
    assert public.is_public_read(resolve(LOCATE).func)
    assert public.is_public_read(resolve("/api/areas/").func)
    assert public.is_public_read(resolve("/api/areas/12/").func)
    assert not public.is_public_read(resolve("/tiles/quartiere.json").func)  # localised: title, abstract
    assert not public.is_public_read(resolve("/api/measures/").func)
    # /ows: for GetMap only (decided per request)
    ows = resolve("/ows").func
    factory = RequestFactory()
    assert public.is_public_read(ows, factory.get("/ows", {"service": "wms", "request": "GetMap"}))
    assert not public.is_public_read(
        ows, factory.get("/ows", {"SERVICE": "WMS", "REQUEST": "GetCapabilities"})
    )
    assert not public.is_public_read(ows, factory.get("/ows", {"SERVICE": "WFS", "REQUEST": "GetFeature"}))
    assert not public.is_public_read(ows, factory.get("/ows"))


GETMAP = (
    "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=quartiere,measures&STYLES=&CRS=EPSG:25832"
    "&BBOX=508000,5411000,516000,5419000&WIDTH=256&HEIGHT=256&FORMAT=image/png"
)


def test_a_wms_getmap_is_a_public_read_and_the_rest_of_the_ows_takes_the_full_chain(demo, chains):
    with override_settings(PUBLIC_READS=False):
        full_app = get_wsgi_application()
    short = wsgi("/ows", GETMAP, HTTP_ACCEPT_LANGUAGE="en", HTTP_COOKIE="sessionid=abc")
    assert chains == {"public": 1, "full": 0}
    full = wsgi("/ows", GETMAP, app=full_app)  # counted as "full"
    assert short.status_code == full.status_code == 200
    assert short.headers["Content-Type"] == "image/png"
    assert short.content == full.content and short.headers["ETag"] == full.headers["ETag"]
    assert set(short.headers) >= SECURITY_HEADERS
    assert "Set-Cookie" not in short.headers and "Content-Language" not in short.headers
    assert "Accept-Language" not in short.headers.get("Vary", "")  # one cached image for every language
    # a bad GetMap on the short chain: the WMS's own report, in the client's language's header
    bad = wsgi("/ows", GETMAP.replace("WIDTH=256", "WIDTH=0"), HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and b"ServiceExceptionReport" in bad.content
    assert chains == {"public": 2, "full": 1}

    capabilities = wsgi("/ows", "SERVICE=WMS&REQUEST=GetCapabilities", HTTP_ACCEPT_LANGUAGE="en")
    assert capabilities.status_code == 200 and capabilities.headers["Content-Language"] == "en"
    assert wsgi("/ows", "SERVICE=WFS&REQUEST=GetCapabilities").status_code == 200
    assert chains == {"public": 2, "full": 3}


# --- one statement per request, one answer per error -----------------------------------------------------


def test_a_request_runs_its_statement_once_whatever_it_answers(demo):
    located, sqls = statements(LOCATE, SCHLOSS)
    assert located.status_code == 200 and count(sqls, "ST_Transform") == 1 and len(sqls) == 1

    tile, sqls = statements(CENTRE_TILE)
    assert tile.status_code == 200 and count(sqls, "ST_AsMVT") == 1 and len(sqls) == 1
    revalidated, sqls = statements(CENTRE_TILE, HTTP_IF_NONE_MATCH=tile.headers["ETag"])
    assert revalidated.status_code == 304 and len(sqls) == 1  # the version, the tile skipped

    listed, sqls = statements("/api/areas/", "level=city")
    assert listed.status_code == 200 and count(sqls, "quartiere_area") == 1

    missing, sqls = statements("/api/areas/999999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404 and count(sqls, "quartiere_area") == 1
    assert missing.headers["Content-Language"] == "en" and "Accept-Language" in missing.headers["Vary"]

    bad, sqls = statements(LOCATE, "lon=200&lat=48.9")
    assert bad.status_code == 400 and "lon" in bad.json() and sqls == []

    no_layer, sqls = statements("/tiles/nonsense/12/2152/1408.mvt")
    assert no_layer.status_code == 404 and sqls == []
    outside, sqls = statements("/tiles/quartiere/2/4/0.mvt")
    assert outside.status_code == 404 and sqls == []


@pytest.mark.parametrize(
    ("path", "query", "marker"),
    [
        ("/api/areas/", "level=quartier", "quartiere_area"),
        (CENTRE_TILE, "", "ST_AsMVT"),
        (LOCATE, SCHLOSS, ""),
    ],
)
def test_a_statement_that_times_out_runs_once_and_is_a_503(demo, path, query, marker):
    # another session holds the Quartiere's table; this one gives up waiting after 200 ms
    lock, locked, release = other_connection(), threading.Event(), threading.Event()

    def hold():
        with lock.cursor() as cursor:
            cursor.execute("BEGIN; LOCK TABLE quartiere_area IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(10)
            cursor.execute("ROLLBACK")

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        locked.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 200")
        answer, sqls = statements(path, query)
    finally:
        release.set()
        holder.join()
        lock.close()
        connection.close()  # the next request starts with the service's own statement_timeout
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    assert len(sqls) == 1, sqls
    assert marker in sqls[0]


def test_a_tile_answers_with_etag_304_head_and_a_new_version_after_a_write(demo):
    fresh = wsgi(CENTRE_TILE)
    assert fresh.status_code == 200 and set(mapbox_vector_tile.decode(fresh.content)) == {"quartiere"}
    etag = fresh.headers["ETag"]
    assert fresh.headers["Access-Control-Allow-Origin"] == "*"
    assert wsgi(CENTRE_TILE, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert wsgi(CENTRE_TILE, HTTP_IF_NONE_MATCH="*").status_code == 304
    head = wsgi(CENTRE_TILE, method="HEAD")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == fresh.headers["Content-Length"]
    from quartiere.models import Area

    Area.objects.filter(level=3).update(population=1)
    changed = wsgi(CENTRE_TILE, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    empty = wsgi("/tiles/quartiere/12/0/0.mvt")
    assert empty.status_code == 200 and empty.content == b"" and empty.headers["Content-Length"] == "0"


def test_the_test_client_takes_the_same_path(demo, chains):
    # the middleware decides, not the WSGI application: the test client goes the same way
    response = Client().get(LOCATE + "?" + SCHLOSS)
    assert response.status_code == 200 and chains == {"public": 1, "full": 0}
    assert not response.has_header("Content-Language")


def test_with_conn_max_age_zero_the_connection_is_closed_after_a_public_read(demo):
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    try:
        for path, query in ((CENTRE_TILE, ""), (LOCATE, SCHLOSS), ("/api/areas/", "level=city")):
            connection.close()
            assert wsgi(path, query).status_code == 200
            assert connection.connection is None, path
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = max_age


def test_content_negotiation_answers_json_by_default_and_refuses_what_it_cannot_give(demo):
    for accept in ("", "*/*", "application/json", "application/json, */*;q=0.8"):
        answer = wsgi(LOCATE, SCHLOSS, HTTP_ACCEPT=accept)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json", accept
    assert wsgi(LOCATE, SCHLOSS, HTTP_ACCEPT="text/csv").status_code == 406
    geojson = wsgi("/api/areas/", "level=city", HTTP_ACCEPT="application/geo+json")
    assert geojson.status_code == 200 and geojson.json()["type"] == "FeatureCollection"
