"""Crafted input is a 4xx naming what is wrong, never a 5xx, on every URL pattern the service has:
a NUL character in any parameter (PostgreSQL refuses NUL in text), non-ASCII and bidi characters in
path segments, JSON nested 1,000 deep in a request body (Python's parser would hit its recursion limit).

The URL patterns are walked from the URL configuration itself (every route Django can reverse,
the admin's and the API's included), each with sample values for its parameters."""

import json
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import get_resolver

from tests.wsgi import Answer
from tests.wsgi import wsgi as served

pytestmark = pytest.mark.django_db

# sample values for the routes' parameters (by name); anything else gets "1"
SAMPLES = {
    "slug": "mitte",
    "layer_id": "quartiere",
    "collection_id": "quartiere",
    "format": "json",
    "fmt": "csv",
    "token": "abc",
    "app_label": "quartiere",
    "z": "10",
    "x": "500",
    "y": "300",
    "url": "nirgends/",
}
RLO = "abc\u202e"  # RIGHT-TO-LEFT OVERRIDE: non-ASCII, invisible, reorders text
DEEP_JSON = "[" * 1_000 + "]" * 1_000
DEEP_OBJECT = '{"a":' * 1_000 + "1" + "}" * 1_000


def route_formats(resolver=None, prefix: str = "") -> set[tuple[str, tuple[str, ...]]]:
    """Every route as (``%(name)s`` format string, parameter names), namespaces included."""
    resolver = resolver or get_resolver()
    found = set()
    for key in resolver.reverse_dict:
        for possibilities, *_rest in resolver.reverse_dict.getlist(key):
            for fmt, params in possibilities:
                found.add((prefix + fmt, tuple(params)))
    for namespace_prefix, sub in resolver.namespace_dict.values():
        found |= route_formats(sub, prefix + namespace_prefix)
    return found


ROUTES = sorted(route_formats())


def sample_path(fmt: str, params: tuple[str, ...], override: str | None = None) -> str:
    """The route with sample values, or with ``override`` (percent-encoded) for every parameter."""
    values = {name: quote(override) if override is not None else SAMPLES.get(name, "1") for name in params}
    return "/" + fmt % values


CONTRACT_PATHS = {sample_path(fmt, params) for fmt, params in ROUTES}


def test_the_walk_covers_the_url_contract():
    # guards route_formats: the URL contract of DESIGN.md is all there
    for path in [
        "/",
        "/karte/",
        "/quartiere/mitte/",
        "/bericht/",
        "/planung/",
        "/admin/",
        "/api/",
        "/api/schema/",
        "/api/docs/",
        "/api/areas/",
        "/api/contributions/",
        "/ows",
        "/ogc/",
        "/ogc/collections/quartiere/items",
        "/tiles/quartiere/10/500/300.mvt",
        "/tiles/quartiere.json",
        "/health",
    ]:
        assert path in CONTRACT_PATHS
    assert len(ROUTES) > 150


@pytest.fixture
def superuser_client(db) -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.org", "not-used-here")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def wsgi(path: str, query: str = "", method: str = "GET") -> Answer:
    """``config.wsgi.application`` as the server calls it (inside the test's transaction)."""
    return served(path, query, method, bookkeeping=False)


def no_server_error(responses: dict[str, int]) -> dict[str, int]:
    return {url: status for url, status in responses.items() if status >= 500}


# --- NUL ------------------------------------------------------------------------------------------


def test_a_nul_in_any_query_parameter_is_a_400_on_every_route(demo):
    client = Client(raise_request_exception=False)
    answers = {path: client.get(path + "?x=%00") for path in sorted(CONTRACT_PATHS)}

    assert no_server_error({path: r.status_code for path, r in answers.items()}) == {}
    assert {path for path, r in answers.items() if r.status_code != 400} == set()


@pytest.mark.parametrize(
    ("url", "field", "content_type"),
    [
        ("/bericht/?stadt=%00", "stadt", "text/html"),
        ("/karte/?verfahren=%00", "verfahren", "text/html"),
        ("/quartiere/mitte/?x=a%00b", "x", "text/html"),
        ("/api/areas/?name=%00", "name", "application/json"),
        ("/api/contributions/?consultation=1&status=%00", "status", "application/json"),
        ("/ogc/collections/quartiere/items?name=%00", "name", "application/json"),
        ("/tiles/quartiere/10/500/300.mvt?v=%00", "v", "application/json"),
        ("/ows?SERVICE=WMS&REQUEST=GetMap&LAYERS=quartiere%00", "LAYERS", "text/xml"),
        ("/api/areas/?%00=1", "\\x00", "application/json"),
    ],
)
def test_a_nul_is_refused_naming_the_parameter_in_the_services_format(demo, url, field, content_type):
    response = Client().get(url)

    assert response.status_code == 400
    assert response["Content-Type"].startswith(content_type)
    text = response.content.decode()
    if content_type == "application/json":
        body = response.json()
        assert body.get(field) == ["must not contain a NUL character (%00)."] or (
            body["code"] == "InvalidParameterValue" and body["description"].startswith(f"{field}: ")
        )
    elif content_type == "text/xml":
        assert 'code="InvalidParameterValue" locator="LAYERS"' in text
    else:
        assert f"Der Parameter „{field}“ enthält ein NUL-Zeichen (%00)" in text
        assert '<html lang="de">' in text and 'class="site-header"' in text


