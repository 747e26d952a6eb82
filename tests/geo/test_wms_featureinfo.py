"""WMS GetFeatureInfo: the features under a pixel, in JSON, HTML (escaped) and plain text, with a few
pixels of tolerance, FEATURE_COUNT, and only the public, queryable attributes of published rows."""

import json
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.contrib.staticfiles import finders

from geo import layers as registry
from measures.models import Measure
from quartiere.models import Area
from tests.geo.wms_support import CITY_25832, MITTE_25832, ows

pytestmark = pytest.mark.django_db

SIZE = (280, 200)  # 50 m per pixel over CITY_25832


def pixel(x: float, y: float) -> tuple[int, int]:
    minx, miny, maxx, maxy = CITY_25832
    return int((x - minx) / (maxx - minx) * SIZE[0]), int((maxy - y) / (maxy - miny) * SIZE[1])


def info(client, layers: str, i: int, j: int, info_format="application/json", **extra):
    params = {
        "SERVICE": "WMS",
        "VERSION": "1.3.0",
        "REQUEST": "GetFeatureInfo",
        "LAYERS": layers,
        "QUERY_LAYERS": layers,
        "STYLES": "",
        "CRS": "EPSG:25832",
        "BBOX": ",".join(str(v) for v in CITY_25832),
        "WIDTH": SIZE[0],
        "HEIGHT": SIZE[1],
        "I": i,
        "J": j,
        "INFO_FORMAT": info_format,
        **extra,
    }
    response = client.get(ows(**params))
    assert response.status_code == 200, response.content[:300]
    return response


def features(response) -> list[dict]:
    return json.loads(response.content)["features"]


def test_it_finds_the_quartier_under_the_pixel_as_geojson(client, demo):
    response = info(client, "quartiere", *pixel(*MITTE_25832))

    assert response["Content-Type"] == "application/json"
    (mitte,) = features(response)
    assert mitte["id"] == f"quartiere.{demo['08118048-01'].id}"
    assert mitte["layer"] == "quartiere"
    assert mitte["properties"]["name"] == "Mitte"
    assert mitte["geometry"]["type"] == "MultiPolygon"
    lon, lat = mitte["geometry"]["coordinates"][0][0][0]
    assert 9.1 < lon < 9.3 and 48.8 < lat < 49.0  # RFC 7946: lon/lat in EPSG:4326


def test_it_shows_the_layers_public_attributes_as_ogc_api_does(client, demo):
    (mitte,) = features(info(client, "quartiere", *pixel(*MITTE_25832)))

    assert set(mitte["properties"]) == set(registry.get("quartiere").attributes)
    assert mitte["properties"]["population"] == 13000
    fid = str(mitte["id"]).rpartition(".")[2]  # GetFeatureInfo ids are "<layer>.<id>"
    item = client.get(f"/ogc/collections/quartiere/items/{fid}", {"f": "json"}).json()
    assert item["properties"] == mitte["properties"]


def test_it_answers_in_html_escaped_and_in_plain_text(client, demo):
    Area.objects.filter(code="08118048-01").update(name='Mitte <script>alert("x")</script> & Co')
    html = info(client, "quartiere", *pixel(*MITTE_25832), info_format="text/html")
    text = info(client, "quartiere", *pixel(*MITTE_25832), info_format="text/plain")

    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert "<script>" not in html.content.decode()
    assert "Mitte &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html.content.decode()
    assert "script-src" not in html["Content-Security-Policy"]
    assert "default-src 'none'" in html["Content-Security-Policy"]
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert 'name = Mitte <script>alert("x")</script> & Co' in text.content.decode()


def test_several_query_layers_and_feature_count(client, demo):
    i, j = pixel(*MITTE_25832)
    nested = features(info(client, "regions,cities,quartiere", i, j))

    assert [feature["layer"] for feature in nested] == ["regions", "cities", "quartiere"]
    # a box around the whole city: every Quartier is within the tolerance of one pixel of a 2-pixel map
    whole = {
        "BBOX": ",".join(str(v) for v in CITY_25832),
        "WIDTH": 2,
        "HEIGHT": 2,
    }
    one = features(info(client, "quartiere", 0, 0, **whole))
    five = features(info(client, "quartiere", 0, 0, FEATURE_COUNT=5, **whole))
    assert len(one) == 1 and len(five) == 5


def a_point_measure() -> Measure:
    located = Measure.objects.filter(published=True, geom__isnull=False)
    return next(m for m in located if m.geom.geom_type == "Point")


def test_it_has_a_few_pixels_of_tolerance(client, demo):
    measure = a_point_measure()
    i, j = pixel(measure.geom.x, measure.geom.y)

    near = [f["id"] for f in features(info(client, "measures", i + 3, j, FEATURE_COUNT=10))]
    far = [f["id"] for f in features(info(client, "measures", i + 15, j + 15, FEATURE_COUNT=10))]
    assert f"measures.{measure.id}" in near
    assert f"measures.{measure.id}" not in far


def test_1_1_1_takes_x_and_y(client, demo):
    i, j = pixel(*MITTE_25832)
    params = {"VERSION": "1.1.1", "SRS": "EPSG:25832", "X": i, "Y": j}
    response = client.get(
        ows(
            SERVICE="WMS",
            REQUEST="GetFeatureInfo",
            LAYERS="quartiere",
            QUERY_LAYERS="quartiere",
            STYLES="",
            BBOX=",".join(str(v) for v in CITY_25832),
            WIDTH=SIZE[0],
            HEIGHT=SIZE[1],
            INFO_FORMAT="application/json",
            **params,
        )
    )

    assert [f["properties"]["name"] for f in features(response)] == ["Mitte"]


def test_unpublished_measures_are_not_found(client, demo):
    x, y = 519_500.0, 5_419_800.0  # north of the city, away from every demo measure
    hidden = Measure.objects.create(
        city=demo["08118048"], title="Entwurf", geom=Point(x, y, srid=25832), published=False
    )
    i, j = pixel(x, y)

    assert features(info(client, "measures", i, j, FEATURE_COUNT=10)) == []
    Measure.objects.filter(pk=hidden.pk).update(published=True)
    assert [f["id"] for f in features(info(client, "measures", i, j))] == [f"measures.{hidden.pk}"]


def test_the_html_answer_takes_its_style_from_this_origin_only(client, demo):
    html = info(client, "quartiere", *pixel(*MITTE_25832), info_format="text/html")
    page = html.content.decode()

    # a strict policy: nothing but a style sheet from this origin, no inline style, no script
    assert html["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'"
    )
    assert "<style" not in page and "style=" not in page
    assert '<link rel="stylesheet" href="http://testserver/static/geo/featureinfo.css">' in page
    stylesheet = finders.find("geo/featureinfo.css")  # a static file (collectstatic, whitenoise)
    assert stylesheet and "border-collapse" in Path(stylesheet).read_text()
