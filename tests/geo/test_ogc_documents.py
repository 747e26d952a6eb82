"""OGC API – Features: landing page, conformance, the OpenAPI definition and the collections."""

import json

import pytest
from django.test import Client, override_settings

from geo import layers as registry
from geo.ogc.params import parameter_names

CONFORMANCE = {
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/core-roles-features",
}
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


@pytest.fixture
def client() -> Client:
    return Client()


def get_json(client: Client, url: str, **headers) -> dict:
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(("application/json", "application/vnd.oai.openapi+json"))
    return json.loads(response.content)


def rels(document: dict) -> dict[str, dict]:
    return {link["rel"]: link for link in document["links"]}


def test_the_landing_page_links_api_conformance_and_collections(client, db):
    document = get_json(client, "/ogc/")

    links = rels(document)
    assert links["service-desc"]["href"] == "http://testserver/ogc/api"
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["conformance"]["href"] == "http://testserver/ogc/conformance"
    assert links["data"]["href"] == "http://testserver/ogc/collections"
    assert links["self"]["type"] == "application/json"
    assert links["alternate"]["type"] == "text/html"
    assert document["title"]


@override_settings(PUBLIC_URL="https://geo.ludwigsburg.example/atlas")
def test_links_use_the_public_url_when_configured(client, db):
    document = get_json(client, "/ogc/")

    assert rels(document)["data"]["href"] == "https://geo.ludwigsburg.example/atlas/ogc/collections"


def test_conformance_names_core_geojson_html_openapi_crs_and_queryables(client, db):
    assert set(get_json(client, "/ogc/conformance")["conformsTo"]) == CONFORMANCE


@pytest.mark.parametrize(
    "url", ["/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/quartiere"]
)
def test_browsers_get_html_and_f_chooses_explicitly(client, demo, url):
    browser = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    explicit = client.get(url, {"f": "html"}, HTTP_ACCEPT="application/json")
    machine = client.get(url, HTTP_ACCEPT="application/json")

    assert browser["Content-Type"].startswith("text/html")
    assert explicit["Content-Type"].startswith("text/html")
    assert machine["Content-Type"] == "application/json"
    assert b"<html" in browser.content
    # cacheable by anyone: no session or CSRF cookie on these pages
    assert "Set-Cookie" not in browser


@pytest.mark.parametrize(
    "url",
    [
        "/ogc/collections",
        "/ogc/collections/quartiere",
        "/ogc/collections/quartiere/items",
        "/ogc/collections/contributions/items",
    ],
)
def test_html_tables_scroll_in_their_own_named_box_on_a_phone(client, demo, url):
    # a table wider than the screen scrolls inside this box (keyboard-focusable), not the page
    html = client.get(url, {"f": "html"}).content.decode()
    box = '<div class="table-scroll" tabindex="0" role="region" aria-labelledby="'
    assert html.count("<table") == html.count(box) == 1
    label = html.split(box)[1].split('"')[0]
    assert f'id="{label}"' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_an_item_page_names_its_rows(client, demo):
    item = json.loads(client.get("/ogc/collections/quartiere/items?limit=1&f=json").content)["features"][0]
    html = client.get(f"/ogc/collections/quartiere/items/{item['id']}", {"f": "html"}).content.decode()
    assert '<th scope="row">name</th>' in html and 'class="table-scroll"' in html


def test_the_api_definition_is_openapi_3_with_a_path_per_collection(client, db):
    response = client.get("/ogc/api")
    document = json.loads(response.content)

    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert document["openapi"].startswith("3.0.")
    assert document["servers"] == [{"url": "http://testserver/ogc"}]
    for layer in registry.all_layers():
        items = document["paths"][f"/collections/{layer.id}/items"]["get"]
        names = set()
        for parameter in items["parameters"]:
            if "$ref" in parameter:
                parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
            names.add(parameter["name"])
        # a parameterised layer's parameters too (indicators: indicator, datetime)
        assert {
            "bbox",
            "bbox-crs",
            "crs",
            "limit",
            "offset",
            "f",
            *layer.queryable,
            *parameter_names(layer),
        } == names
        assert f"/collections/{layer.id}/items/{{featureId}}" in document["paths"]
    limit = document["components"]["parameters"]["limit"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 10_000, 100)


def test_every_reference_in_the_api_definition_resolves(client, db):
    document = get_json(client, "/ogc/api")

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = set(refs(document))
    assert found
    for ref in found:
        target = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict)


