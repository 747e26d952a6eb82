"""``GET /api/budget/``: sums of published measures per area, year, dimension, action field, funding.

A hand-made data set with known sums (amounts in EUR, geometry in EPSG:25832):

| measure     | where                         | 2024                          | 2025                        |
| ----------- | ----------------------------- | ----------------------------- | --------------------------- |
| line        | 60 % in Quartier A, 40 % in B | 1000 investment grant         | 500 maintenance own (spent) |
| point       | in A                          | 200 operating own             | 300 investment complementary|
| city-wide   | scope: the city               | 400 maintenance own           | 100 operating grant         |
| region-wide | scope: the region             | 1000 investment complementary |                             |
| unpublished | in B                          | 99999 investment own          |                             |
| elsewhere   | in Quartier D, another city   | 7000 investment own           |                             |
"""

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.db import connection

from measures.budget import BudgetFilter, budget_summary
from measures.models import (
    ActionField,
    BudgetLine,
    MasterPlan,
    Measure,
    MeasureArea,
    StrategicGoal,
)
from measures.services import measure_links_refresh
from quartiere.models import Area, Level

SRID = 25832
X0, Y0 = 500_000, 5_400_000
URL = "/api/budget/"


@pytest.fixture
def get_json(api) -> Callable[..., tuple[int, Any]]:
    """GET a URL with query parameters; (status, parsed JSON body)."""

    def get(url: str, **params: Any) -> tuple[int, Any]:
        response = api.get(url, params)
        return response.status_code, json.loads(response.content)

    return get


def square(x: float, y: float, size: float) -> MultiPolygon:
    return MultiPolygon(
        Polygon(((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))), srid=SRID
    )


def link_all() -> None:
    """Compute the measure ↔ area links the way the service does."""
    measure_links_refresh()


@pytest.fixture
def world(db) -> dict:
    region = Area.objects.create(
        level=Level.REGION, code="R", name="Region", slug="region", geom=square(X0 - 5000, Y0 - 5000, 20000)
    )
    city = Area.objects.create(
        level=Level.CITY, code="C", name="Stadt", slug="stadt", parent=region, geom=square(X0, Y0, 2000)
    )
    other = Area.objects.create(
        level=Level.CITY,
        code="O",
        name="Andere",
        slug="andere",
        parent=region,
        geom=square(X0, Y0 + 3000, 1000),
    )
    a = Area.objects.create(
        level=Level.QUARTIER, code="C-A", name="Alpha", slug="alpha", parent=city, geom=square(X0, Y0, 1000)
    )
    b = Area.objects.create(
        level=Level.QUARTIER,
        code="C-B",
        name="Beta",
        slug="beta",
        parent=city,
        geom=square(X0 + 1000, Y0, 1000),
    )
    d = Area.objects.create(
        level=Level.QUARTIER,
        code="O-D",
        name="Delta",
        slug="delta",
        parent=other,
        geom=square(X0, Y0 + 3000, 1000),
    )
    f1 = ActionField.objects.create(name="Feld eins", slug="feld-eins", position=1)
    f2 = ActionField.objects.create(name="Feld zwei", slug="feld-zwei", position=2)
    goal = StrategicGoal.objects.create(action_field=f1, number=1, title="Ziel")
    plan = MasterPlan.objects.create(title="Plan")
    plan.action_fields.add(f2)

    def measure(title: str, lines: list[tuple], **fields) -> Measure:
        fields.setdefault("city", city)
        fields.setdefault("published", True)
        m = Measure.objects.create(title=title, **fields)
        for year, amount, kind, funding, *status in lines:
            BudgetLine.objects.create(
                measure=m,
                fiscal_year=year,
                amount=Decimal(amount),
                kind=kind,
                funding=funding,
                status=status[0] if status else "planned",
            )
        return m

    line = measure(
        "Linie",
        [(2024, 1000, "investment", "grant"), (2025, 500, "maintenance", "own", "spent")],
        geom=LineString((X0 + 400, Y0 + 500), (X0 + 1400, Y0 + 500), srid=SRID),
        dimensions=["green", "just"],
    )
    line.strategic_goals.add(goal)
    measure(
        "Punkt",
        [(2024, 200, "operating", "own"), (2025, 300, "investment", "complementary")],
        geom=Point(X0 + 300, Y0 + 300, srid=SRID),
        dimensions=["productive"],
        master_plan=plan,
    )
    citywide = measure(
        "Stadtweit",
        [(2024, 400, "maintenance", "own"), (2025, 100, "operating", "grant")],
        scope=city,
        dimensions=["just"],
    )
    citywide.strategic_goals.add(goal)
    measure("Regionsweit", [(2024, 1000, "investment", "complementary")], scope=region)
    measure(
        "Entwurf",
        [(2024, 99999, "investment", "own")],
        geom=Point(X0 + 1500, Y0 + 500, srid=SRID),
        published=False,
        dimensions=["green"],
    )
    measure(
        "Anderswo",
        [(2024, 7000, "investment", "own")],
        city=other,
        geom=Point(X0 + 500, Y0 + 3500, srid=SRID),
    )
    link_all()
    return {"region": region, "city": city, "other": other, "a": a, "b": b, "d": d, "f1": f1, "f2": f2}


