"""The benchmarks' generator builds a valid tiling, and ``--write`` keeps other modules' sections.

Runs in pytest's test database (``db`` fixture, rolled back), never in the benchmark database.
"""

import pytest

from bench.report import write_section
from bench.synth import SEGMENTS_PER_EDGE, Tiling, build_tiling
from quartiere import selectors
from quartiere.models import Area, Level
from tests.conftest import sql_row, sql_value


@pytest.mark.parametrize("n", [50, 250])
def test_it_tiles_without_gaps_or_overlaps(db, n):
    build_tiling(n)

    total, union = sql_row(
        "SELECT sum(ST_Area(geom)), ST_Area(ST_Union(geom)) FROM quartiere_area WHERE level = %s",
        [Level.QUARTIER],
    )
    assert abs(total - union) <= 0.001 * union
    # the region is the union of all, each city the union of its Quartiere
    region_area = sql_value("SELECT ST_Area(geom) FROM quartiere_area WHERE level = %s", [Level.REGION])
    assert region_area == pytest.approx(union, rel=1e-6)
    assert selectors.areas_sticking_out(tolerance=0.0001) == []
    worst_city = sql_value(
        """
        SELECT max(ST_Area(ST_SymDifference(c.geom, u.geom)) / ST_Area(c.geom))
        FROM quartiere_area AS c
        JOIN (
            SELECT parent_id, ST_Union(geom) AS geom FROM quartiere_area WHERE level = %s GROUP BY parent_id
        ) AS u ON u.parent_id = c.id
        """,
        [Level.QUARTIER],
    )
    assert worst_city < 1e-6


@pytest.mark.parametrize("n", [50, 250])
def test_it_builds_the_hierarchy_with_valid_quartier_like_polygons(db, n):
    tiling = build_tiling(n)

    assert Area.objects.count() == tiling.total
    assert Area.objects.filter(level=Level.REGION).count() == 1
    assert Area.objects.filter(level=Level.CITY).count() == tiling.cities
    quartiere = Area.objects.filter(level=Level.QUARTIER)
    assert quartiere.count() == n
    assert not quartiere.exclude(parent__level=Level.CITY).exists()
    assert quartiere.order_by("id").first().id == tiling.first_quartier_id
    assert sql_value("SELECT bool_and(ST_IsValid(geom)) FROM quartiere_area")
    assert sql_value("SELECT min(ST_SRID(geom)) = max(ST_SRID(geom)) FROM quartiere_area") is True
    vertices, smallest, largest = sql_row(
        "SELECT max(ST_NPoints(geom)), min(ST_Area(geom)), max(ST_Area(geom)) FROM quartiere_area "
        "WHERE level = %s",
        [Level.QUARTIER],
    )
    assert vertices == 4 * SEGMENTS_PER_EDGE + 1  # closed ring: 28 vertices
    assert 0.3e6 < smallest < largest < 1.0e6  # m²


def test_it_is_deterministic(db):
    build_tiling(30)
    first = sql_value("SELECT md5(string_agg(ST_AsEWKB(geom)::text, ',' ORDER BY id)) FROM quartiere_area")
    build_tiling(30)
    again = sql_value("SELECT md5(string_agg(ST_AsEWKB(geom)::text, ',' ORDER BY id)) FROM quartiere_area")
    assert first == again


def test_it_counts_cities_of_partial_blocks():
    assert Tiling.for_n(100).cities == 1
    assert Tiling.for_n(10_000).cities == 100
    # 317 columns × 316 rows: 32 block-rows of 32 blocks (the first row of each block-row is full)
    assert Tiling.for_n(100_000).cities == 32 * 32


def test_write_keeps_the_sections_of_other_modules(tmp_path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text(
        "# Benchmarks\n\nintro\n\n<!-- bench:areas -->\nold\n<!-- /bench:areas -->\n\nnotes\n\n"
        "<!-- bench:measures -->\nmeasures table\n<!-- /bench:measures -->\n"
    )

    write_section("areas", "new", path=docs)
    write_section("maps", "maps table", path=docs)

    text = docs.read_text()
    assert "<!-- bench:areas -->\nnew\n<!-- /bench:areas -->" in text
    assert "old" not in text
    assert "intro" in text and "notes" in text
    assert "<!-- bench:measures -->\nmeasures table\n<!-- /bench:measures -->" in text
    assert text.rstrip().endswith("<!-- bench:maps -->\nmaps table\n<!-- /bench:maps -->")
