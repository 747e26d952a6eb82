"""``/api/budget-lines/``: amounts per measure and fiscal year; public for published measures."""

import pytest

from measures import services
from measures.models import BudgetLine
from tests.fixtures import body, geom

URL = "/api/budget-lines/"


@pytest.fixture
def published(grid):
    return services.measure_create(city=grid["C"], title="Platz", geom=geom("POINT(300 300)"), published=True)


@pytest.fixture
def draft(grid):
    return services.measure_create(city=grid["C"], title="Entwurf", scope=grid["C"])


@pytest.fixture
def lines(published, draft) -> list[BudgetLine]:
    return [
        services.budget_line_create(
            measure=published, fiscal_year=2024, amount=1000, kind="investment", funding="grant"
        ),
        services.budget_line_create(measure=published, fiscal_year=2025, amount=500, kind="maintenance"),
        services.budget_line_create(measure=draft, fiscal_year=2024, amount=99, kind="operating"),
    ]


def amounts(response) -> list[str]:
    return [line["amount"] for line in body(response)["results"]]


def test_the_public_sees_the_lines_of_published_measures(api, lines):
    assert amounts(api.get(URL)) == ["1000.00", "500.00"]
    assert api.get(f"{URL}{lines[2].pk}/").status_code == 404


def test_planners_see_every_line(planner_api, lines):
    assert amounts(planner_api.get(URL)) == ["1000.00", "99.00", "500.00"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"fiscal_year": 2025}, ["500.00"]),
        ({"funding": "grant"}, ["1000.00"]),
        ({"kind": "maintenance"}, ["500.00"]),
    ],
)
def test_it_filters(api, lines, query, expected):
    assert amounts(api.get(URL, query)) == expected


def test_it_filters_by_measure(planner_api, lines, draft):
    assert amounts(planner_api.get(URL, {"measure": draft.pk})) == ["99.00"]


@pytest.mark.parametrize(
    "query", [{"measure": "x"}, {"fiscal_year": "zwanzig"}, {"kind": "bribe"}, {"measure": 10**30}]
)
def test_bad_filters_are_400(api, lines, query):
    assert api.get(URL, query).status_code == 400


def test_a_planner_adds_changes_and_deletes_a_line(planner_api, published):
    created = planner_api.post(
        URL,
        {"measure": published.pk, "fiscal_year": 2026, "amount": "250.50", "kind": "operating"},
        format="json",
    )
    assert created.status_code == 201, created.content
    line = body(created)
    assert (line["funding"], line["status"], line["version"]) == ("own", "planned", 1)
    line_url = f"{URL}{line['id']}/"

    changed = planner_api.patch(
        line_url, {"status": "approved"}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert (changed.status_code, body(changed)["status"], body(changed)["version"]) == (200, "approved", 2)

    assert planner_api.delete(line_url, HTTP_IF_MATCH=changed["ETag"]).status_code == 204
    assert not BudgetLine.objects.filter(pk=line["id"]).exists()


def test_others_may_not_write(api, citizen_api, published):
    payload = {"measure": published.pk, "fiscal_year": 2026, "amount": "1", "kind": "operating"}

    assert api.post(URL, payload, format="json").status_code in (401, 403)
    assert citizen_api.post(URL, payload, format="json").status_code == 403
    assert not BudgetLine.objects.exists()
