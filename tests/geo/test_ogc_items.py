"""OGC API – Features items: paging, bbox and bbox-crs, crs with the axis order of the CRS, equality
filters, single features, streaming, and a 400 for every bad parameter."""

import json

import pytest
from django.db import connection
from django.test import Client, override_settings

from geo import layers as registry
from geo.ogc import queries
from geo.ogc.params import _BY_URI, EPSG_URI
from measures.models import Measure
from participation.models import Contribution
from quartiere.models import Area

SCHLOSS = (9.1956, 48.8997)  # lon/lat, in the Quartier Mitte
ITEMS = "/ogc/collections/{}/items"


@pytest.fixture
def client() -> Client:
    return Client()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def fetch(client: Client, url: str, params: dict | None = None, status: int = 200) -> dict:
    response = client.get(url, params or {})
    assert response.status_code == status, body(response)[:300]
    return json.loads(body(response))


def items(client: Client, layer: str, **params) -> dict:
    collection = fetch(client, ITEMS.format(layer), params)
    assert collection["type"] == "FeatureCollection"
    return collection


def link(collection: dict, rel: str) -> str | None:
    found = [item["href"] for item in collection["links"] if item["rel"] == rel]
    return found[0] if found else None


def test_it_pages_through_a_collection_with_next_links(client, demo):
    published = set(Contribution.objects.filter(status="published").values_list("pk", flat=True))
    seen: list[int] = []
    url = ITEMS.format("contributions") + "?limit=25"
    pages = 0
    while url:
        page = fetch(client, url.removeprefix("http://testserver"))
        assert page["numberMatched"] == len(published)
        assert page["numberReturned"] == len(page["features"]) <= 25
        seen += [feature["id"] for feature in page["features"]]
        url = link(page, "next")
        pages += 1

    assert pages == -(-len(published) // 25)
    assert sorted(seen) == seen and set(seen) == published and len(seen) == len(published)


def test_the_default_page_is_100_features_and_a_prev_link_goes_back(client, demo):
    first = items(client, "contributions")
    second = items(client, "contributions", offset=90, limit=30)

    assert first["numberReturned"] == min(100, first["numberMatched"])
    assert "offset=60" in link(second, "prev") and "limit=30" in link(second, "prev")
    assert link(first, "prev") is None


@override_settings(OGC_MAX_LIMIT=20)
def test_a_limit_above_the_maximum_is_clamped(client, demo):
    page = items(client, "contributions", limit=500)

    assert page["numberReturned"] == 20
    assert "limit=20" in link(page, "next")


def test_an_offset_past_the_end_gives_an_empty_page(client, demo):
    page = items(client, "quartiere", offset=1000)

    assert page["features"] == [] and page["numberReturned"] == 0 and page["numberMatched"] == 12 + 4
    assert link(page, "next") is None and "offset=900" in link(page, "prev")


def test_features_carry_id_geometry_and_only_the_declared_attributes(client, demo):
    page = items(client, "quartiere", limit=12)
    layer = registry.get("quartiere")

    mitte = Area.objects.get(code="08118048-01")
    feature = next(f for f in page["features"] if f["id"] == mitte.pk)
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert set(feature["properties"]) == set(layer.attributes)
    assert feature["properties"]["name"] == "Mitte"


def test_a_bbox_in_crs84_finds_what_it_touches(client, demo):
    lon, lat = SCHLOSS
    page = items(client, "quartiere", bbox=f"{lon - 0.0005},{lat - 0.0005},{lon + 0.0005},{lat + 0.0005}")

    assert [feature["properties"]["name"] for feature in page["features"]] == ["Mitte"]
    assert page["numberMatched"] == 1


def test_bbox_crs_epsg_4326_takes_latitude_first(client, demo):
    lon, lat = SCHLOSS
    box = f"{lat - 0.0005},{lon - 0.0005},{lat + 0.0005},{lon + 0.0005}"
    page = items(client, "quartiere", bbox=box, **{"bbox-crs": EPSG_URI.format(4326)})

    assert [feature["properties"]["name"] for feature in page["features"]] == ["Mitte"]


def test_a_bbox_in_the_storage_crs_and_with_heights(client, demo):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 25832) p",
            SCHLOSS,
        )
        x, y = cursor.fetchone()
    utm = items(
        client,
        "quartiere",
        bbox=f"{x - 30},{y - 30},{x + 30},{y + 30}",
        **{"bbox-crs": EPSG_URI.format(25832)},
    )
    lon, lat = SCHLOSS
    three_d = items(
        client, "quartiere", bbox=f"{lon - 0.0005},{lat - 0.0005},0,{lon + 0.0005},{lat + 0.0005},100"
    )

    assert [f["properties"]["name"] for f in utm["features"]] == ["Mitte"]
    assert [f["properties"]["name"] for f in three_d["features"]] == ["Mitte"]


