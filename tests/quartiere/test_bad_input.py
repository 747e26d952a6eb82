"""Bad query parameters: always a 400 with JSON naming the parameter, never a 500."""

import json

import pytest
from django.test import Client

AREAS = "/api/areas/"
LOCATE = "/api/locate/"
AREA = "/api/areas/{id}/"

CASES = [
    # bbox
    (AREAS, {"bbox": "9.1,48.8,9.2"}, "bbox"),  # 3 numbers
    (AREAS, {"bbox": "9.1,48.8,9.2,48.9,1"}, "bbox"),  # 5 numbers
    (AREAS, {"bbox": "9.3,48.8,9.2,48.9"}, "bbox"),  # minx > maxx
    (AREAS, {"bbox": "9.1,48.9,9.2,48.8"}, "bbox"),  # miny > maxy
    (AREAS, {"bbox": "514000,5417000,515000,5416000", "srid": "25832"}, "bbox"),  # miny > maxy in metres
    (AREAS, {"bbox": "515000,5416000,514000,5417000", "srid": "25832"}, "bbox"),  # minx > maxx in metres
    (AREAS, {"bbox": "200,48.8,201,48.9"}, "bbox"),  # lon 200
    (AREAS, {"bbox": "9.1,-91,9.2,48.9"}, "bbox"),  # lat -91
    (AREAS, {"bbox": "west,48.8,9.2,48.9"}, "bbox"),  # text
    (AREAS, {"bbox": "9.1;48.8;9.2;48.9"}, "bbox"),
    (AREAS, {"bbox": "NaN,48.8,9.2,48.9"}, "bbox"),
    (AREAS, {"bbox": "-inf,48.8,inf,48.9"}, "bbox"),
    (AREAS, {"bbox": "1e400,48.8,9.2,48.9"}, "bbox"),
    (AREAS, {"bbox": "-1e300,-1e300,1e300,1e300", "srid": "25832"}, "bbox"),
    (AREAS, {"bbox": ",,,"}, "bbox"),
    # level
    (AREAS, {"level": "district"}, "level"),
    (AREAS, {"level": "Quartier"}, "level"),
    (AREAS, {"level": "3"}, "level"),
    # srid
    (AREAS, {"srid": "12"}, "srid"),
    (AREAS, {"srid": "900913"}, "srid"),
    (AREAS, {"srid": "EPSG:abc"}, "srid"),
    (AREAS, {"srid": "4326.0"}, "srid"),
    (AREAS, {"srid": "-4326"}, "srid"),
    (AREAS, {"srid": "+proj=longlat +datum=WGS84"}, "srid"),
    (AREAS, {"srid": "/etc/passwd"}, "srid"),
    (AREAS, {"srid": "²"}, "srid"),
    (AREAS, {"srid": "9" * 5000}, "srid"),
    # paging and parent
    (AREAS, {"limit": "-1"}, "limit"),
    (AREAS, {"limit": "0"}, "limit"),
    (AREAS, {"limit": "1001"}, "limit"),
    (AREAS, {"limit": "ten"}, "limit"),
    (AREAS, {"limit": "1e3"}, "limit"),
    (AREAS, {"limit": "--5"}, "limit"),
    (AREAS, {"limit": "²"}, "limit"),
    (AREAS, {"limit": "9" * 5000}, "limit"),
    (AREAS, {"offset": "-5"}, "offset"),
    (AREAS, {"offset": "1e400"}, "offset"),
    (AREAS, {"parent": "abc"}, "parent"),
    (AREAS, {"parent": "0"}, "parent"),
    (AREAS, {"parent": "99999999999999999999999"}, "parent"),
    # locate
    (LOCATE, {}, "lon"),
    (LOCATE, {"lon": "9.19"}, "lat"),
    (LOCATE, {"lon": "200", "lat": "48.9"}, "lon"),
    (LOCATE, {"lon": "9.19", "lat": "91"}, "lat"),
    (LOCATE, {"lon": "east", "lat": "48.9"}, "lon"),
    (LOCATE, {"lon": "NaN", "lat": "48.9"}, "lon"),
    (LOCATE, {"lon": "9.19", "lat": "inf"}, "lat"),
    (LOCATE, {"lon": "1e400", "lat": "48.9"}, "lon"),
    (LOCATE, {"lon": "1e300", "lat": "48.9"}, "lon"),
    (LOCATE, {"x": "1e300", "y": "5416324", "srid": "25832"}, "x"),
    (LOCATE, {"x": "514335", "y": "-1e300", "srid": "25832"}, "y"),
    (LOCATE, {"x": "514335", "y": "nan", "srid": "25832"}, "y"),
    (LOCATE, {"x": "514335", "srid": "25832"}, "y"),
    (LOCATE, {"x": "514335", "y": "5416324", "srid": "12"}, "srid"),
    (LOCATE, {"x": "514335", "y": "5416324", "srid": "EPSG:abc"}, "srid"),
    (LOCATE, {"x": "200", "y": "48.9", "srid": "4326"}, "x"),
    # points PROJ cannot transform into the storage CRS
    (LOCATE, {"x": "1e8", "y": "1e8", "srid": "31467"}, "x"),
    (LOCATE, {"x": "1e8", "y": "-1e8", "srid": "25833"}, "x"),
    # one area
    (AREA, {"srid": "12"}, "srid"),
    (AREA, {"srid": "1e400"}, "srid"),
]


@pytest.fixture
def client() -> Client:
    # a 500 must show as a status here, not as an exception
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(("path", "params", "name"), CASES, ids=[f"{p} {q}"[:80] for p, q, _ in CASES])
def test_it_answers_400_naming_the_parameter(client, demo, path, params, name):
    url = path.format(id=demo["08118048"].id)

    response = client.get(url, params)

    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert name in body, body
    assert isinstance(body[name], list) and body[name][0]


def test_it_names_the_reason(client, demo):
    body = json.loads(client.get(AREAS, {"srid": "900913"}).content)

    assert body == {
        "srid": ["EPSG:900913 is not supported; use one of [3857, 4258, 4326, 25832, 25833, 31467]"]
    }


def test_it_answers_405_to_a_write_on_locate(client, demo):
    assert client.post(LOCATE, {"lon": "9.19", "lat": "48.9"}).status_code == 405
