"""The ``indicators`` layer in OGC API – Features and vector tiles: one indicator and year per request."""

import json

import mapbox_vector_tile
import pytest

from tests.conftest import sql_value
from tests.fixtures import kept_for_the_module
from tests.indicators.maps.conftest import CLASSES, VALUES, build_city, codes_of


@pytest.fixture(scope="module")
def city_module(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker, build_city):
        yield


@pytest.fixture
def city(city_module, db):
    return None


def items(client, **query) -> tuple[int, dict]:
    response = client.get("/ogc/collections/indicators/items", {"f": "json", **query})
    return response.status_code, json.loads(response.content)


@pytest.mark.parametrize(("key", "year"), list(CLASSES))
def test_items_of_one_indicator_and_year_equal_the_database(city, client, key, year):
    status, doc = items(client, indicator=key, datetime=str(year))
    assert status == 200
    assert doc["numberMatched"] == sql_value("SELECT count(*) FROM quartiere_area WHERE level = 3") == 4
    features = doc["features"]
    assert codes_of(features) == CLASSES[(key, year)]
    values = {code: value for code, value in VALUES[(key, year)].items() if code != "C"}
    assert {code: v for code, v in codes_of(features, "value").items() if v is not None} == values
    stored = sql_value(
        "SELECT count(*) FROM indicators_indicatorvalue v "
        "JOIN indicators_indicator i ON i.id = v.indicator_id "
        "JOIN quartiere_area a ON a.id = v.area_id WHERE i.key = %s AND v.year = %s AND a.level = 3",
        [key, year],
    )
    assert sum(1 for f in features if f["properties"]["value"] is not None) == stored
    assert {f["properties"]["city_value"] for f in features} == {VALUES[(key, year)].get("C")}
    assert {f["properties"]["year"] for f in features} == {year}
    assert {f["properties"]["indicator"] for f in features} == {key}


def test_defaults_are_the_first_indicator_and_its_latest_year(city, client):
    status, doc = items(client)
    assert status == 200
    assert {f["properties"]["indicator"] for f in doc["features"]} == {"gruen"}  # green before just
    _, latest = items(client, indicator="armut")
    assert {f["properties"]["year"] for f in latest["features"]} == {2023}
    # a date or date-time picks its year
    _, dated = items(client, indicator="armut", datetime="2022-06-30T00:00:00Z")
    assert codes_of(dated["features"]) == CLASSES[("armut", 2022)]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"indicator": "nope"}, "indicator"),
        ({"indicator": "armut", "datetime": "2019"}, "datetime"),
        ({"indicator": "gruen", "datetime": "2022"}, "datetime"),  # a year of another indicator
        ({"datetime": "2022/2023"}, "datetime"),
        ({"datetime": "soon"}, "datetime"),
        ({"indicator": "x' OR 1=1 --"}, "indicator"),
    ],
)
def test_bad_parameters_are_400_naming_them(city, client, query, name):
    status, doc = items(client, **query)
    assert status == 400
    assert doc["code"] == "InvalidParameterValue" and doc["description"].startswith(f"{name}:")


def test_etag_depends_on_the_parameters(city, client):
    one = client.get("/ogc/collections/indicators/items", {"indicator": "armut", "datetime": "2022"})
    two = client.get("/ogc/collections/indicators/items", {"indicator": "armut", "datetime": "2023"})
    assert one["ETag"] != two["ETag"]
    again = client.get(
        "/ogc/collections/indicators/items",
        {"indicator": "armut", "datetime": "2022"},
        HTTP_IF_NONE_MATCH=one["ETag"],
    )
    assert again.status_code == 304


def test_collection_queryables_and_openapi_document_the_parameters(city, client):
    collection = json.loads(client.get("/ogc/collections/indicators", {"f": "json"}).content)
    assert collection["parameters"] == {"indicator": ["gruen", "armut"], "datetime": ["2022", "2023"]}
    assert collection["extent"]["temporal"]["interval"] == [["2022-01-01T00:00:00Z", "2023-12-31T23:59:59Z"]]
    queryables = json.loads(client.get("/ogc/collections/indicators/queryables").content)
    assert queryables["properties"]["indicator"]["enum"] == ["gruen", "armut"]
    api = json.loads(client.get("/ogc/api").content)
    names = [p.get("name") for p in api["paths"]["/collections/indicators/items"]["get"]["parameters"]]
    assert "indicator" in names and "datetime" in names


def tile_features(client, **query) -> list[dict]:
    # the z10 tile holding the whole grid (X0, Y0 ≈ 9.0 E, 48.75 N)
    response = client.get("/tiles/indicators/10/537/352.mvt", query)
    assert response.status_code == 200, response.content[:300]
    decoded = mapbox_vector_tile.decode(response.content)
    return decoded["indicators"]["features"] if decoded else []


def test_tile_carries_the_chosen_indicator_and_year(city, client):
    features = tile_features(client, indicator="armut", year="2023")
    assert {f["properties"]["code"] for f in features} == {"Q1", "Q2", "Q3", "Q4"}
    found = {f["properties"]["code"]: f["properties"] for f in features}
    assert {code: p.get("need_class") for code, p in found.items()} == CLASSES[("armut", 2023)]
    assert found["Q3"]["value"] == 36.0 and found["Q3"]["quality"] == "estimated"
    older = tile_features(client, indicator="armut", year="2022")
    assert {f["properties"]["code"]: f["properties"].get("need_class") for f in older} == CLASSES[
        ("armut", 2022)
    ]


def test_tile_bad_parameter_is_400_and_tilejson_lists_them(city, client):
    response = client.get("/tiles/indicators/10/537/352.mvt", {"year": "1999", "indicator": "armut"})
    assert response.status_code == 400 and json.loads(response.content)["description"].startswith("year:")
    doc = json.loads(client.get("/tiles/indicators.json", {"indicator": "armut"}).content)
    assert doc["tiles"][0].endswith("/tiles/indicators/{z}/{x}/{y}.mvt?indicator=armut")
    assert doc["parameters"][0] == {
        "name": "indicator",
        "title": "Indikator",
        "kind": "choice",
        "values": ["gruen", "armut"],
        "value": "armut",
    }
    assert doc["parameters"][1]["values"] == ["2022", "2023"] and doc["parameters"][1]["value"] == "2023"
