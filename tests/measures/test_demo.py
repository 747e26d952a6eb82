"""The measures part of ``manage.py load_demo``: illustrative strategy, measures and budget lines."""

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from shapely.geometry import shape

from measures.models import (
    ActionField,
    BudgetLine,
    MasterPlan,
    Measure,
    MeasureArea,
    StrategicGoal,
)
from quartiere.models import Level

DEMO = Path(settings.BASE_DIR) / "fixtures" / "ludwigsburg"
MODELS = (ActionField, StrategicGoal, MasterPlan, Measure, BudgetLine, MeasureArea)


@pytest.fixture
def get_json(api) -> Callable[..., tuple[int, Any]]:
    """GET a URL with query parameters; (status, parsed JSON body)."""

    def get(url: str, **params: Any) -> tuple[int, Any]:
        response = api.get(url, params)
        return response.status_code, json.loads(response.content)

    return get


def counts() -> dict[str, int]:
    counted = {model.__name__: model.objects.count() for model in MODELS}
    counted.update(
        {f"history {model.__name__}": model.history.count() for model in MODELS if hasattr(model, "history")}
    )
    return counted


def fixture_features() -> list[dict]:
    return json.loads((DEMO / "measures.geojson").read_text(encoding="utf-8"))["features"]


def test_loading_twice_gives_the_same_rows(demo):
    first = counts()
    ids = sorted(Measure.objects.values_list("pk", flat=True))
    call_command("load_demo", stdout=StringIO())
    assert counts() == first  # not even a new history record
    assert sorted(Measure.objects.values_list("pk", flat=True)) == ids


def test_reloading_puts_a_changed_demo_measure_back_through_the_services(demo):
    measure = Measure.objects.get(title="Dorfplatz Poppenweiler")
    original = (
        measure.description,
        measure.dimensions,
        set(measure.budget_lines.values_list("amount", flat=True)),
    )
    Measure.objects.filter(pk=measure.pk).update(description="geändert", dimensions=["green"])
    first = measure.budget_lines.first()
    BudgetLine.objects.filter(pk=first.pk).update(amount=1)
    BudgetLine.objects.create(measure=measure, fiscal_year=2030, amount=5, kind="operating")
    call_command("load_demo", stdout=StringIO())
    measure.refresh_from_db()
    restored = (
        measure.description,
        measure.dimensions,
        set(measure.budget_lines.values_list("amount", flat=True)),
    )
    assert restored == original
    assert measure.version == 2  # measure_update bumped it
    assert measure.history.first().history_type == "~"
    assert not measure.budget_lines.filter(fiscal_year=2030).exists()


def test_each_measure_has_its_creation_record_with_its_goals(demo):
    measure = Measure.objects.get(title="Digitales Bürgerportal")
    (record,) = measure.history.all()
    assert record.history_type == "+"
    assert [g.strategicgoal.number for g in record.strategic_goals.all()] == [2]
    assert BudgetLine.history.filter(measure_id=measure.pk).count() == measure.budget_lines.count()


def test_it_has_about_forty_illustrative_measures(demo):
    measures = Measure.objects.filter(city=demo["08118048"])
    assert 35 <= measures.count() <= 45
    assert measures.count() == len(fixture_features())
    # and Kornwestheim's 3 and the region's own 4 (fixtures/kornwestheim, fixtures/regional)
    assert Measure.objects.count() == measures.count() + 3 + 4
    assert all("Illustrative" in m.description for m in measures)
    assert measures.filter(published=False).exists()  # planners' drafts are part of the demo too


def test_it_spreads_measures_over_every_quartier_and_the_wider_levels(demo):
    ludwigsburg = demo["08118048"]
    region = demo["VRS"]
    quartiere = {a.pk for a in ludwigsburg.children.all()}
    located = MeasureArea.objects.filter(level=Level.QUARTIER, kind="geometry", measure__city=ludwigsburg)
    assert set(located.values_list("area", flat=True)) == quartiere
    assert Measure.objects.filter(scope=ludwigsburg).count() >= 5
    assert Measure.objects.filter(scope=region).count() >= 3
    # several measures reach over Quartier boundaries and are split by share
    split = located.filter(share__lt=0.999).values("measure").distinct().count()
    assert split >= 4
    assert Measure.objects.exclude(city__in=[ludwigsburg, demo["08118046"], region]).count() == 0


