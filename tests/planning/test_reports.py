"""planning.reports shapes the profile for the page: the budget chart's series and the rows' labels."""

import datetime as dt

from django.utils.translation import override

from planning import reports
from planning.reports import Profile
from quartiere.models import Area

BUDGET = [
    {"year": 2027, "dimension": "green", "amount": "100.50"},
    {"year": 2026, "dimension": "green", "amount": "10"},
    {"year": 2026, "dimension": "none", "amount": "5"},
    {"year": 2027, "dimension": "green", "amount": "0.50"},
]


def test_the_chart_has_a_series_per_dimension_with_money_summed_per_year():
    with override("en"):
        chart = reports.profile_budget_chart(BUDGET, reports.profile_dimension_labels())

    assert chart["years"] == [2026, 2027]
    assert [(s["key"], s["label"], s["values"]) for s in chart["series"]] == [
        ("green", "green", [10.0, 101.0]),
        ("none", "no dimension", [5.0, 0]),
    ]
    assert chart["currency"] == "EUR"
    assert chart["title"] == "Budget per fiscal year by dimension (EUR, the Quartier's share)"


def test_the_chart_of_a_quartier_without_budget_is_empty():
    chart = reports.profile_budget_chart([], reports.profile_dimension_labels())
    assert chart["years"] == [] and chart["series"] == []


def test_the_chart_speaks_the_page_language():
    with override("de"):
        chart = reports.profile_budget_chart(BUDGET, reports.profile_dimension_labels())
    assert chart["series"][1]["label"] == "ohne Dimension"
    assert chart["title"].startswith("Budget je Haushaltsjahr")


def test_the_rows_get_their_labels_and_the_dates_become_dates():
    profile = Profile(
        quartier=Area(name="Mitte"),
        indicators={},
        measures=[{"status": "planned", "dimensions": ["green", "just"]}],
        budget_by_year=[],
        contributions_by_category=[{"category": "idea"}],
        responses=[{"outcome": "done", "category": "problem", "date": "2026-10-07"}],
        priorities=[{"dimension": "all"}, {"dimension": "green"}],
    )
    with override("en"):  # choices' labels are lazy: the page renders them in its language
        reports.profile_label(profile, reports.profile_dimension_labels())

        assert profile.measures[0]["status_label"] == "planned"
        assert profile.measures[0]["dimension_labels"] == "green, just"
        assert profile.contributions_by_category[0]["label"] == "idea"
        response = profile.responses[0]
        assert (response["outcome_label"], response["category_label"]) == ("already done", "problem")
        assert response["date"] == dt.date(2026, 10, 7)
        assert [row["dimension_label"] for row in profile.priorities] == ["overall", "green"]