def groups_by_key(body: dict) -> dict[str, dict]:
    return {group["key"]: group for group in body["groups"]}


def totals(body: dict) -> dict[str, str]:
    return {group["key"]: group["total"] for group in body["groups"]}


def test_it_sums_published_measures_of_the_city(world, get_json):
    status, body = get_json(URL, city=world["city"].id)
    assert status == 200
    assert body["currency"] == "EUR"
    assert body["groups"] == []
    total = body["total"]
    assert total["total"] == "3500.00"  # the unpublished 99999 and the other city's 7000 are not in it
    assert total["by_kind"] == {"investment": "2300.00", "maintenance": "900.00", "operating": "300.00"}
    assert total["by_funding"] == {"own": "1100.00", "grant": "1100.00", "complementary": "1300.00"}


def test_it_sums_every_city_without_a_city_filter(world, get_json):
    _, body = get_json(URL)
    assert body["total"]["total"] == "10500.00"


def test_it_splits_a_located_measure_by_its_share_and_keeps_wide_measures_apart(world, get_json):
    status, body = get_json(URL, city=world["city"].id, group_by="area")
    assert status == 200
    assert [g["key"] for g in body["groups"]] == ["Alpha", "Beta", "city-wide: Stadt", "region-wide: Region"]
    by_key = groups_by_key(body)
    alpha, beta = by_key["Alpha"], by_key["Beta"]
    # the line: 60 % of 1000 investment + 60 % of 500 maintenance, plus the point's 500
    assert alpha["total"] == "1400.00"
    assert alpha["by_kind"] == {"investment": "900.00", "maintenance": "300.00", "operating": "200.00"}
    assert alpha["by_funding"] == {"own": "500.00", "grant": "600.00", "complementary": "300.00"}
    assert (alpha["area"], alpha["level"], alpha["applies"]) == (world["a"].id, "quartier", "located")
    assert beta["total"] == "600.00"
    assert beta["by_kind"] == {"investment": "400.00", "maintenance": "200.00", "operating": "0.00"}
    city = by_key["city-wide: Stadt"]
    assert (city["total"], city["area"], city["level"], city["applies"]) == (
        "500.00",
        world["city"].id,
        "city",
        "city",
    )
    region = by_key["region-wide: Region"]
    assert (region["total"], region["level"], region["applies"]) == ("1000.00", "region", "region")
    assert sum(Decimal(g["total"]) for g in body["groups"]) == Decimal(body["total"]["total"])
    assert body["groups_overlap"] is False


def test_it_gives_the_part_outside_every_quartier_its_own_row(world, get_json):
    # 500 m of this 1000 m line lie in Beta, the rest in the city but in no Quartier
    m = Measure.objects.create(
        city=world["city"],
        title="Halb draußen",
        published=True,
        geom=LineString((X0 + 1500, Y0 + 1500), (X0 + 1500, Y0 + 500), srid=SRID),
    )
    BudgetLine.objects.create(measure=m, fiscal_year=2024, amount=Decimal("800"), kind="investment")
    link_all()
    _, body = get_json(URL, city=world["city"].id, group_by="area")
    by_key = groups_by_key(body)
    assert by_key["Beta"]["total"] == "1000.00"  # 600 + half of 800
    outside = by_key["outside the Quartiere"]
    assert (outside["total"], outside["area"], outside["level"], outside["applies"]) == (
        "400.00",
        None,
        None,
        "outside",
    )
    assert (
        sum(Decimal(g["total"]) for g in body["groups"])
        == Decimal("4300.00")
        == Decimal(body["total"]["total"])
    )


