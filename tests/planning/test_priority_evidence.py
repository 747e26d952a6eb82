"""The priority index on evidence (docs/priorities.md, "A worked example on evidence"): the hand-made
city of tests/planning/conftest.py with three indicators, checked against numbers worked out by hand;
missing values; the sensitivity of the ranks; the weights' syntax; the weighting services' rules."""

import pytest

from geo.errors import Conflict, Forbidden, ServiceError
from geo.permissions import PLANNERS
from indicators.models import Indicator, IndicatorValue
from planning import priorities as prio
from planning import weightings
from planning.models import Weighting
from staff.models import Membership
from tests.fixtures import body, user_in

pytestmark = pytest.mark.django_db

# key: dimension, direction, {year: (A, B, Q)}
INDICATORS = {
    "sgb": ("just", "more_need", {2022: (30, 20, 10), 2023: (10, 20, 30)}),
    "gruen": ("green", "less_need", {2024: (40, 10, 20)}),
    "hitze": ("green", "more_need", {2024: (5, 5, 15)}),
}
WEIGHTS = {"sgb": 2.0, "gruen": 1.0, "hitze": 1.0}


@pytest.fixture
def evidence(known):
    for key, (dimension, direction, years) in INDICATORS.items():
        indicator = Indicator.objects.create(
            key=key, name_de=key, name_en=key, unit="%", dimension=dimension, direction=direction
        )
        for year, values in years.items():
            for code, value in zip("ABQ", values, strict=True):
                IndicatorValue.objects.create(indicator=indicator, area=known[code], year=year, value=value)
    weighting = weightings.ensure_default(known["city"], indicators=WEIGHTS)
    return {**known, "weighting": weighting}


def rows(api, city, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = api.get(f"/api/priorities/?city={city.pk}&{query}")
    assert response.status_code == 200, response.content
    data = body(response)
    names = {"Alpha": "A", "Beta": "B", "Quelle": "Q"}
    return data, {(names[r["quartier"]["name"]], r["dimension"]): r for r in data["results"]}


def test_the_worked_example_by_hand(api, evidence):
    data, r = rows(api, evidence["city"])
    assert data["weighting"]["slug"] == "standard" and data["weighting"]["default"]
    assert data["weights"]["indicator_weights"] == WEIGHTS
    # green: gruen (less need) 40, 10, 20 → 1 − (x − 10)/30 = 0, 1, 2/3; hitze 5, 5, 15 → 0, 0, 1
    a, b, q = r["A", "green"], r["B", "green"], r["Q", "green"]
    assert [v["normalised"] for v in q["components"]["indicators"]["values"]] == [0.6667, 1]
    assert [v["year"] for v in q["components"]["indicators"]["values"]] == [2024, 2024]
    # need = (1·n_gruen + 1·n_hitze) / 2
    assert a["components"]["indicators"]["need"] == 0
    assert b["components"]["indicators"]["need"] == 0.5
    assert q["components"]["indicators"]["need"] == pytest.approx(5 / 6, abs=1e-4)
    # score = (1·need + 0.5·D + 0.3·(1 − S) + 0.2·C) / 2, with D, S, C of the participation example
    assert a["score"] == pytest.approx((0 + 0.5 * 1 + 0.3 * (1 - 8 / 15) + 0) / 2, abs=1e-4)  # 0.32
    assert b["score"] == pytest.approx((0.5 + 0.5 * (0.25 / 1.75) + 0 + 0) / 2, abs=1e-4)  # 0.2857
    assert q["score"] == pytest.approx((5 / 6 + 0 + 0.3 + 0.2) / 2, abs=1e-4)  # 0.6667
    assert [q["rank"], a["rank"], b["rank"]] == [1, 2, 3]
    # just: sgb of 2023 (the latest year), more need: 0, 0.5, 1
    assert [r[c, "just"]["components"]["indicators"]["need"] for c in "ABQ"] == [0, 0.5, 1]
    # all: (2·sgb + gruen + hitze) / 4
    assert r["Q", "all"]["components"]["indicators"]["need"] == pytest.approx((2 + 2 / 3 + 1) / 4, abs=1e-4)
    assert r["B", "all"]["components"]["indicators"]["need"] == 0.5
    # productive has no weighted indicator: w_I falls back to 0, the score is the participation one
    p = r["A", "productive"]
    assert p["components"]["indicators"]["fallback"] is True
    assert p["components"]["indicators"]["weight"] == 0 and p["components"]["indicators"]["need"] is None
    _, plain = rows(api, evidence["city"], weights="indicators:0")
    assert p["score"] == plain["A", "productive"]["score"]
    assert all(row["missing"] == [] for row in r.values())


def test_a_year_takes_the_latest_values_up_to_it(api, evidence):
    _, r = rows(api, evidence["city"], year=2022, dimension="just")
    assert [r[c, "just"]["components"]["indicators"]["need"] for c in "ABQ"] == [1, 0.5, 0]
    # green has no values up to 2022: every Quartier misses both, none is ranked
    _, r = rows(api, evidence["city"], year=2022, dimension="green")
    assert all(r[c, "green"]["missing"] == ["gruen", "hitze"] for c in "ABQ")
    assert all(r[c, "green"]["score"] is None and r[c, "green"]["rank"] is None for c in "ABQ")


def test_a_missing_value_is_marked_not_ranked(api, evidence):
    IndicatorValue.objects.filter(indicator__key="hitze", area=evidence["Q"]).delete()
    # an older value does not stand in for the missing one of the latest year
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(key="hitze"), area=evidence["Q"], year=2023, value=99
    )
    _, r = rows(api, evidence["city"])
    for dimension in ("green", "all"):
        q = r["Q", dimension]
        assert q["missing"] == ["hitze"] and q["score"] is None and q["rank"] is None
    # the others are normalised among themselves: hitze 5, 5 → 0, 0
    assert r["A", "green"]["score"] == pytest.approx(0.32, abs=1e-4)
    assert [r["A", "green"]["rank"], r["B", "green"]["rank"]] == [1, 2]
    # just does not weigh hitze: Q keeps its score there
    assert r["Q", "just"]["missing"] == [] and r["Q", "just"]["rank"] is not None


