"""The region benchmark's generator and its benchmark functions, run small in pytest's test database
(``db`` fixture, rolled back), never in the benchmark databases."""

import dataclasses

import pytest
from django.db import connection

from bench import region as bench_region
from bench.core import Context
from bench.region_synth import Region, generate
from measures.models import Measure, MeasureArea
from participation.models import Contribution, ContributionArea
from quartiere.models import Area, Level
from tests.conftest import sql_value

pytestmark = pytest.mark.django_db

# 60 cells of 600 m in blocks of 10 × 2: 4 cities of up to 20 Quartiere, 1,200 contributions, 600 measures
SMALL = dataclasses.replace(Region.sized(60, block_height=2), per_quartier=20)

# what the city owns (and the region), by part: ids, geometries and the values shown
CITY_ROWS = {
    "contributions": "SELECT string_agg(concat_ws(',', id, ST_AsEWKB(geom)::text, status, created_at), ';' "
    "ORDER BY id) FROM participation_contribution WHERE city_id = %(city)s",
    "measures": "SELECT string_agg(concat_ws(',', id, ST_AsEWKB(geom)::text, status, scope_id, published, "
    "dimensions), ';' ORDER BY id) FROM measures_measure WHERE city_id IN (%(city)s, %(region)s)",
    "budget lines": "SELECT string_agg(concat_ws(',', b.measure_id, b.fiscal_year, b.amount), ';' "
    "ORDER BY b.measure_id, b.fiscal_year) FROM measures_budgetline AS b "
    "JOIN measures_measure AS m ON m.id = b.measure_id WHERE m.city_id IN (%(city)s, %(region)s)",
    "links": "SELECT string_agg(concat_ws(',', l.measure_id, l.area_id, round(l.share::numeric, 6)), ';' "
    "ORDER BY l.measure_id, l.area_id) FROM measures_measurearea AS l "
    "JOIN quartiere_area AS a ON a.id = l.area_id WHERE a.id = %(city)s OR a.parent_id = %(city)s",
    "areas": "SELECT string_agg(concat_ws(',', a.id, a.slug, a.population, ST_AsEWKB(a.geom)::text), ';' "
    "ORDER BY a.id) FROM quartiere_area AS a WHERE a.id IN (%(city)s, %(region)s) OR a.parent_id = %(city)s",
}


def city_rows(city: int, region: int) -> dict[str, str]:
    return {
        name: sql_value(f"SELECT md5(({query}))", {"city": city, "region": region})
        for name, query in CITY_ROWS.items()
    }


def test_it_generates_the_region_and_one_city_with_the_same_rows():
    city = SMALL.central_city
    generate(SMALL)
    region_id = SMALL.tiling.region_id
    assert Area.objects.filter(level=Level.CITY).count() == SMALL.tiling.cities == 4
    assert Area.objects.get(pk=city).level == Level.CITY
    assert Contribution.objects.count() == 60 * 20
    assert set(Contribution.objects.values_list("status", flat=True)) == {
        "published",
        "pending",
        "rejected",
        "hidden",
    }
    assert ContributionArea.objects.count() == 3 * 60 * 20
    assert Measure.objects.count() == 600
    regional = Measure.objects.filter(city_id=region_id)
    assert 10 < regional.count() < 100
    kinds = set(
        sql_value(
            "SELECT array_agg(DISTINCT GeometryType(geom)) FROM measures_measure WHERE geom IS NOT NULL"
        )
    )
    assert {"POINT", "MULTIPOINT", "LINESTRING", "POLYGON"} <= kinds
    assert Measure.objects.filter(geom__isnull=True, scope__isnull=False).exists()
    # a city's measures stay in the city; the links come from the real linking service
    assert not sql_value(
        "SELECT count(*) FROM measures_measure AS m JOIN quartiere_area AS c ON c.id = m.city_id "
        "WHERE c.level = 2 AND m.geom IS NOT NULL AND NOT ST_Covers(ST_Buffer(c.geom, 0.01), m.geom)"
    )
    assert MeasureArea.objects.filter(level=3).exists()
    assert sql_value("SELECT count(*) FROM measures_budgetline") > 2 * 600
    everything = city_rows(city, region_id)

    generate(SMALL, only_city=city)

    assert list(Area.objects.filter(level=Level.CITY).values_list("id", flat=True)) == [city]
    assert Contribution.objects.exclude(city_id=city).count() == 0
    assert Contribution.objects.count() == 20 * Area.objects.filter(parent_id=city).count()
    assert regional.count() == Measure.objects.filter(city_id=region_id).count() > 10
    assert city_rows(city, region_id) == everything


def test_the_benchmark_functions_run_once():
    generate(SMALL)
    city = SMALL.central_city
    code = Area.objects.get(pk=city).code
    ctx = Context(quick=True)

    rows = bench_region.run_city_pages(ctx, SMALL.tiling.n, city, code, many=None, one=None, samples=1)

    names = {row.name for row in rows}
    assert {"city Quartier profile", "city report", "city api measures", "city api priorities"} <= names
    assert {"city ogc measures items", "city ogc contributions items"} <= names
    assert all(row.endpoint_ms > 0 and row.floor_ms > 0 and row.target == 1.2 for row in rows)
    assert all(row.note.startswith("same answer") for row in rows if row.name.startswith("city api"))
    # the summary runs once region.summary offers summary_sql(); until then it is skipped
    summary = bench_region.run_summary(ctx, SMALL.tiling.n, SMALL, samples=1)
    if bench_region.summary_statement(SMALL.tiling.region_id) is None:
        assert summary == []
    else:
        assert [row.name for row in summary] == ["region summary"]
    assert connection.settings_dict["NAME"].startswith("test_")
