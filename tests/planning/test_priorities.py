"""GET /api/priorities/ and sql/priorities.sql on the hand-made data set of tests/planning/conftest.py,
whose results are worked out by hand in docs/priorities.md."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.fixtures import body

pytestmark = pytest.mark.django_db


def get(api, city, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = api.get(f"/api/priorities/?city={city.pk}&{query}")
    assert response.status_code == 200, response.content
    return body(response)


def by_code(data, dimension):
    names = {"Alpha": "A", "Beta": "B", "Quelle": "Q"}
    return {names[r["quartier"]["name"]]: r for r in data["results"] if r["dimension"] == dimension}


def test_it_computes_each_component_of_the_green_dimension(api, known):
    rows = by_code(get(api, known["city"], dimension="green"), "green")
    a, b, q = rows["A"], rows["B"], rows["Q"]
    # demand: weighted published contributions per 1,000 inhabitants (the pending one is ignored)
    assert a["components"]["demand"]["contributions"] == 3
    assert a["components"]["demand"]["weighted_contributions"] == 2.25
    assert a["components"]["demand"]["per_1000"] == 2.25
    assert b["components"]["demand"]["per_1000"] == 0.75
    assert q["components"]["demand"]["per_1000"] == 0.5
    assert a["components"]["demand"]["normalised"] == 1
    assert b["components"]["demand"]["normalised"] == pytest.approx(0.25 / 1.75, abs=1e-4)
    assert q["components"]["demand"]["normalised"] == 0
    # supply: published green measures by share; the unpublished and the city-wide one don't count
    assert a["components"]["supply"]["measures"] == 0.5
    assert a["components"]["supply"]["budget_eur"] == 50_000
    assert b["components"]["supply"]["measures"] == 1.5
    assert b["components"]["supply"]["budget_eur"] == 250_000
    assert b["components"]["supply"]["budget_per_inhabitant"] == 125
    assert q["components"]["supply"]["measures"] == 0
    assert a["components"]["supply"]["measures_normalised"] == pytest.approx(2 / 3, abs=1e-4)
    assert a["components"]["supply"]["budget_normalised"] == pytest.approx(0.4, abs=1e-4)
    assert a["components"]["supply"]["normalised"] == pytest.approx(0.5333, abs=1e-4)
    assert b["components"]["supply"]["normalised"] == 1
    # coverage: F1 covers half of Q; F2 (unpublished) and F3 (just) don't count for green
    assert q["components"]["coverage"]["share"] == 0.5
    assert a["components"]["coverage"]["share"] == 0
    assert q["components"]["coverage"]["normalised"] == 1
    # score = (0.5 demand + 0.3 (1 - supply) + 0.2 coverage) / 1
    assert a["score"] == pytest.approx(0.64, abs=1e-4)
    assert b["score"] == pytest.approx(0.0714, abs=1e-4)
    assert q["score"] == pytest.approx(0.5, abs=1e-4)
    assert [a["rank"], q["rank"], b["rank"]] == [1, 2, 3]


def test_it_counts_every_published_measure_in_the_overall_dimension(api, known):
    rows = by_code(get(api, known["city"], dimension="all"), "all")
    assert rows["Q"]["components"]["supply"]["measures"] == 1
    assert rows["Q"]["components"]["supply"]["budget_per_inhabitant"] == 100
    assert rows["A"]["components"]["coverage"]["share"] == 1  # F3 (just) counts for 'all'


def test_it_returns_four_dimensions_without_a_filter(api, known):
    data = get(api, known["city"])
    assert {r["dimension"] for r in data["results"]} == {"all", "just", "green", "productive"}
    assert len(data["results"]) == 12
    assert data["weights"]["demand"] == 0.5


def test_it_lists_the_gap_with_its_numbers(api, known):
    data = get(api, known["city"], dimension="green")
    assert [(g["quartier"]["name"], g["dimension"]) for g in data["gaps"]] == [("Alpha", "green")]
    gap = data["gaps"][0]
    assert gap["components"]["demand"]["normalised"] == 1
    assert gap["components"]["supply"]["normalised"] == pytest.approx(0.5333, abs=1e-4)


def test_component_weights_change_the_ranking(api, known):
    rows = by_code(
        get(api, known["city"], dimension="green", weights="demand:0,supply:1,coverage:0"), "green"
    )
    assert [rows[k]["rank"] for k in "QAB"] == [1, 2, 3]
    assert rows["A"]["score"] == pytest.approx(0.4667, abs=1e-4)
    rows = by_code(
        get(api, known["city"], dimension="green", weights="demand:0,supply:0,coverage:1"), "green"
    )
    assert rows["Q"]["rank"] == 1 and rows["Q"]["score"] == 1


def test_category_weights_change_the_demand(api, known):
    data = get(api, known["city"], dimension="green", weights="problem:0,praise:0")
    rows = by_code(data, "green")
    assert rows["A"]["components"]["demand"]["per_1000"] == 0
    assert rows["B"]["components"]["demand"]["normalised"] == 1
    assert data["weights"]["categories"]["problem"] == 0
    assert rows["B"]["rank"] < rows["A"]["rank"]


@pytest.mark.parametrize(
    "weights",
    [
        "demand:x",
        "demand:-1",
        "demand:nan",
        "demand:1e400",
        "demand:1,demand:2",
        "foo:1",
        "demand:0,supply:0,coverage:0",
        "demand",
        "demand:5000",
        ",",
        "a" * 500,
    ],
)
def test_it_rejects_bad_weights_naming_the_parameter(api, known, weights):
    response = api.get(f"/api/priorities/?city={known['city'].pk}&weights={weights}")
    assert response.status_code == 400
    assert "weights" in body(response)


@pytest.mark.parametrize("query", ["", "city=", "city=999999", "city=abc", "city=1&dimension=blue"])
def test_it_rejects_bad_parameters(api, known, query):
    response = api.get(f"/api/priorities/?{query}")
    assert response.status_code == 400


def test_a_quartier_without_inhabitants_has_no_score(api, known):
    known["Q"].population = None
    known["Q"].save()
    rows = by_code(get(api, known["city"], dimension="green"), "green")
    assert rows["Q"]["score"] is None and rows["Q"]["rank"] is None
    assert rows["Q"]["components"]["coverage"]["share"] == 0.5


def test_it_runs_one_statement(api, known):
    with CaptureQueriesContext(connection) as ctx:
        get(api, known["city"])
    priorities = [q for q in ctx.captured_queries if "participation_contributionarea" in q["sql"]]
    assert len(priorities) == 1
    # the other statements resolve the city parameter and its default weighting (none here)
    assert len(ctx.captured_queries) == 3


def test_the_city_may_be_given_by_slug(api, known):
    response = api.get(f"/api/priorities/?city={known['city'].slug}&dimension=just")
    assert response.status_code == 200
    assert body(response)["city"]["id"] == known["city"].pk


def test_a_stopped_measure_is_no_planned_supply(api, known):
    """A published measure that was stopped (e.g. dropped by an adopted scenario) stays public but no
    longer supplies its Quartier: a stopped green measure with 5 M EUR in Q changes none of Q's numbers."""
    from tests.fixtures import square
    from tests.planning.conftest import measure

    before = by_code(get(api, known["city"], dimension="green"), "green")["Q"]
    stopped = measure(known["city"], "M6", square(2100, 100, 2400, 400), ["green"], 5_000_000)
    stopped.status = "stopped"
    stopped.save(update_fields=["status"])
    after = by_code(get(api, known["city"], dimension="green"), "green")["Q"]
    assert after["components"]["supply"] == before["components"]["supply"]
    assert after["components"]["supply"]["measures"] == 0
    assert after["score"] == before["score"]