def test_sensitivity_finds_the_pair_that_flips(api, evidence):
    _, r = rows(api, evidence["city"], dimension="green", sensitivity=1)
    q, a, b = r["Q", "green"]["sensitivity"], r["A", "green"]["sensitivity"], r["B", "green"]["sensitivity"]
    assert (q["best"], q["worst"], q["moved_by"]) == (1, 1, [])
    # by hand: demand × 0.8 → A (0.4 + 0.14)/1.9 = 0.284 < B (0.5 + 0.4/7)/1.9 = 0.293;
    # indicators × 1.2 → A 0.64/2.2 = 0.291 < B (0.6 + 0.0714)/2.2 = 0.305; no other variant flips them
    assert (a["best"], a["worst"]) == (2, 3) and (b["best"], b["worst"]) == (2, 3)
    assert a["moved_by"] == [
        {"weight": "demand", "change": -0.2, "rank": 3},
        {"weight": "indicators", "change": 0.2, "rank": 3},
    ]
    assert [(m["weight"], m["rank"]) for m in b["moved_by"]] == [("demand", 2), ("indicators", 2)]
    # without ?sensitivity=1 there is none
    _, r = rows(api, evidence["city"], dimension="green")
    assert r["A", "green"]["sensitivity"] is None


def test_an_indicator_weight_in_the_override_changes_the_ranking(api, evidence):
    # more weight on hitze: B's green need falls to (1 + 0)/(1 + 5) → A overtakes nobody, B drops
    _, r = rows(api, evidence["city"], dimension="green", weights="ind.hitze:5,ind.gruen:0")
    assert r["B", "green"]["components"]["indicators"]["need"] == 0
    assert [v["key"] for v in r["B", "green"]["components"]["indicators"]["values"]] == ["hitze"]
    assert r["Q", "green"]["rank"] == 1