def test_the_page_naming_the_nul_is_english_for_an_english_browser(demo):
    response = Client().get("/bericht/?stadt=%00", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "The parameter “stadt” contains a NUL character (%00)" in response.content.decode()


def test_a_nul_in_a_form_field_or_a_cookie_is_a_400(demo):
    # a browser's form: urlencoded (multipart fields are left to the forms, whose fields refuse NUL)
    form = "application/x-www-form-urlencoded"
    client = Client()
    login = client.post("/planung/anmelden/", "username=a%00&password=x", content_type=form)
    language = client.post("/i18n/setlang/", "language=%00&next=/", content_type=form)
    client.cookies["sessionid"] = "\x00" * 32
    session = client.get("/planung/")

    assert login.status_code == language.status_code == session.status_code == 400
    assert "username" in login.content.decode()
    assert "cookie sessionid" in session.content.decode()


def test_a_nul_in_the_path_names_nothing(demo):
    client = Client(raise_request_exception=False)
    paths = ("/quartiere/%00/", "/tiles/%00/1/0/0.mvt", "/ogc/collections/quartiere/items/%00", "/karte/%00")
    for path in paths:
        assert client.get(path).status_code == 404, path
        assert wsgi(path).status_code == 404, path


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/areas/", "level=city&name=%00"),
        ("/api/areas/1/", "x=%00"),
        ("/api/locate/", "lon=9.19&lat=48.89&x=%00"),
        ("/tiles/quartiere/10/500/300.mvt", "x=%00"),
    ],
)
def test_the_short_path_leaves_a_nul_to_the_full_stack(demo, path, query):
    assert wsgi(path, query).status_code == 400


# --- non-ASCII in paths ---------------------------------------------------------------------------


def test_non_ascii_path_segments_are_404_or_400_on_every_route(demo, superuser_client):
    routes_with_parameters = [(fmt, params) for fmt, params in ROUTES if params]
    answers = {}
    for fmt, params in routes_with_parameters:
        path = sample_path(fmt, params, override=RLO)
        answers[path] = superuser_client.get(path).status_code
        answers[f"wsgi {path}"] = wsgi(path).status_code

    assert no_server_error(answers) == {}


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/abc%E2%80%AE/10/500/300.mvt",
        "/tiles/abc%E2%80%AE.json",
        "/tiles/%C3%A4/1/0/0.mvt",
        "/tiles/abc%FF/1/0/0.mvt",  # not UTF-8 at all
        "/ogc/collections/abc%E2%80%AE/items",
    ],
)
def test_a_tile_or_collection_with_a_non_ascii_name_is_a_404_naming_nothing_bad(demo, path):
    for response in (wsgi(path), Client().get(path)):
        assert response.status_code == 404
        assert response.json()["code"] == "NotFound"
        assert "\u202e" not in response.content.decode()  # shown escaped, never as a bidi override


# --- deeply nested JSON ---------------------------------------------------------------------------


API_ROUTES = sorted({sample_path(fmt, params) for fmt, params in ROUTES if fmt.startswith("api/")})


@pytest.mark.parametrize("body", [DEEP_JSON, DEEP_OBJECT], ids=["arrays", "objects"])
def test_deeply_nested_json_is_never_a_5xx_on_any_api_route(demo, superuser_client, body):
    anonymous = Client(raise_request_exception=False)
    answers = {}
    for path in API_ROUTES:
        for who, client in (("anonymous", anonymous), ("superuser", superuser_client)):
            for method in (client.post, client.put, client.patch):
                response = method(path, body, content_type="application/json")
                answers[f"{who} {method.__name__.upper()} {path}"] = response.status_code

    assert no_server_error(answers) == {}


@pytest.mark.parametrize(
    "path", ["/api/contributions/", "/api/measures/", "/api/focus-areas/", "/api/budget-lines/"]
)
def test_deeply_nested_json_is_a_400_saying_so(demo, superuser_client, path):
    for body in (DEEP_JSON, DEEP_OBJECT, "[" * 40 + "]" * 40):
        response = superuser_client.post(path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.content[:200])
        assert "nest at most 32 levels" in response.json()["detail"]


def test_a_geojson_feature_nests_well_below_the_limit(demo, superuser_client):
    # the limit leaves room for any real body: a MultiPolygon inside a Feature is 6 levels deep
    ring = [[9.19, 48.89], [9.20, 48.89], [9.20, 48.90], [9.19, 48.89]]
    feature = {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]}}
    response = superuser_client.post("/api/measures/", json.dumps(feature), content_type="application/json")

    assert response.status_code == 400
    assert "nest" not in response.content.decode()  # refused for its missing fields, not its depth
