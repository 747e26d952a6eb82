"""``GET /api/locate/``: the areas containing a point, one per level, region → city → quartier."""

import json

import pytest

from tests.geodesy import utm_from_lonlat

SCHLOSS = (9.1956, 48.8997)  # the Residenzschloss Ludwigsburg, lon/lat


def locate(api, **params) -> list[dict]:
    response = api.get("/api/locate/", params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)["areas"]


def test_it_finds_region_city_and_quartier_of_the_residenzschloss(api, demo):
    lon, lat = SCHLOSS

    areas = locate(api, lon=lon, lat=lat)

    assert [(a["level"], a["name"]) for a in areas] == [
        ("region", "Verband Region Stuttgart"),
        ("city", "Ludwigsburg"),
        ("quartier", "Mitte"),
    ]
    region, city, mitte = areas
    assert (region["parent"], city["parent"], mitte["parent"]) == (None, region["id"], city["id"])
    assert mitte == {
        "id": demo["08118048-01"].id,
        "level": "quartier",
        "code": "08118048-01",
        "name": "Mitte",
        "slug": "mitte",
        "parent": demo["08118048"].id,
        "population": 13000,
    }


def test_it_finds_the_same_from_utm_coordinates(api, demo):
    e, n = utm_from_lonlat(*SCHLOSS)

    by_utm = locate(api, x=f"{e:.2f}", y=f"{n:.2f}", srid="25832")

    assert [a["name"] for a in by_utm] == ["Verband Region Stuttgart", "Ludwigsburg", "Mitte"]
    assert by_utm == locate(api, lon=SCHLOSS[0], lat=SCHLOSS[1])


def test_it_takes_utm_as_the_default_srid_for_x_and_y(api, demo):
    e, n = utm_from_lonlat(*SCHLOSS)

    assert [a["name"] for a in locate(api, x=e, y=n)] == ["Verband Region Stuttgart", "Ludwigsburg", "Mitte"]


# the approximate centre points of DOMAIN.md the demo Quartiere were built around
CENTRES = {
    "Mitte": (9.1916, 48.8973),
    "Nord": (9.190, 48.905),
    "Ost": (9.212, 48.898),
    "Süd": (9.195, 48.883),
    "West": (9.170, 48.893),
    "Eglosheim": (9.1686, 48.9083),
    "Grünbühl-Sonnenberg": (9.217, 48.883),
    "Hoheneck": (9.2064, 48.9097),
    "Neckarweihingen": (9.2236, 48.9097),
    "Oßweil": (9.2311, 48.8917),
    "Pflugfelden": (9.1625, 48.8864),
    "Poppenweiler": (9.2672, 48.9086),
}


@pytest.mark.parametrize("name", CENTRES)
def test_it_finds_each_quartier_at_its_centre(api, demo, name):
    lon, lat = CENTRES[name]

    areas = locate(api, lon=lon, lat=lat)

    assert [(a["level"], a["name"]) for a in areas][1:] == [("city", "Ludwigsburg"), ("quartier", name)]


def test_it_finds_the_region_and_the_municipality_of_a_city_without_quartiere(api, demo):
    areas = locate(api, lon=9.18, lat=48.78)  # Stuttgart: one of the region's 179 cities, no Quartiere

    assert [(a["level"], a["name"]) for a in areas] == [
        ("region", "Verband Region Stuttgart"),
        ("city", "Stuttgart"),
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"lon": "13.4050", "lat": "52.5200"},  # Berlin
        {"lon": "-180", "lat": "-90"},
        {"x": "0", "y": "0", "srid": "25832"},
    ],
)
def test_it_returns_an_empty_list_for_a_point_outside(api, demo, params):
    assert locate(api, **params) == []
