"""``GET /api/areas/`` and ``/api/areas/{id}/``: GeoJSON built by PostGIS, in EPSG:4326 unless asked."""

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from quartiere.models import Area
from tests.conftest import sql_row, sql_value
from tests.geodesy import utm_from_lonlat

SCHLOSS = (9.1956, 48.8997)  # lon/lat, in Mitte


def positions(geometry: dict) -> Iterator[list[float]]:
    """Every coordinate pair of a (Multi)Polygon."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        for ring in polygon:
            yield from ring


def get(api, url: str, **params):
    response = api.get(url, params)
    assert response.status_code == 200, response.content
    return response, json.loads(response.content)


def names(body: dict) -> list[str]:
    return [f["properties"]["name"] for f in body["features"]]


def test_it_returns_a_feature_collection_in_wgs84(api, demo):
    response, body = get(api, "/api/areas/")

    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/4326>"
    assert body["type"] == "FeatureCollection"
    assert "crs" not in body  # RFC 7946: lon/lat WGS84 goes without
    # the region, its 179 municipalities and the 12 + 4 Quartiere of Ludwigsburg and Kornwestheim; a
    # page holds API_PAGE_SIZE (100)
    assert (body["numberMatched"], body["numberReturned"], len(body["features"])) == (196, 100, 100)
    assert [link["rel"] for link in body["links"]] == ["next"]
    for f in body["features"]:
        assert f["type"] == "Feature"
        assert f["geometry"]["type"] == "MultiPolygon"
        for lon, lat in positions(f["geometry"]):
            assert 8.7 < lon < 10.0 and 48.4 < lat < 49.1  # Verband Region Stuttgart


def test_it_orders_by_level_then_name_with_properties(api, demo):
    _, body = get(api, "/api/areas/", limit=1000)

    levels = [f["properties"]["level"] for f in body["features"]]
    assert levels == ["region"] + ["city"] * 179 + ["quartier"] * 16
    assert names(body)[:3] == ["Verband Region Stuttgart", "Adelberg", "Affalterbach"]
    assert names(body)[180:183] == ["Eglosheim", "Grünbühl-Sonnenberg", "Hoheneck"]
    (city,) = [f for f in body["features"] if f["properties"]["code"] == "08118048"]
    assert city["id"] == demo["08118048"].id
    assert city["properties"] == {
        "level": "city",
        "code": "08118048",
        "name": "Ludwigsburg",
        "slug": "ludwigsburg",
        "parent": demo["VRS"].id,
        "population": 94859,
        "area_m2": pytest.approx(43_340_000, rel=0.01),
    }


def test_it_filters_by_level(api, demo):
    _, body = get(api, "/api/areas/", level="quartier")

    assert body["numberMatched"] == 12 + 4  # Ludwigsburg's and Kornwestheim's
    assert {f["properties"]["level"] for f in body["features"]} == {"quartier"}


def test_it_filters_by_parent(api, demo):
    _, quartiere = get(api, "/api/areas/", parent=demo["08118048"].id)
    _, cities = get(api, "/api/areas/", parent=demo["VRS"].id, limit=1000)

    assert quartiere["numberMatched"] == 12
    assert cities["numberMatched"] == 179
    assert "Ludwigsburg" in names(cities) and "Kornwestheim" in names(cities)


def test_it_filters_by_a_bbox_inside_one_quartier(api, demo):
    lon, lat = SCHLOSS
    _, body = get(api, "/api/areas/", bbox=f"{lon - 0.0005},{lat - 0.0005},{lon + 0.0005},{lat + 0.0005}")

    assert names(body) == ["Verband Region Stuttgart", "Ludwigsburg", "Mitte"]


def test_it_returns_areas_a_bbox_only_touches_at_their_edge(api, demo):
    # a 20 m box around the city's westernmost vertex: the city and its region intersect it, none contains it
    lon, lat = sql_row(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT (ST_DumpPoints(ST_Transform(geom, 4326))).geom AS p "
        "FROM quartiere_area WHERE code = '08118048') AS d ORDER BY ST_X(p) LIMIT 1"
    )
    d = 0.0001  # ≈ 10 m
    bbox = f"{lon - d},{lat - d},{lon + d},{lat + d}"

    _, body = get(api, "/api/areas/", bbox=bbox)

    assert "Ludwigsburg" in names(body)
    assert "Verband Region Stuttgart" in names(body)
    # half of the box lies outside the city: it is intersected, not contained
    assert sql_value(
        "SELECT NOT ST_Within(ST_MakeEnvelope(%s, %s, %s, %s, 4326), ST_Transform(geom, 4326)) "
        "FROM quartiere_area WHERE code = '08118048'",
        [lon - d, lat - d, lon + d, lat + d],
    )


def test_it_returns_nothing_for_a_bbox_elsewhere(api, demo):
    _, body = get(api, "/api/areas/", bbox="13.3,52.5,13.4,52.6")  # Berlin

    assert (body["numberMatched"], body["features"]) == (0, [])


def test_it_takes_a_bbox_in_the_srid_given(api, demo):
    e, n = utm_from_lonlat(*SCHLOSS)
    _, body = get(api, "/api/areas/", srid="25832", bbox=f"{e - 50},{n - 50},{e + 50},{n + 50}")

    assert names(body) == ["Verband Region Stuttgart", "Ludwigsburg", "Mitte"]


def test_it_combines_filters(api, demo):
    lon, lat = SCHLOSS
    _, body = get(
        api,
        "/api/areas/",
        level="quartier",
        bbox=f"{lon - 0.0005},{lat - 0.0005},{lon + 0.0005},{lat + 0.0005}",
    )

    assert names(body) == ["Mitte"]


def test_it_pages_with_limit_and_offset(api, demo):
    _, first = get(api, "/api/areas/", level="quartier", limit=6)
    _, middle = get(api, "/api/areas/", level="quartier", limit=6, offset=6)
    _, last = get(api, "/api/areas/", level="quartier", limit=6, offset=12)

    assert [(p["numberMatched"], p["numberReturned"]) for p in (first, middle, last)] == [
        (16, 6),
        (16, 6),
        (16, 4),
    ]
    assert [[link["rel"] for link in p["links"]] for p in (first, middle, last)] == [
        ["next"],
        ["next", "prev"],
        ["prev"],
    ]
    ids = [f["id"] for p in (first, middle, last) for f in p["features"]]
    assert sorted(ids) == sorted(Area.objects.filter(level=3).values_list("id", flat=True))


def test_it_links_to_the_next_and_previous_page_keeping_the_filters(api, demo):
    _, first = get(api, "/api/areas/", level="quartier", limit=5)
    (next_link,) = first["links"]

    assert next_link["type"] == "application/geo+json"
    href = urlsplit(next_link["href"])
    assert href.path == "/api/areas/"
    assert parse_qs(href.query) == {"level": ["quartier"], "limit": ["5"], "offset": ["5"]}

    _, second = get(api, next_link["href"])
    prev_link = next(link for link in second["links"] if link["rel"] == "prev")
    assert parse_qs(urlsplit(prev_link["href"]).query)["offset"] == ["0"]
    assert not {f["id"] for f in first["features"]} & {f["id"] for f in second["features"]}


def test_it_links_back_to_the_first_page_from_any_offset(api, demo):
    _, body = get(api, "/api/areas/", limit=5, offset=1)

    prev_link = next(link for link in body["links"] if link["rel"] == "prev")
    assert parse_qs(urlsplit(prev_link["href"]).query)["offset"] == ["0"]
    assert [f["id"] for f in body["features"]] == [
        f["id"] for f in get(api, "/api/areas/")[1]["features"][1:6]
    ]


def test_it_returns_an_empty_page_past_the_end(api, demo):
    _, body = get(api, "/api/areas/", offset=200)

    assert (body["numberMatched"], body["numberReturned"], body["features"]) == (196, 0, [])
    assert [link["rel"] for link in body["links"]] == ["prev"]


def test_it_answers_in_utm_metres_when_asked(api, demo):
    response, body = get(api, "/api/areas/", srid="25832", level="city")

    assert response["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/25832>"
    assert body["crs"] == {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}
    for e, n in positions(body["features"][0]["geometry"]):
        assert 480_000 < e < 573_000 and 5_371_000 < n < 5_437_000  # Verband Region Stuttgart


def test_it_accepts_the_srid_as_an_epsg_name(api, demo):
    response, _ = get(api, "/api/areas/", srid="EPSG:3857", level="city")

    assert response["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/3857>"


def test_it_returns_one_area(api, demo):
    mitte = demo["08118048-01"]

    response, body = get(api, f"/api/areas/{mitte.id}/")

    assert response["Content-Type"] == "application/geo+json"
    assert body["type"] == "Feature"
    assert body["id"] == mitte.id
    assert body["properties"]["name"] == "Mitte"
    assert body["properties"]["parent"] == demo["08118048"].id
    lons = [lon for lon, _ in positions(body["geometry"])]
    assert min(lons) < SCHLOSS[0] < max(lons)


def test_it_returns_one_area_in_utm_when_asked(api, demo):
    _, body = get(api, f"/api/areas/{demo['08118048-01'].id}/", srid="25832")

    e, n = next(positions(body["geometry"]))
    assert 500_000 < e < 530_000 and 5_400_000 < n < 5_430_000


@pytest.mark.parametrize("path", ["/api/areas/999999999/", "/api/areas/abc/", "/api/areas/-1/"])
def test_it_answers_404_for_an_unknown_area(api, demo, path):
    assert api.get(path).status_code == 404


def test_it_refuses_to_write(api, demo):
    assert api.post("/api/areas/", {}, format="json").status_code == 405
