"""geo.geojson: one page of features from a features statement (``feature_page``), and the
FeatureCollection around it."""

import json

import pytest
from django.test import RequestFactory

from geo import crs
from geo.geojson import FeaturePage, feature_collection_response, feature_page, precision_for

# A features statement over no table: ``n`` points in EPSG:25832, each echoing the page's parameters.
POINTS = """
WITH matched AS (
    SELECT i, ST_SetSRID(ST_MakePoint(513000 + i * 0.123456, 5416000), %(storage_srid)s) AS geom
    FROM generate_series(1, %(n)s) AS i
),
page AS (SELECT * FROM matched ORDER BY i LIMIT %(limit)s OFFSET %(offset)s)
SELECT
    (SELECT count(*) FROM matched),
    (SELECT count(*) FROM page),
    coalesce(string_agg(json_build_object(
        'type', 'Feature', 'id', i,
        'geometry', ST_AsGeoJSON(ST_Transform(geom, %(out_srid)s), %(precision)s)::json,
        'properties', json_build_object(
            'bbox', json_build_array(%(minx)s::float8, %(miny)s::float8, %(maxx)s::float8, %(maxy)s::float8),
            'bbox_srid', %(bbox_srid)s::int, 'precision', %(precision)s::int)
    )::text, ',' ORDER BY i), '')
FROM page
"""


def _features(page: FeaturePage) -> list[dict]:
    return json.loads("[" + page.features_json + "]")


@pytest.mark.django_db
def test_it_counts_all_matches_and_returns_one_page():
    page = feature_page(POINTS, {"n": 5}, limit=2, offset=1)

    assert (page.matched, page.returned) == (5, 2)
    assert [f["id"] for f in _features(page)] == [2, 3]


@pytest.mark.django_db
def test_it_binds_the_bbox_in_its_crs_and_nulls_without_one():
    with_bbox = feature_page(POINTS, {"n": 1}, bbox=(9.1, 48.8, 9.3, 48.9), bbox_srid=crs.WGS84)
    without = feature_page(POINTS, {"n": 1})

    assert _features(with_bbox)[0]["properties"]["bbox"] == [9.1, 48.8, 9.3, 48.9]
    assert _features(with_bbox)[0]["properties"]["bbox_srid"] == 4326
    assert _features(without)[0]["properties"]["bbox"] == [None, None, None, None]


@pytest.mark.django_db
def test_it_writes_coordinates_to_about_a_centimetre_in_the_output_crs():
    metres = _features(feature_page(POINTS, {"n": 1}, out_srid=crs.STORAGE_SRID))[0]
    degrees = _features(feature_page(POINTS, {"n": 1}, out_srid=crs.WGS84))[0]

    assert metres["properties"]["precision"] == 2 and metres["geometry"]["coordinates"][0] == 513000.12
    lon, lat = degrees["geometry"]["coordinates"]
    assert degrees["properties"]["precision"] == 7
    assert len(str(lon).split(".")[1]) <= 7 and 9.0 < lon < 9.4 and 48.8 < lat < 49.0


@pytest.mark.django_db
def test_an_empty_page_has_no_features():
    page = feature_page(POINTS, {"n": 0})
    assert page == FeaturePage(matched=0, returned=0, features_json="")


def test_precision_is_seven_places_in_degrees_and_two_in_metres():
    assert precision_for(crs.WGS84) == 7
    assert precision_for(4258) == 7
    assert precision_for(crs.STORAGE_SRID) == 2
    assert precision_for(3857) == 2


def test_the_collection_links_the_next_and_previous_pages_and_names_a_crs_other_than_4326():
    request = RequestFactory().get("/api/things/", {"limit": "2", "offset": "2"})
    page = FeaturePage(
        matched=5, returned=2, features_json='{"type":"Feature","id":3},{"type":"Feature","id":4}'
    )

    response = feature_collection_response(request, page, limit=2, offset=2, srid=crs.STORAGE_SRID)

    body = json.loads(response.content)
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/25832>"
    assert (body["numberMatched"], body["numberReturned"]) == (5, 2)
    assert [f["id"] for f in body["features"]] == [3, 4]
    links = {link["rel"]: link["href"] for link in body["links"]}
    assert links["next"] == "http://testserver/api/things/?limit=2&offset=4"
    assert links["prev"] == "http://testserver/api/things/?limit=2&offset=0"
    assert body["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::25832"
