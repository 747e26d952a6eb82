"""/region/ (table sorted server-side with aria-sort, regional measures with their municipalities and
shares, budget per city), its downloads (CSV, XLSX, GeoJSON parse and carry the summary's numbers),
the map's data, the 400 page, and the layer ``cities`` over OGC API – Features."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from geo import layers as registry
from region import summary

pytestmark = pytest.mark.django_db


def rows_of(html: str, table_id: str) -> list[str]:
    """The row headers of a table's body, in order."""
    body = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, table_id
    return [
        re.sub(r"<[^>]+>", "", h).strip()
        for h in re.findall(r'<th scope="row">(.*?)</th>', body.group(1), re.S)
    ]


def test_the_page_shows_the_table_sorted_with_aria_sort(world, client):
    response = client.get("/region/", {"region": "VRS", "sort": "-budget_total"})
    assert response.status_code == 200
    html = response.content.decode()
    assert rows_of(html, "region-table") == ["Astadt", "Bdorf", "Cheim"]
    sorted_th = re.findall(
        r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*><a href="([^"]+)" data-sort="(\w+)"', html
    )
    assert len(sorted_th) == 1
    direction, href, key = sorted_th[0]
    assert (direction, key) == ("descending", "budget_total")
    # its link turns the order round; another column's link sorts ascending first
    assert "sort=budget_total" in href.replace("&amp;", "&")
    assert re.search(r'href="\?region=VRS&amp;sort=population" data-sort="population"', html)
    ascending = client.get("/region/", {"region": "VRS", "sort": "population"}).content.decode()
    assert rows_of(ascending, "region-table") == ["Cheim", "Bdorf", "Astadt"]
    assert 'aria-sort="ascending"' in ascending


def test_the_default_region_is_the_home_citys(world, client):
    html = client.get("/region/").content.decode()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert "Testregion" in heading and "Andere Region" not in heading


def test_the_page_lists_the_regional_measures_with_their_shares(world, client):
    html = client.get("/region/", {"region": "VRS"}).content.decode()
    assert rows_of(html, "regional-table") == ["Regionaler Radweg", "Regionsweites Programm", "Grenzpark"]
    route = re.search(rf'<tr data-measure="{world["m2"]}">(.*?)</tr>', html, re.S).group(1)
    assert "Testregion" in route
    touched = re.findall(r"<li>(\w+) <span class=\"share\">([^<]+)</span></li>", route)
    assert [name for name, _share in touched] == ["Astadt", "Bdorf"]
    assert all(share.startswith("50") for _name, share in touched)
    programme = re.search(rf'<tr data-measure="{world["m6"]}">(.*?)</tr>', html, re.S).group(1)
    assert "ganze Region" in programme
    # the budget per city: each city and the region for its own measures
    assert rows_of(html, "budget-table") == ["Astadt", "Bdorf", "Region: Testregion"]
    assert rows_of(html, "indicator-table") == ["Astadt", "Bdorf"]


def test_a_bad_parameter_is_a_400_page_naming_it(world, client):
    response = client.get("/region/", {"sort": "nope"})
    assert response.status_code == 400
    assert 'data-parameter="sort"' in response.content.decode()
    response = client.get("/region/daten.csv", {"region": "XYZ"})
    assert response.status_code == 400
    assert 'data-parameter="region"' in response.content.decode()
    assert client.get("/region/daten.pdf").status_code == 404
    assert client.get("/region/karte.json", {"region": "XYZ"}).status_code == 400


