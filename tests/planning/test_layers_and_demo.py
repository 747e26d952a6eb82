"""The layers ``focus_areas`` and ``priorities`` in geo's registry: their sources run, return only
public rows and agree with the API; the demo's focus areas load idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from geo import layers
from planning import snapshot
from planning.models import FocusArea

pytestmark = pytest.mark.django_db


def rows(layer_id: str) -> list[dict]:
    layer = layers.get(layer_id)
    snapshot.refresh()  # as the writes of the fixture would have, once committed
    with connection.cursor() as cursor:
        # as the map services use it: wrapped as a subquery, filtered by bbox (here the whole world)
        cursor.execute(
            f"SELECT * FROM ({layer.source}) AS src WHERE ST_Intersects(src.geom, ST_MakeEnvelope("
            "0, 0, 1e7, 1e7, 25832))"
        )
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_both_layers_are_registered_with_valid_declarations():
    focus, priorities = layers.get("focus_areas"), layers.get("priorities")
    assert focus.geometry_type == "MultiPolygon" and "planning_focusarea" in focus.tables
    assert priorities.default_style.rules[0].upto == 0.2
    assert [r.colour for r in priorities.default_style.rules][-1] == "#7f2704"
    assert "%" not in priorities.source


def test_the_focus_areas_layer_has_only_published_rows_and_public_attributes(known):
    data = rows("focus_areas")
    assert sorted(r["name"] for r in data) == ["F1", "F3"]
    assert set(data[0]) == {"id", "geom", *layers.get("focus_areas").attributes}


def test_the_priorities_layer_agrees_with_the_api(known, api):
    data = {r["name"]: r for r in rows("priorities")}
    assert set(data) == {"Alpha", "Beta", "Quelle"}
    assert data["Alpha"]["score_green"] == pytest.approx(0.64, abs=1e-4)
    assert data["Alpha"]["gaps"] == "all,green,just,productive"
    assert data["Quelle"]["gaps"] == ""
    api_all = api.get(f"/api/priorities/?city={known['city'].pk}&dimension=all").json()["results"]
    by_name = {r["quartier"]["name"]: r for r in api_all}
    for name, row in data.items():
        assert row["score"] == pytest.approx(by_name[name]["score"], abs=1e-4)
        assert row["rank"] == by_name[name]["rank"]
    assert set(data["Alpha"]) == {"id", "geom", *layers.get("priorities").attributes}


def test_the_demo_adds_focus_areas_once(grid):
    call_command("load_demo", stdout=StringIO())
    first = FocusArea.objects.count()
    history = FocusArea.history.count()
    assert first >= 3
    assert all(f.published and "illustrativ" in f.name for f in FocusArea.objects.all())
    assert all(f.area_links.filter(level=3).exists() for f in FocusArea.objects.all())
    call_command("load_demo", stdout=StringIO())
    assert FocusArea.objects.count() == first and FocusArea.history.count() == history