@pytest.mark.parametrize(
    "query,name",
    [
        ("weights=ind.nope:1", "weights"),
        ("weights=ind.sgb:x", "weights"),
        ("weights=ind.sgb:1,ind.sgb:2", "weights"),
        ("weights=ind.SGB:1", "weights"),
        ("weights=indicators:0,demand:0,supply:0,coverage:0", "weights"),
        ("weighting=nope", "weighting"),
        ("weighting=%00", "weighting"),
        ("year=20x", "year"),
        ("sensitivity=yes", "sensitivity"),
    ],
)
def test_bad_parameters_are_400_naming_them(api, evidence, query, name):
    response = api.get(f"/api/priorities/?city={evidence['city'].pk}&{query}")
    assert response.status_code == 400
    assert name in body(response)


def test_parse_weights_takes_indicator_keys():
    weights = prio.parse_weights("ind.a:2,indicators:3", known_indicators={"a", "b"})
    assert weights.indicators == 3 and weights.indicator_weights == {"a": 2.0}
    assert ("ind.a", 0.8) in weights.variants() and ("indicators", 1.2) in weights.variants()


def test_a_named_weighting_is_used(api, evidence, planner):
    green = weightings.weighting_create(
        city=evidence["city"], user=planner, name="Nur Hitze", indicator_weights={"hitze": 1}, w_demand=0
    )
    data, r = rows(api, evidence["city"], dimension="green", weighting=green.slug)
    assert data["weighting"] == {"slug": "nur-hitze", "name": "Nur Hitze", "default": False}
    # need = hitze only: A 0, B 0, Q 1; score = (need + 0.3(1 − S) + 0.2 C) / 1.5
    assert r["Q", "green"]["score"] == pytest.approx((1 + 0.3 + 0.2) / 1.5, abs=1e-4)
    assert r["A", "green"]["score"] == pytest.approx(0.3 * 7 / 15 / 1.5, abs=1e-4)


def test_the_services_keep_the_rules(evidence, planner):
    city = evidence["city"]
    default = evidence["weighting"]
    with pytest.raises(Conflict):
        weightings.weighting_delete(weighting_id=default.pk, user=planner)
    copy = weightings.weighting_create(city=city, user=planner, name="Kopie", copy_from=default)
    assert weightings.weights_of(copy).indicator_weights == WEIGHTS
    with pytest.raises(ServiceError) as error:
        weightings.weighting_update(weighting_id=copy.pk, user=planner, w_demand="-1")
    assert error.value.field == "w_demand"
    with pytest.raises(ServiceError) as error:
        weightings.weighting_update(weighting_id=copy.pk, user=planner, indicator_weights={"nope": 1})
    assert error.value.field == "ind.nope"
    with pytest.raises(ServiceError) as error:
        weightings.weighting_create(city=city, user=planner, name="Kopie")
    assert error.value.field == "name"
    with pytest.raises(ServiceError):
        weightings.weighting_update(
            weighting_id=copy.pk,
            user=planner,
            w_indicators=1,
            w_demand=0,
            w_supply=0,
            w_coverage=0,
            indicator_weights={},
        )
    weightings.weighting_make_default(weighting_id=copy.pk, user=planner)
    assert list(Weighting.objects.filter(city=city, is_default=True)) == [copy]
    # another planner of the city may change a weighting, not delete one he did not create
    other = user_in("other", PLANNERS)
    mine = weightings.weighting_create(city=city, user=planner, name="Meine")
    weightings.weighting_update(weighting_id=mine.pk, user=other, description="x")
    with pytest.raises(Forbidden):
        weightings.weighting_delete(weighting_id=mine.pk, user=other)
    weightings.weighting_delete(weighting_id=mine.pk, user=planner)
    weightings.weighting_delete(weighting_id=default.pk, user=None)  # no longer the default
    assert list(Weighting.objects.filter(city=city)) == [copy]


