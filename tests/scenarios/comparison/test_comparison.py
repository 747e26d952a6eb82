"""The comparison's figures on the hand-made case of conftest.py, every expected value worked out by
hand there and below (docs/scenarios.md, "Comparison", gives the same example)."""

from decimal import Decimal

import pytest

from planning.priorities import priorities
from scenarios.comparison import selectors
from scenarios.comparison.labels import labels

pytestmark = pytest.mark.django_db

K = Decimal(1000)


def _table(rows) -> dict[str, list[Decimal]]:
    return {row.key: row.amounts for row in rows}


def _compare(known, *others):
    return selectors.comparison(known["S"], [known[o] for o in others], labels())


def test_budget_per_fiscal_year_baseline_scenario_and_difference(known):
    c = _compare(known, "T")
    years = _table(c.years)
    # baseline: 2023 = 100k + 40k + 30k; 2024 = 50k + 60k + 20k
    # S: 2023 = 80k (M1 changed) + 40k; 2024 = 50k + 200k (P1);
    # 2025 = 10k (added) + 20k (M4 postponed) + 20k (P1)
    # T: the baseline and P2's 500k in 2024
    assert years == {
        "2023": [170 * K, 120 * K, 170 * K],
        "2024": [130 * K, 250 * K, 630 * K],
        "2025": [0, 50 * K, 0],
        "total": [300 * K, 420 * K, 800 * K],
    }
    differences = {row.key: row.differences for row in c.years}
    assert differences["2023"] == [None, -50 * K, 0]
    assert differences["2025"] == [None, 50 * K, 0]
    assert differences["total"] == [None, 120 * K, 500 * K]


def test_budget_per_dimension_funding_and_quartier(known):
    c = _compare(known)
    # just: M2 100k + M3 30k | S: M2 40k + 10k, P1 220k; green: M1 150k + M3 30k | S: M1 130k
    assert _table(c.dimensions) == {
        "just": [130 * K, 270 * K],
        "green": [180 * K, 130 * K],
        "productive": [20 * K, 20 * K],
    }
    assert [row.label for row in c.dimensions] == ["gerecht", "grün", "produktiv"]
    # own: 100k + 60k + 30k + 20k | S: 10k (added) + 20k (M4); grant: 50k | S: 80k + 50k + 200k
    assert _table(c.funding) == {
        "own": [210 * K, 30 * K],
        "grant": [50 * K, 330 * K],
        "complementary": [40 * K, 60 * K],
        "total": [300 * K, 420 * K],
    }
    # by share: A = M1 + ½ M2, B = ½ M2 (+ P1), Q = M3 (dropped in S), M4 is city-wide
    quartiere = {row.label: row.amounts for row in c.quartiere}
    assert quartiere == {
        "Alpha": [200 * K, 155 * K],
        "Beta": [50 * K, 245 * K],
        "Quelle": [30 * K, 0],
        "keinem Quartier zugeordnet (stadtweit)": [20 * K, 20 * K],
    }
    # the city-wide row comes last
    assert c.quartiere[-1].key == "outside"


def test_goal_3_maintenance_grants_and_complementary_funds(known):
    base, s = _compare(known).goal3
    # baseline: maintenance 50k + 30k of 300k; grants 50k; complementary 40k
    assert base.total == 300 * K and base.maintenance == 80 * K
    assert base.maintenance_share == pytest.approx(80 / 300)
    assert base.grant_share == pytest.approx(50 / 300)
    assert base.complementary_share == pytest.approx(40 / 300)
    assert base.grant_complementary_share == pytest.approx(90 / 300)
    # S: maintenance 50k (M1) + 10k (added to M2) + 20k (P1) of 420k; grants 330k; complementary 60k
    assert s.total == 420 * K and s.maintenance == 80 * K
    assert s.maintenance_share == pytest.approx(80 / 420)
    assert s.grant_share == pytest.approx(330 / 420)
    assert s.complementary_share == pytest.approx(60 / 420)
    assert s.grant_complementary_share == pytest.approx(390 / 420)
    # S's budget year 2023: baseline 170k (M1 100k, M2 40k complementary, M3 30k maintenance); S 120k
    # (M1 80k from grants, M2 40k complementary; M3's planned line dropped)
    assert (base.year_total, s.year_total) == (170 * K, 120 * K)
    assert base.year_maintenance_share == pytest.approx(30 / 170)
    assert s.year_maintenance_share == pytest.approx(0.0)
    assert base.year_grant_complementary_share == pytest.approx(40 / 170)
    assert s.year_grant_complementary_share == pytest.approx(1.0)


def test_the_gap_list_before_and_after(known):
    """Demand normalised: A 1, B 0.75, Q 0. Supply normalised = (measures + budget per inhabitant)/2,
    min-max within the city. 'all', baseline: B has 0.5 measures (budget 25 €/inh.) → supply
    (0 + 17.5/192.5)/2 = 0.0455, gap 0.7045; in S, B gains P1: 1.5 measures, 122.5 €/inh. →
    (0.5 + 122.5/155)/2 = 0.6452, size 0.1048 < 0.25: the gap closes. 'just': B 0.5441 → −0.25
    (closes); A loses M2's removed line: supply (0.6667 + 0.2041)/2 = 0.4354, size 0.5646 (opens).
    'green' B and 'productive' A and B keep theirs (nothing located in them either way)."""
    c = _compare(known)
    gaps = [(g.quartier, g.dimension, g.status, g.before, g.after) for g in c.gaps[known["S"].pk]]
    assert gaps == [
        ("Beta", "all", "closes", pytest.approx(0.7045, abs=2e-4), pytest.approx(0.1048, abs=2e-4)),
        ("Beta", "just", "closes", pytest.approx(0.5441, abs=2e-4), pytest.approx(-0.25, abs=2e-4)),
        ("Alpha", "just", "opens", pytest.approx(0.0, abs=2e-4), pytest.approx(0.5646, abs=2e-4)),
        ("Beta", "green", "remains", 0.75, 0.75),
        ("Alpha", "productive", "remains", 1.0, 1.0),
        ("Beta", "productive", "remains", 0.75, 0.75),
    ]


def test_the_index_counts_the_scenarios_measures_and_money(known):
    rows = {(r.quartier, r.dimension): r.cells for r in _compare(known).index}
    base, s = rows[("Beta", "all")]
    assert (base.measures, base.budget) == (0.5, 50_000)
    assert (s.measures, s.budget) == (1.5, 245_000)  # ½ M2 (25k after the removal, plus 10k added) + P1
    base, s = rows[("Quelle", "all")]
    assert (base.measures, s.measures, s.budget) == (1.0, 0.0, 0)  # M3 dropped


def test_a_scenario_without_changes_is_the_baseline(known):
    c = selectors.comparison(known["empty"], [], labels())
    for table in (c.years, c.dimensions, c.funding, c.quartiere):
        assert all(row.amounts[0] == row.amounts[1] and row.differences[1] == 0 for row in table)
    assert {g.status for g in c.gaps[known["empty"].pk]} == {"remains"}
    # the scenario's supply run through the index is the published one, row for row
    city = known["city"].pk
    published = priorities(city=city)["results"]
    own = priorities(city=city, supply=selectors.scenario_supply(known["empty"].pk))["results"]
    assert own == published


def test_what_changes(known):
    changes = [(ch.change, ch.title, ch.years, ch.lines) for ch in selectors.changes(known["S"].pk)]
    assert changes == [
        ("new", "P1", None, None),
        ("dropped", "M3", None, None),
        ("postponed", "M4", 1, None),
        ("budget", "M1", None, 1),
        ("budget", "M2", None, 2),
    ]
