"""``/api/indicators/``: the catalogue, one indicator, the values with their filters and paging, and a
400 naming the parameter for a bad filter. Values of the demo (fixtures/ludwigsburg/indicators.csv)."""

import pytest

from tests.fixtures import body


def test_the_catalogue_lists_the_demo_indicators_with_their_years(demo, api):
    catalogue = body(api.get("/api/indicators/"))
    assert len(catalogue) == 10
    hitze = next(i for i in catalogue if i["key"] == "hitzetage")
    assert hitze["dimension"] == "green" and hitze["direction"] == "more_need"
    assert hitze["illustrative"] is True and hitze["source"] == "illustrativ – Demo-Daten"
    assert hitze["years"] == [2019, 2020, 2021, 2022, 2023, 2024]
    assert body(api.get("/api/indicators/beschaeftigte_je_1000/"))["direction"] == "less_need"
    assert api.get("/api/indicators/nope/").status_code == 404


def test_values_of_one_indicator_year_in_a_city(demo, api):
    answer = body(api.get("/api/indicators/values/?indicator=sgb2_quote&year=2019&city=ludwigsburg&limit=5"))
    assert answer["numberMatched"] == 13 and answer["numberReturned"] == 5
    first = answer["results"][0]
    # the first row of fixtures/ludwigsburg/indicators.csv: 08118048;2019;8,3;…
    assert first == {
        "indicator": "sgb2_quote",
        "area": demo["08118048"].pk,
        "area_code": "08118048",
        "area_name": "Ludwigsburg",
        "level": "city",
        "year": 2019,
        "value": 8.3,
        "quality": "measured",
        "note": "",
    }
    (link,) = answer["links"]
    assert link["rel"] == "next" and "offset=5" in link["href"]


def test_filters_by_area_code_level_range_and_dimension(demo, api):
    url = "/api/indicators/values/?indicator=ladenleerstand&area=08118048-12&year=2022..2024"
    answer = body(api.get(url))
    assert [(v["year"], v["value"]) for v in answer["results"]] == [
        (2022, 4.4),
        (2023, 4.3),
    ]  # the CSV: 4,4 · 4,3 · (none)
    by_id = body(api.get(f"/api/indicators/values/?area={demo['08118048-12'].pk}&indicator=ladenleerstand"))
    assert by_id["numberMatched"] == 5
    both = body(api.get("/api/indicators/values/?indicator=hitzetage,versiegelung&level=quartier&year=2024"))
    assert both["numberMatched"] == 24
    green = body(api.get("/api/indicators/values/?dimension=green&level=city&limit=1000"))
    assert green["numberMatched"] == 12 and {v["indicator"] for v in green["results"]} == {
        "hitzetage",
        "versiegelung",
    }


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("indicator=nope", "indicator"),
        ("area=nowhere", "area"),
        ("level=street", "level"),
        ("city=atlantis", "city"),
        ("year=20x4", "year"),
        ("year=2024..2019", "year"),
        ("dimension=blue", "dimension"),
        ("limit=5000", "limit"),
        ("offset=-1", "offset"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(demo, api, query, parameter):
    response = api.get(f"/api/indicators/values/?{query}")
    assert response.status_code == 400
    assert list(body(response)) == [parameter]