def test_a_planner_of_another_city_cannot_edit(evidence):
    elsewhere = user_in("elsewhere", PLANNERS)
    Membership.objects.create(user=elsewhere, city=evidence["R"])
    with pytest.raises(Forbidden):
        weightings.weighting_update(weighting_id=evidence["weighting"].pk, user=elsewhere, w_demand=1)
    with pytest.raises(Forbidden):
        weightings.weighting_create(city=evidence["city"], user=elsewhere, name="X")
    citizen = user_in("citizen")
    with pytest.raises(Forbidden):
        weightings.weighting_make_default(weighting_id=evidence["weighting"].pk, user=citizen)


def test_the_snapshot_follows_the_default_weighting(evidence, planner, django_capture_on_commit_callbacks):
    from django.db import connection

    from planning import snapshot
    from planning.models import PrioritySnapshot

    connection.run_on_commit.clear()  # as if the fixture's writes had been committed
    snapshot.refresh()
    q = PrioritySnapshot.objects.get(quartier=evidence["Q"])
    assert q.score_green == pytest.approx(0.6667, abs=1e-4)  # the worked example's default weighting
    assert snapshot.refresh_if_stale() is False
    only_heat = weightings.weighting_create(
        city=evidence["city"], user=planner, name="Nur Hitze", indicator_weights={"hitze": 1}, w_demand=0
    )
    with django_capture_on_commit_callbacks(execute=True):
        weightings.weighting_make_default(weighting_id=only_heat.pk, user=planner)
    q.refresh_from_db()
    assert q.score_green == pytest.approx((1 + 0.3 + 0.2) / 1.5, abs=1e-4)
    # a changed indicator value makes the snapshot stale
    IndicatorValue.objects.filter(indicator__key="hitze", area=evidence["A"]).update(value=50)
    assert snapshot.refresh_if_stale() is True
    q.refresh_from_db()
    assert q.rank == 2


def test_the_report_and_the_profile_show_the_marks_and_the_rank_range(client, evidence):
    IndicatorValue.objects.filter(indicator__key="hitze", area=evidence["Q"]).delete()
    profile = client.get(f"/quartiere/{evidence['Q'].slug}/").content.decode()
    assert "kein Wert: es fehlen Werte für hitze" in profile and "Rangspanne (Gewichte ±20 %)" in profile
    report = client.get(f"/bericht/?stadt={evidence['city'].pk}").content.decode()
    assert "kein Wert: es fehlen Werte für hitze" in report
    assert "Bedarf (Indikatoren)" in report and "Gewichtung: Standard." in report
    # the weights as shares of their sum (2)
    assert (
        "Gewichte: Indikatoren (Evidenz) 50\xa0%, Bedarf 25\xa0%, Angebot 15\xa0%, Abdeckung 10\xa0%."
        in report
    )
    assert client.get(f"/bericht/?stadt={evidence['city'].pk}&gewichtung=nope").status_code == 404


def test_the_downloads_carry_the_missing_marks_and_the_rank_range(client, evidence, tmp_path):
    """The report's CSV and GeoJSON: a Quartier missing a value has no score and names the indicator;
    every row carries its rank range under ±20 % weights (A and B swap in green, see above)."""
    import csv
    import io
    import json

    IndicatorValue.objects.filter(indicator__key="sgb", area=evidence["Q"], year=2023).delete()
    text = client.get(f"/bericht/daten.csv?stadt={evidence['city'].pk}").content.decode()
    table = {(r["quartier"], r["dimension"]): r for r in csv.DictReader(io.StringIO(text))}
    q_just = table["Quelle", "just"]
    assert (q_just["missing"], q_just["score"], q_just["rank"]) == ("sgb", "", "")
    assert table["Quelle", "green"]["missing"] == ""
    a_green = table["Alpha", "green"]
    assert (a_green["rank_best"], a_green["rank_worst"]) == ("2", "3")
    assert float(a_green["need_indicators"]) >= 0

    collection = json.loads(client.get(f"/bericht/daten.geojson?stadt={evidence['city'].pk}").content)
    props = {f["properties"]["name"]: f["properties"] for f in collection["features"]}
    assert props["Quelle"]["missing"] == "sgb" and props["Quelle"]["rank_all"] is None
    assert (props["Alpha"]["rank_best_green"], props["Alpha"]["rank_worst_green"]) == (2, 3)