def test_every_located_measure_is_linked_to_the_quartiere_it_was_drawn_in(demo):
    drawn = {f["properties"]["title"]: set(f["properties"]["quartiere"]) for f in fixture_features()}
    for measure in Measure.objects.filter(geom__isnull=False, city=demo["08118048"]):
        linked = set(
            MeasureArea.objects.filter(measure=measure, level=Level.QUARTIER).values_list(
                "area__name", flat=True
            )
        )
        assert linked == drawn[measure.title], measure.title
        assert measure.geom.srid == 25832
        shares = MeasureArea.objects.filter(measure=measure, level=Level.QUARTIER).values_list(
            "share", flat=True
        )
        assert sum(shares) == pytest.approx(1, abs=1e-6), measure.title
    for measure in Measure.objects.filter(scope__isnull=False):
        assert MeasureArea.objects.filter(measure=measure, area=measure.scope_id, kind="scope").exists()


def test_the_geometries_lie_inside_the_city():
    """The fixture itself, checked with shapely against the city's official outline."""
    official = DEMO.parent / "region-stuttgart" / "ludwigsburg_stadt.geojson"
    city = shape(json.loads(official.read_text())["features"][0]["geometry"])
    for feature in fixture_features():
        if feature["geometry"] is not None:
            geom = shape(feature["geometry"])
            assert geom.is_valid and city.contains(geom), feature["properties"]["title"]
        else:
            assert feature["properties"]["scope"]["level"] in ("city", "region")


def test_it_has_budget_lines_for_2022_to_2026(demo):
    years = set(BudgetLine.objects.values_list("fiscal_year", flat=True))
    assert years == {2022, 2023, 2024, 2025, 2026}
    assert set(BudgetLine.objects.values_list("kind", flat=True)) == {
        "investment",
        "maintenance",
        "operating",
    }
    assert set(BudgetLine.objects.values_list("funding", flat=True)) == {"own", "grant", "complementary"}
    assert set(BudgetLine.objects.values_list("status", flat=True)) == {"planned", "approved", "spent"}
    assert not Measure.objects.filter(budget_lines__isnull=True).exists()


def test_it_has_the_five_goals_of_the_learning_administration(demo):
    field = ActionField.objects.get(name="Leistungsfähige und lernende Verwaltung")
    goals = list(field.goals.order_by("number"))
    assert [(g.number, g.title) for g in goals] == [
        (1, "Zukunftsorientierte Verwaltungsentwicklung vorantreiben"),
        (2, "Dienstleistungsangebot optimieren"),
        (3, "Generationengerecht haushalten"),
        (4, "Nachhaltiges Verwaltungshandeln leben"),
        (5, "Menschen und Institutionen beteiligen"),
    ]
    assert "möglichst hohe Förder- und Komplementärmittel" in goals[2].text
    assert "Trialog" in goals[4].text
    assert field.description.startswith("Leitsatz: Wir als Stadtverwaltung Ludwigsburg")
    assert all(goal.measures.exists() for goal in goals)


def test_it_has_the_themes_of_the_presentation(demo):
    names = set(ActionField.objects.values_list("name", flat=True))
    assert {
        "Leistungsfähige und lernende Verwaltung",
        "Sozialer Zusammenhalt",
        "Klima, Mobilität und Umwelt",
        "Solidarisches Ludwigsburg",
    } <= names
    assert MasterPlan.objects.count() >= 3
    assert all("illustrativ" in plan.version for plan in MasterPlan.objects.all())
    assert all(plan.action_fields.exists() for plan in MasterPlan.objects.all())


def test_the_demo_budget_is_summed_by_the_budget_endpoint(demo, get_json):
    status, body = get_json("/api/budget/", city=demo["08118048"].id, group_by="area")
    assert status == 200
    keys = [g["key"] for g in body["groups"]]
    assert "city-wide: Ludwigsburg" in keys and "region-wide: Verband Region Stuttgart" in keys
    assert len([g for g in body["groups"] if g["level"] == "quartier"]) == 12
    assert "outside the Quartiere" not in keys  # every demo geometry lies inside the Quartiere
    _, years = get_json("/api/budget/", city=demo["08118048"].id, group_by="year")
    assert [g["year"] for g in years["groups"]] == [2022, 2023, 2024, 2025, 2026]
    assert all(0 < g["maintenance_share"] < 1 for g in years["groups"])