def test_a_located_measure_in_no_quartier_counts_as_outside(world, get_json):
    m = Measure.objects.create(
        city=world["city"],
        title="Im Niemandsland",
        published=True,
        geom=Point(X0 + 500, Y0 + 1500, srid=SRID),
    )
    BudgetLine.objects.create(measure=m, fiscal_year=2024, amount=Decimal("250"), kind="operating")
    link_all()
    _, body = get_json(URL, city=world["city"].id, group_by="area")
    assert groups_by_key(body)["outside the Quartiere"]["total"] == "250.00"
    assert body["total"]["total"] == "3750.00"


def test_thirds_add_up_to_the_total(world, get_json):
    # a line a third in Alpha and two thirds in Beta: 100.00 EUR do not split evenly into cents
    m = Measure.objects.create(
        city=world["city"],
        title="Drittel",
        published=True,
        geom=LineString((X0 + 700, Y0 + 200), (X0 + 1600, Y0 + 200), srid=SRID),
    )
    BudgetLine.objects.create(measure=m, fiscal_year=2030, amount=Decimal("100"), kind="investment")
    link_all()
    _, body = get_json(URL, city=world["city"].id, year=2030, group_by="area")
    assert totals(body) == {"Alpha": "33.33", "Beta": "66.67"}
    assert body["total"]["total"] == "100.00"


def test_it_sums_one_quartier_by_its_shares(world, get_json):
    _, body = get_json(URL, area=world["a"].id)
    assert body["total"]["total"] == "1400.00"
    _, body = get_json(URL, area=world["b"].id, group_by="year")
    assert totals(body) == {"2024": "400.00", "2025": "200.00"}
    _, body = get_json(URL, area=world["a"].id, group_by="area")
    assert totals(body) == {"Alpha": "1400.00"}


def test_it_groups_by_year_with_the_fairness_shares(world, get_json):
    _, body = get_json(URL, city=world["city"].id, group_by="year")
    by_year = groups_by_key(body)
    assert list(by_year) == ["2024", "2025"]
    y2024, y2025 = by_year["2024"], by_year["2025"]
    assert (y2024["total"], y2024["year"]) == ("2600.00", 2024)
    # maintenance / (maintenance + investment), (grant + complementary) / total
    assert y2024["maintenance_share"] == pytest.approx(400 / 2400, abs=1e-4)
    assert y2024["external_funding_share"] == pytest.approx(2000 / 2600, abs=1e-4)
    assert y2025["total"] == "900.00"
    assert y2025["maintenance_share"] == pytest.approx(500 / 800, abs=1e-4)
    assert y2025["external_funding_share"] == pytest.approx(400 / 900, abs=1e-4)
    assert body["total"]["maintenance_share"] == pytest.approx(900 / 3200, abs=1e-4)


def test_it_has_no_shares_without_a_denominator(world, get_json):
    _, body = get_json(URL, city=world["city"].id, year=2030)
    assert body["total"]["total"] == "0.00"
    assert body["total"]["maintenance_share"] is None
    assert body["total"]["external_funding_share"] is None


def test_it_counts_a_measure_fully_in_each_of_its_dimensions(world, get_json):
    _, body = get_json(URL, city=world["city"].id, group_by="dimension")
    assert totals(body) == {"just": "2000.00", "green": "1500.00", "productive": "500.00", "none": "1000.00"}
    assert body["groups_overlap"] is True
    assert body["total"]["total"] == "3500.00"  # the groups add up to more: the line is just and green