def test_a_bad_parameter_is_explained_in_the_pages_language(world, client):
    """The reason comes from the page, not from the API's English parser (the value shown as text)."""
    german = client.get("/region/", {"sort": "<b>quatsch</b>"}).content.decode()
    assert "„&lt;b&gt;quatsch&lt;/b&gt;“ ist keine Spalte zum Sortieren" in german
    assert "ein vorangestelltes „-“ sortiert absteigend" in german and "<b>quatsch" not in german
    english = client.get("/region/", {"sort": "-ind.nope"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "“-ind.nope” is not a column to sort by: one of name, code, population" in english
    german = client.get("/region/daten.csv", {"region": "XYZ"}).content.decode()
    assert "es gibt keine Region „XYZ“: bitte die ID oder den amtlichen Schlüssel" in german
    answer = client.get("/region/karte.json", {"region": "XYZ"}, HTTP_ACCEPT_LANGUAGE="en")
    assert json.loads(answer.content) == {
        "region": ["there is no region “XYZ”: give the id or the official key of a region."]
    }


def test_the_csv_parses_and_carries_the_numbers(world, client):
    response = client.get("/region/daten.csv", {"region": "VRS", "sort": "-population"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="region-testregion.csv"'
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["name"] for row in table] == ["Astadt", "Bdorf", "Cheim"]
    want = {row["code"]: row for row in summary.summary(world["region"])}
    for row in table:
        mine = want[row["code"]]
        for key in ("population", "measures", "regional_measures", "contributions", "quartiere"):
            assert int(row[key]) == mine[key]
        for key in ("budget_total", "budget_per_inhabitant", "regional_budget", "area_km2"):
            assert float(row[key] or 0) == pytest.approx(mine[key] or 0)
    assert table[0]["ind.kinderarmut-test"] == "12.5" and table[0]["ind.kinderarmut-test.year"] == "2024"
    assert table[2]["ind.kinderarmut-test"] == ""


def test_the_xlsx_parses_and_carries_the_numbers(world, client):
    response = client.get("/region/daten.xlsx", {"region": "VRS"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert "Testregion" in values[0][0]
    header = list(values[1])
    cities = [dict(zip(header, row, strict=True)) for row in values[2:5]]
    assert [c["Gemeinde"] for c in cities] == ["Astadt", "Bdorf", "Cheim"]
    assert [c["Budget (EUR)"] for c in cities] == [3500, 300, 0]
    population = header[3]  # the fourth column (labels may come from another app's catalogue)
    assert [c[population] for c in cities] == [20_000, 5_000, 1_000]
    assert "GeoBasis-DE" in values[-1][0]


def test_the_geojson_parses_and_carries_the_numbers(world, client):
    response = client.get("/region/daten.geojson", {"region": "VRS", "sort": "-contributions"})
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["type"] == "FeatureCollection"
    assert "GeoBasis-DE" in document["attribution"]
    names = [f["properties"]["name"] for f in document["features"]]
    assert names == ["Astadt", "Bdorf", "Cheim"]
    first = document["features"][0]
    assert first["geometry"]["type"] == "MultiPolygon"
    lon, lat = first["geometry"]["coordinates"][0][0][0]
    assert 8 < lon < 10 and 48 < lat < 50  # EPSG:4326
    assert first["properties"]["budget_total"] == 3500
    assert first["properties"]["indicators"]["kinderarmut-test"]["value"] == 12.5


def test_the_map_data(world, client):
    response = client.get("/region/karte.json", {"region": "VRS"})
    assert response.status_code == 200
    document = json.loads(response.content)
    by_name = {f["properties"]["name"]: f for f in document["features"]}
    assert set(by_name) == {"Astadt", "Bdorf", "Cheim"}
    assert by_name["Bdorf"]["properties"]["regional_budget"] == 5000


def test_the_cities_layer_carries_the_numbers(world, client):
    layer = registry.get("cities")
    assert layer is not None
    assert {"code", "name", "slug", "parent", "population"} <= set(layer.attributes)
    response = client.get("/ogc/collections/cities/items", {"f": "json", "limit": 100})
    assert response.status_code == 200
    features = {f["properties"]["name"]: f["properties"] for f in json.loads(response.content)["features"]}
    astadt = features["Astadt"]
    assert astadt["code"] == "08000001" and astadt["parent"] == world["region"]
    assert astadt["measures"] == 2 and astadt["regional_measures"] == 2
    assert astadt["budget_total"] == 3500 and astadt["contributions"] == 3
    assert astadt["top_quartier"] in {"Altstadt", "Aue"}
    assert features["Zell"]["measures"] == 1
    # filtered by a queryable, as before the move
    one = client.get("/ogc/collections/cities/items", {"f": "json", "code": "08000002"})
    assert [f["properties"]["name"] for f in json.loads(one.content)["features"]] == ["Bdorf"]