@pytest.mark.parametrize(
    "uri, first_range",
    [
        ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", (9.0, 9.4)),  # lon, lat
        (EPSG_URI.format(4326), (48.8, 49.0)),  # lat, lon as EPSG defines it
        (EPSG_URI.format(4258), (48.8, 49.0)),
        (EPSG_URI.format(25832), (500_000, 530_000)),  # easting, northing
        (EPSG_URI.format(3857), (1_000_000, 1_040_000)),
        (EPSG_URI.format(31467), (5_400_000, 5_430_000)),  # northing first, as EPSG defines it
    ],
)
def test_crs_returns_coordinates_in_the_axis_order_of_the_crs(client, demo, uri, first_range):
    response = client.get(ITEMS.format("contributions"), {"crs": uri, "limit": 5})
    page = json.loads(response.content)

    assert response["Content-Crs"] == f"<{uri}>"
    for feature in page["features"]:
        first, _second = feature["geometry"]["coordinates"]
        assert first_range[0] < first < first_range[1]


def test_the_same_point_in_crs84_and_epsg_4326_is_swapped(client, demo):
    crs84 = items(client, "contributions", limit=1)["features"][0]["geometry"]["coordinates"]
    epsg = items(client, "contributions", limit=1, crs=EPSG_URI.format(4326))["features"][0]["geometry"]

    assert epsg["coordinates"] == [crs84[1], crs84[0]]


def test_equality_filters_on_queryable_attributes(client, demo):
    planned = items(client, "measures", status="planned", limit=1000)
    expected = Measure.objects.filter(published=True, status="planned", geom__isnull=False).count()

    assert planned["numberMatched"] == expected > 0
    assert {feature["properties"]["status"] for feature in planned["features"]} == {"planned"}
    assert items(client, "measures", status="nonsense")["numberMatched"] == 0
    city = Area.objects.get(code="08118048").pk
    of_the_city = Measure.objects.filter(published=True, status="planned", geom__isnull=False, city=city)
    assert items(client, "measures", city=city, status="planned")["numberMatched"] == of_the_city.count() > 0
    assert of_the_city.count() < expected  # the region's planned cycle route is not Ludwigsburg's


def test_filters_keep_their_values_in_the_paging_links(client, demo):
    page = items(client, "contributions", category="idea", limit=5)

    assert "category=idea" in link(page, "next")