def test_it_groups_by_action_field_of_goals_and_master_plan(world, get_json):
    _, body = get_json(URL, city=world["city"].id, group_by="action_field")
    assert totals(body) == {"feld-eins": "2000.00", "feld-zwei": "500.00", "none": "1000.00"}
    eins = groups_by_key(body)["feld-eins"]
    assert (eins["label"], eins["action_field"]) == ("Feld eins", world["f1"].id)


def test_it_groups_by_funding_source(world, get_json):
    _, body = get_json(URL, city=world["city"].id, group_by="funding")
    assert totals(body) == {"own": "1100.00", "grant": "1100.00", "complementary": "1300.00"}
    assert groups_by_key(body)["grant"]["external_funding_share"] == 1.0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": 2025}, "900.00"),
        ({"dimension": "green"}, "1500.00"),
        ({"action_field": "feld-eins"}, "2000.00"),
        ({"action_field": "feld-zwei"}, "500.00"),
        ({"status": "spent"}, "500.00"),
        ({"year": 2024, "dimension": "just"}, "1400.00"),
    ],
)
def test_it_filters(world, get_json, query, expected):
    _, body = get_json(URL, city=world["city"].id, **query)
    assert body["total"]["total"] == expected


def test_it_filters_by_action_field_id(world, get_json):
    _, body = get_json(URL, city=world["city"].id, action_field=world["f1"].id)
    assert body["total"]["total"] == "2000.00"
    assert body["filters"]["action_field"] == world["f1"].id


def test_the_selector_matches_the_endpoint(world):
    summary = budget_summary(filters=BudgetFilter(city=world["city"].id), group_by="funding")
    assert summary["total"]["total"] == "3500.00"
    assert [g["key"] for g in summary["groups"]] == ["own", "grant", "complementary"]


def test_it_turns_jit_off_for_its_own_transaction_only(transactional_db):
    # (inside a caller's transaction SET LOCAL lasts until that one ends: harmless, jit off is the
    # recommended setting anyway)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        before = cursor.fetchone()[0]
        budget_summary(filters=BudgetFilter(), group_by="area")
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == before


def test_it_ignores_links_that_are_not_quartier_shares(world, get_json):
    # the line's links at city and region level must not add to its Quartier split
    assert MeasureArea.objects.filter(measure__title="Linie", level=Level.QUARTIER).count() == 2
    _, body = get_json(URL, city=world["city"].id, group_by="area")
    assert groups_by_key(body)["Alpha"]["total"] == "1400.00"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"city": "abc"}, "city"),
        ({"city": "0"}, "city"),
        ({"city": "99999999"}, "city"),
        ({"city": "1" * 30}, "city"),
        ({"area": "x"}, "area"),
        ({"area": "99999999"}, "area"),
        ({"year": "1999"}, "year"),
        ({"year": "2024.5"}, "year"),
        ({"year": "2101"}, "year"),
        ({"dimension": "blue"}, "dimension"),
        ({"action_field": "keins"}, "action_field"),
        ({"action_field": "9" * 25}, "action_field"),
        ({"action_field": "a b"}, "action_field"),
        ({"action_field": "x\x00"}, "action_field"),
        ({"status": "lost"}, "status"),
        ({"group_by": "quartier"}, "group_by"),
        ({"group_by": "area\x00"}, "group_by"),
    ],
)
def test_it_rejects_a_bad_parameter_by_name(world, get_json, query, name):
    status, body = get_json(URL, **query)
    assert status == 400
    assert list(body) == [name]


def test_it_rejects_a_city_as_area_and_a_quartier_of_another_city(world, get_json):
    status, body = get_json(URL, area=world["city"].id)
    assert (status, list(body)) == (400, ["area"])
    status, body = get_json(URL, city=world["city"].id, area=world["d"].id)
    assert (status, list(body)) == (400, ["area"])
    assert "does not belong" in body["area"][0]
    status, body = get_json(URL, city=world["a"].id)
    assert (status, list(body)) == (400, ["city"])


def test_it_is_in_the_openapi_schema(db, get_json):
    status, schema = get_json("/api/schema/", format="json")
    assert status == 200
    operation = schema["paths"]["/api/budget/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names >= {"city", "area", "year", "dimension", "action_field", "status", "group_by"}
    assert "200" in operation["responses"] and "400" in operation["responses"]