def test_collections_lists_every_registered_layer_with_extent_and_crs(client, demo):
    document = get_json(client, "/ogc/collections")

    ids = [collection["id"] for collection in document["collections"]]
    assert ids == [layer.id for layer in registry.all_layers()]
    quartiere = document["collections"][ids.index("quartiere")]
    minx, miny, maxx, maxy = quartiere["extent"]["spatial"]["bbox"][0]
    assert 9.0 < minx < maxx < 9.4 and 48.8 < miny < maxy < 49.0  # Ludwigsburg, lon/lat
    assert quartiere["extent"]["spatial"]["crs"] == CRS84
    assert quartiere["crs"][0] == CRS84
    assert quartiere["storageCrs"] == "http://www.opengis.net/def/crs/EPSG/0/25832"
    assert "http://www.opengis.net/def/crs/EPSG/0/4326" in quartiere["crs"]
    items = [link for link in quartiere["links"] if link["rel"] == "items"]
    assert {link["type"] for link in items} == {"application/geo+json", "text/html"}
    assert all(link["href"].startswith("http://testserver/ogc/collections/quartiere/items") for link in items)


def test_a_collection_describes_itself(client, demo):
    document = get_json(client, "/ogc/collections/measures")

    assert document["id"] == "measures"
    assert document["itemType"] == "feature"
    assert document["title"] == "Maßnahmen"  # German first
    assert set(document["queryables"]) == set(registry.get("measures").queryable)


def test_each_collection_names_its_queryables_as_a_json_schema(client, demo):
    for layer in registry.all_layers():
        link = rels(get_json(client, f"/ogc/collections/{layer.id}"))[
            "http://www.opengis.net/def/rel/ogc/1.0/queryables"
        ]
        assert link["type"] == "application/schema+json"
        response = client.get(link["href"].removeprefix("http://testserver"))
        assert response.status_code == 200 and response["Content-Type"] == "application/schema+json"
        assert response["ETag"]
        schema = json.loads(response.content)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == link["href"] and schema["type"] == "object"
        assert schema["additionalProperties"] is False
        choices = [p.name for p in layer.parameters if p.kind == "choice"]
        assert list(schema["properties"]) == [*layer.queryable, *choices]

    measures = json.loads(client.get("/ogc/collections/measures/queryables").content)["properties"]
    assert measures["status"] == {"title": "status", "type": "string"}


def test_the_queryables_filter_the_items(client, demo):
    # what the schema offers works as a query parameter (Part 3, queryables-query-parameters)
    schema = json.loads(client.get("/ogc/collections/quartiere/queryables").content)
    name = next(iter(schema["properties"]))
    first = json.loads(client.get("/ogc/collections/quartiere/items", {"f": "json", "limit": 1}).content)
    value = first["features"][0]["properties"][name]
    filtered = json.loads(client.get("/ogc/collections/quartiere/items", {name: value, "f": "json"}).content)
    assert filtered["numberMatched"] >= 1
    assert {f["properties"][name] for f in filtered["features"]} == {value}


def test_queryables_of_an_unknown_collection_or_as_html_are_refused(client, db):
    assert client.get("/ogc/collections/kataster/queryables").status_code == 404
    assert client.get("/ogc/collections/quartiere/queryables?f=html").status_code == 400
    assert client.get("/ogc/collections/quartiere/queryables?sort=x").status_code == 400


def test_titles_follow_the_language(client, demo):
    document = get_json(client, "/ogc/collections/measures", HTTP_ACCEPT_LANGUAGE="en")

    assert document["title"] == "Measures"


def test_an_unknown_collection_is_a_404_with_an_exception_body(client, db):
    response = client.get("/ogc/collections/kataster")

    assert response.status_code == 404
    body = json.loads(response.content)
    assert body["code"] == "NotFound" and "kataster" in body["description"]


@pytest.mark.parametrize(
    "url", ["/ogc/?lang=fr", "/ogc/collections?f=xml", "/ogc/conformance?f=json&f=html", "/ogc/api?f=html"]
)
def test_bad_parameters_are_a_400_with_an_exception_body(client, db, url):
    response = client.get(url)

    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["code"] == "InvalidParameterValue" and body["description"]


def test_a_trailing_slash_is_accepted(client, demo):
    assert client.get("/ogc/collections/").status_code == 200
    assert client.get("/ogc/collections/quartiere/items/").status_code == 200