@pytest.mark.parametrize(
    "params, name",
    [
        ({"limit": "abc"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": "²"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "99999999999999999999999"}, "offset"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "9.2,48.9,9.1,48.8"}, "bbox"),
        ({"bbox": "9,91,10,92"}, "bbox"),
        ({"bbox": "nan,1,2,3"}, "bbox"),
        ({"bbox": "1e300,1,2,3"}, "bbox"),
        ({"bbox": "170,10,-170,20"}, "bbox"),
        ({"bbox": "48.8,9.1,48.9,9.2,", "bbox-crs": EPSG_URI.format(4326)}, "bbox"),
        ({"bbox": "0,0,1,1", "bbox-crs": "EPSG:4326"}, "bbox-crs"),
        ({"crs": EPSG_URI.format(2056)}, "crs"),
        ({"crs": "+proj=longlat"}, "crs"),
        ({"crs": "/etc/passwd"}, "crs"),
        ({"f": "xml"}, "f"),
        ({"city": "Ludwigsburg"}, "city"),
        ({"status": "a\x00b"}, "status"),
        ({"foo": "bar"}, "foo"),
        ({"text": "Radweg"}, "text"),  # an attribute, but not queryable
    ],
)
def test_every_bad_parameter_is_a_400_naming_it(client, demo, params, name):
    layer = "measures" if "city" in params or "status" in params or "text" in params else "quartiere"
    response = client.get(ITEMS.format(layer), params)

    assert response.status_code == 400, body(response)[:200]
    error = json.loads(response.content)
    assert error["code"] == "InvalidParameterValue"
    assert error["description"].startswith(name)


def test_a_parameter_given_twice_is_a_400(client, demo):
    response = client.get(ITEMS.format("quartiere") + "?limit=1&limit=2")

    assert response.status_code == 400


def test_https_crs_uris_and_safe_curie_brackets_are_accepted(client, demo):
    for uri in (
        "https://www.opengis.net/def/crs/EPSG/0/25832",
        "[http://www.opengis.net/def/crs/EPSG/0/25832]",
    ):
        response = client.get(ITEMS.format("quartiere"), {"crs": uri, "limit": 1})
        assert response["Content-Crs"] == f"<{EPSG_URI.format(25832)}>"


def test_geojson_is_served_as_geojson(client, demo):
    response = client.get(ITEMS.format("quartiere"), HTTP_ACCEPT="application/geo+json")

    assert response["Content-Type"] == "application/geo+json"
    assert client.get(ITEMS.format("quartiere"), {"f": "html"})["Content-Type"].startswith("text/html")


def test_a_single_feature_by_id(client, demo):
    mitte = Area.objects.get(code="08118048-01")
    response = client.get(f"{ITEMS.format('quartiere')}/{mitte.pk}", {"crs": EPSG_URI.format(25832)})
    feature = json.loads(response.content)

    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == f"<{EPSG_URI.format(25832)}>"
    assert feature["id"] == mitte.pk and feature["properties"]["name"] == "Mitte"
    x, y = feature["geometry"]["coordinates"][0][0][0]
    assert 500_000 < x < 530_000 and 5_400_000 < y < 5_430_000
    assert {item["rel"] for item in feature["links"]} >= {"self", "alternate", "collection"}


@pytest.mark.parametrize("fid", ["999999", "abc", "1.5", "-1", "9" * 40])
def test_an_unknown_feature_is_a_404(client, demo, fid):
    response = client.get(f"{ITEMS.format('quartiere')}/{fid}")

    assert response.status_code == 404
    assert json.loads(response.content)["code"] == "NotFound"


def test_a_feature_of_another_collection_is_not_found(client, demo):
    region = Area.objects.get(level=1)

    assert client.get(f"{ITEMS.format('quartiere')}/{region.pk}").status_code == 404
    assert client.get(f"{ITEMS.format('regions')}/{region.pk}").status_code == 200


@override_settings(OGC_STREAM_FROM=10)
def test_big_pages_are_streamed_with_the_same_content(client, demo):
    small = items(client, "contributions", limit=10)
    response = client.get(ITEMS.format("contributions"), {"limit": 11})
    streamed = json.loads(body(response))
    every = client.get(ITEMS.format("contributions"), {"limit": 1000})

    assert response.streaming and every.streaming
    assert streamed["features"][:10] == small["features"]
    assert streamed["numberReturned"] == 11 and streamed["numberMatched"] == small["numberMatched"]
    assert len(json.loads(body(every))["features"]) == small["numberMatched"]


def test_the_streamed_page_reads_in_chunks(client, demo, monkeypatch):
    monkeypatch.setattr(queries, "FETCH_ROWS", 7)
    with override_settings(OGC_STREAM_FROM=1):
        response = client.get(ITEMS.format("contributions"), {"limit": 50})
        chunks = list(response.streaming_content)

    assert len(chunks) == 2 + 8  # head, ⌈50 / 7⌉ chunks, tail
    assert len(json.loads(b"".join(chunks))["features"]) == 50


@pytest.mark.parametrize(
    "layer_id, indexed",
    [("quartiere", "geom"), ("measures_areas", "st_multi(geom)"), ("measures_points", "st_multi(geom)")],
)
def test_the_bbox_query_can_use_the_spatial_index(db, layer_id, indexed):
    layer = registry.get(layer_id)
    query = queries.Query(
        layer=layer, out=_BY_URI[EPSG_URI.format(4326)], bbox=(9.19, 48.89, 9.2, 48.9), limit=10
    )
    sql, params = query.page_sql()
    with connection.cursor() as cursor:
        # the table is tiny here: forbid the sequential scan to see whether the index *can* answer
        cursor.execute("SET LOCAL enable_seqscan = off")
        # nor a walk along the primary key (the page's order) filtering every row: a bitmap scan can
        # only come from an index that answers the box
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # the box is folded into a constant when planned, so the test is an index condition
    assert f"Index Cond: ({indexed} && '" in plan
    assert "Seq Scan" not in plan


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "-1e8,-1e8,1e8,1e8", "bbox-crs": EPSG_URI.format(31467)},
        {"bbox": "-1e8,-1e8,1e8,1e8", "bbox-crs": EPSG_URI.format(3857), "crs": EPSG_URI.format(31467)},
        {"bbox": "-90,-180,90,180", "bbox-crs": EPSG_URI.format(4326)},
        {"bbox": "-180,-90,180,90"},
        {"bbox": "0,0,0,0"},
        {"offset": "2147483647"},
        {"limit": "99999999999999999"},
    ],
)
def test_extreme_but_valid_values_are_answered(client, demo, params):
    for layer in ("quartiere", "measures", "contributions"):
        response = client.get(ITEMS.format(layer), params)
        assert response.status_code == 200, (layer, body(response)[:200])
        assert json.loads(body(response))["type"] == "FeatureCollection"


def test_number_matched_is_right_whether_or_not_the_page_is_full(client, demo):
    """The count runs only when the page cannot tell: a page that is not full ends the matches."""
    layer = registry.get("quartiere")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({registry.source_sql(layer)}) AS src", registry.bound(layer))
        total = cursor.fetchone()[0]
    assert total > 3
    cases = [
        {"limit": total + 5},  # not full: offset + returned
        {"limit": total},  # exactly full: counted
        {"limit": 3},  # full: counted
        {"limit": 3, "offset": total - 2},  # the last page, not full
        {"limit": 3, "offset": total + 7},  # past the end: counted
    ]
    for params in cases:
        page = items(client, "quartiere", **params)
        expected_returned = max(0, min(params["limit"], total - params.get("offset", 0)))
        assert page["numberMatched"] == total, params
        assert page["numberReturned"] == expected_returned == len(page["features"]), params
        assert (link(page, "next") is not None) == (params.get("offset", 0) + expected_returned < total)


def test_the_service_connection_runs_without_jit_and_parallel_workers(db):
    """A region-scale bbox read spent most of its time compiling (issue 17): the service's statements are
    short and index-driven, so its connections run with JIT and parallel workers off."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')")
        assert cursor.fetchone() == ("off", "0")
