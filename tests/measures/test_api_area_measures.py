"""``/api/areas/{id}/measures/``: the measures located in an area, and with ``include=inherited`` the
city- and region-wide ones from above, each marked ``located`` | ``city`` | ``region``."""

import pytest

from measures.models import Measure
from tests.fixtures import body, geom
from tests.measures.factories import MeasureFactory


def url(area) -> str:
    return f"/api/areas/{area.pk}/measures/"


def applies(response) -> dict[str, tuple[str, float]]:
    return {
        f["properties"]["title"]: (f["properties"]["applies"], f["properties"]["share"])
        for f in body(response)["features"]
    }


@pytest.fixture
def measures(grid) -> dict[str, Measure]:
    C = grid["C"]
    return {
        m.title: m
        for m in [
            MeasureFactory(title="Weg", city=C, geom=geom("LINESTRING(250 500, 1500 500)")),
            MeasureFactory(title="Bank in B", city=C, geom=geom("POINT(1500 500)")),
            MeasureFactory(title="Programm A", city=C, scope=grid["A"]),
            MeasureFactory(title="Stadtweit", city=C, scope=C),
            MeasureFactory(title="Regionsweit", city=C, scope=grid["R"]),
            MeasureFactory(title="Anderswo", city=grid["O"], geom=geom("POINT(3500 500)")),
            MeasureFactory(title="Andere Stadt", city=grid["O"], scope=grid["O"]),
            MeasureFactory(title="Entwurf", city=C, geom=geom("POINT(300 300)"), published=False),
        ]
    }


def test_it_returns_the_measures_located_in_a_quartier(api, grid, measures):
    response = api.get(url(grid["A"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert applies(response) == {"Weg": ("located", 0.6), "Programm A": ("located", 1)}


def test_it_adds_city_and_region_wide_measures_when_asked(api, grid, measures):
    response = api.get(url(grid["A"]), {"include": "inherited"})

    assert applies(response) == {
        "Weg": ("located", 0.6),
        "Programm A": ("located", 1),
        "Stadtweit": ("city", 1),
        "Regionsweit": ("region", 1),
    }
    # located first, then from the city, then from the region
    assert [f["properties"]["applies"] for f in body(response)["features"]][-2:] == ["city", "region"]


def test_a_city_holds_what_lies_in_its_quartiere_and_what_is_declared_for_it(api, grid, measures):
    assert applies(api.get(url(grid["C"]), {"include": "inherited"})) == {
        "Weg": ("located", 1),
        "Bank in B": ("located", 1),
        "Programm A": ("located", 1),
        "Stadtweit": ("located", 1),
        "Regionsweit": ("region", 1),
    }


def test_a_region_holds_everything_in_it(api, grid, measures):
    titles = set(applies(api.get(url(grid["R"]), {"include": "inherited"})))

    assert titles == {
        "Weg",
        "Bank in B",
        "Programm A",
        "Stadtweit",
        "Regionsweit",
        "Anderswo",
        "Andere Stadt",
    }


def test_another_citys_measures_are_not_inherited(api, grid, measures):
    assert applies(api.get(url(grid["D"]), {"include": "inherited"})) == {
        "Anderswo": ("located", 1),
        "Andere Stadt": ("city", 1),
        "Regionsweit": ("region", 1),
    }


def test_unpublished_measures_are_for_planners_only(api, planner_api, grid, measures):
    assert "Entwurf" not in applies(api.get(url(grid["A"])))
    assert applies(planner_api.get(url(grid["A"])))["Entwurf"] == ("located", 1)


def test_it_takes_the_list_filters(api, grid, measures):
    measures["Stadtweit"].dimensions = ["green"]
    measures["Stadtweit"].save()

    assert set(applies(api.get(url(grid["A"]), {"include": "inherited", "dimension": "green"}))) == {
        "Stadtweit"
    }


def test_it_answers_404_for_an_unknown_area_and_400_for_a_bad_include(api, grid):
    assert api.get("/api/areas/999999/measures/").status_code == 404
    assert api.get(f"/api/areas/{10**30}/measures/").status_code == 404
    response = api.get(url(grid["A"]), {"include": "everything"})
    assert response.status_code == 400
    assert "include" in body(response)
