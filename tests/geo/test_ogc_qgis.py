"""OGC API – Features as QGIS takes it: the landing page at ``/ogc`` (no slash, the documented address),
one measures collection per geometry type beside the mixed one, and a schema per collection (Part 5)
with the declared types."""

import json

import pytest
from django.test import Client, override_settings

from geo import layers as registry
from geo.layers import Layer

SCHEMA_REL = "http://www.opengis.net/def/rel/ogc/1.0/schema"
BY_TYPE = {
    "measures_areas": ("MultiPolygon", {"MultiPolygon"}),
    "measures_lines": ("MultiLineString", {"MultiLineString"}),
    "measures_points": ("MultiPoint", {"MultiPoint"}),
}


@pytest.fixture
def client() -> Client:
    return Client()


def get_json(client: Client, url: str, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def test_the_documented_address_without_slash_is_the_landing_page_not_a_redirect(client, db):
    response = client.get("/ogc")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    links = {link["rel"]: link["href"] for link in json.loads(response.content)["links"]}
    assert links["data"] == "http://testserver/ogc/collections"
    assert links["service-desc"] == "http://testserver/ogc/api"
    assert json.loads(response.content) == get_json(client, "/ogc/")
    assert client.get("/ogc", HTTP_ACCEPT="text/html").status_code == 200
    assert client.get("/ogcx").status_code == 404


@override_settings(PUBLIC_URL="https://geo.ludwigsburg.example/atlas")
def test_the_landing_page_without_slash_links_under_the_public_url(client, db):
    links = {link["rel"]: link["href"] for link in get_json(client, "/ogc")["links"]}

    assert links["data"] == "https://geo.ludwigsburg.example/atlas/ogc/collections"


def test_each_geometry_type_has_its_own_measures_collection(client, demo):
    mixed = get_json(client, "/ogc/collections/measures/items", limit=1000)
    total = 0
    for layer_id, (declared, types) in BY_TYPE.items():
        collection = get_json(client, f"/ogc/collections/{layer_id}")
        assert collection["geometryType"] == declared
        assert collection["properties"] == registry.get("measures").attributes
        page = get_json(client, f"/ogc/collections/{layer_id}/items", limit=1000)
        assert page["numberMatched"] > 0
        assert {feature["geometry"]["type"] for feature in page["features"]} == types
        assert all(
            feature["properties"].keys() == collection["properties"].keys() for feature in page["features"]
        )
        total += page["numberMatched"]

    assert total == mixed["numberMatched"]
    assert len({f["geometry"]["type"] for f in mixed["features"]}) > 3  # the mixed one stays mixed


def test_the_typed_collections_hold_published_measures_only(client, demo):
    from measures.models import Measure

    hidden = Measure.objects.filter(published=False, geom__isnull=False).first()
    assert hidden is not None
    for layer_id in BY_TYPE:
        assert client.get(f"/ogc/collections/{layer_id}/items/{hidden.pk}").status_code == 404
    published = Measure.objects.filter(published=True, geom__isnull=False)
    ids = set()
    for layer_id in BY_TYPE:
        ids |= {
            f["id"] for f in get_json(client, f"/ogc/collections/{layer_id}/items", limit=1000)["features"]
        }
    assert ids == set(published.values_list("pk", flat=True))


def test_the_typed_collections_are_in_the_wms_and_the_tiles_too(client, demo):
    capabilities = client.get("/ows", {"SERVICE": "WMS", "REQUEST": "GetCapabilities", "VERSION": "1.3.0"})
    assert capabilities.status_code == 200
    tile = client.get("/tiles/measures_areas/12/2152/1408.mvt")
    for layer_id in BY_TYPE:
        assert f"<Name>{layer_id}</Name>".encode() in capabilities.content
        assert client.get(f"/tiles/{layer_id}/12/2152/1408.mvt").status_code in (200, 204)
    assert tile.status_code in (200, 204)


def test_every_collection_links_its_schema_with_id_geometry_and_declared_types(client, demo):
    for layer in registry.all_layers():
        links = {link["rel"]: link for link in get_json(client, f"/ogc/collections/{layer.id}")["links"]}
        link = links[SCHEMA_REL]
        assert link["type"] == "application/schema+json"
        response = client.get(link["href"].removeprefix("http://testserver"))
        assert response.status_code == 200 and response["Content-Type"] == "application/schema+json"
        schema = json.loads(response.content)
        assert schema["$id"] == link["href"] and schema["type"] == "object"
        properties = schema["properties"]
        roles = {name: p["x-ogc-role"] for name, p in properties.items() if "x-ogc-role" in p}
        assert roles == {"id": "id", "geometry": "primary-geometry"}
        assert set(properties) == {"id", "geometry", *layer.attributes}

    areas = get_json(client, "/ogc/collections/measures_areas/schema")["properties"]
    assert areas["geometry"]["format"] == "geometry-multipolygon"
    assert areas["city"]["type"] == "integer"
    assert areas["start_date"] == {"title": "start_date", "type": "string", "format": "date"}
    assert (
        get_json(client, "/ogc/collections/measures/schema")["properties"]["geometry"]["format"]
        == "geometry-any"
    )


def test_an_integer_column_of_nulls_only_is_an_integer_in_schema_and_queryables(client, demo, monkeypatch):
    layer = Layer(
        id="nulls",
        title={"en": "Nulls"},
        abstract={"en": "Nulls"},
        geometry_type="Point",
        source="SELECT id, geom, NULL::integer AS rank, NULL::text AS note FROM measures_measure WHERE false",
        attributes={"rank": "integer", "note": "string"},
        queryable=("rank",),
        styles=registry.get("measures").styles,
        tables=("measures_measure",),
    )
    monkeypatch.setitem(registry._registry, "nulls", layer)

    schema = get_json(client, "/ogc/collections/nulls/schema")["properties"]
    assert schema["rank"]["type"] == "integer" and schema["note"]["type"] == "string"
    queryables = get_json(client, "/ogc/collections/nulls/queryables")["properties"]
    assert queryables == {"rank": {"title": "rank", "type": "integer"}}
    assert client.get("/ogc/collections/nulls/items", {"rank": "x"}).status_code == 400


def test_the_queryables_have_the_declared_types_of_every_collection(client, demo):
    expected = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
    for layer in registry.all_layers():
        properties = get_json(client, f"/ogc/collections/{layer.id}/queryables")["properties"]
        for name in layer.queryable:
            kind = layer.attributes[name]
            assert properties[name]["type"] == expected.get(kind, "string"), (layer.id, name)


def test_the_schema_of_an_unknown_collection_or_as_html_is_refused(client, db):
    assert client.get("/ogc/collections/kataster/schema").status_code == 404
    assert client.get("/ogc/collections/quartiere/schema?f=html").status_code == 400
    assert client.get("/ogc/collections/quartiere/schema?x=1").status_code == 400
    assert client.get("/ogc/collections/quartiere/schema/").status_code == 200


def test_the_api_definition_has_the_schema_paths(client, db):
    paths = get_json(client, "/ogc/api")["paths"]

    for layer in registry.all_layers():
        assert f"/collections/{layer.id}/schema" in paths
