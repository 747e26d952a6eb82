"""bench/sql/planning_generate.sql builds what bench/planning.py times: run small, in the test database."""

import pytest
from django.db import connection

import bench.planning
from bench.synth import build_tiling
from geo.sql import load
from measures.models import Measure, MeasureArea
from participation.models import Contribution, ContributionArea
from planning import priorities
from planning.models import FocusArea

pytestmark = pytest.mark.django_db


def test_it_generates_linked_contributions_measures_and_focus_areas():
    tiling = build_tiling(100)
    with connection.cursor() as cursor:
        cursor.execute(
            load(bench.planning.__file__, "planning_generate"), {"per_quartier": 5, "measures": 200}
        )
    assert Contribution.objects.count() == 500
    assert ContributionArea.objects.filter(level=3).count() == 500
    assert ContributionArea.objects.filter(level=2).count() == 500
    assert Measure.objects.count() == 200 and FocusArea.objects.count() == 10
    bench.planning.measure_links_refresh()
    bench.planning.focus_area_links_refresh()
    assert MeasureArea.objects.filter(level=3).exists()
    rows = priorities.priorities(city=2)["results"]
    assert len(rows) == 4 * 100 and tiling.cities == 1
    assert sum(r["components"]["demand"]["contributions"] for r in rows if r["dimension"] == "all") > 300
