"""Linking measures to the areas they touch at every level (quartiere.linking, docs/linking.md).

On the grid of tests/measures/conftest.py: Quartiere A and B (1000 m × 1000 m) in city C, D in city O,
all in region R; coordinates in EPSG:25832 relative to (X0, Y0).
"""

import pytest
from django.contrib.gis.geos import GEOSGeometry

from measures import services
from measures.models import Measure, MeasureArea
from tests.fixtures import SRID, geom
from tests.measures.conftest import import_quartiere
from tests.measures.factories import MeasureFactory


def links(measure: Measure) -> dict[str, tuple[str, float]]:
    """{area code: (kind, share)} of the measure's links."""
    rows = MeasureArea.objects.filter(measure=measure).select_related("area")
    return {link.area.code: (link.kind, round(link.share, 9)) for link in rows}


def located(grid, wkt: str, **fields) -> Measure:
    return services.measure_create(city=grid["C"], title="M", geom=geom(wkt), **fields)


def test_it_splits_a_line_crossing_two_quartiere_by_length(grid):
    # 750 m in A, 500 m in B
    measure = located(grid, "LINESTRING(250 500, 1500 500)")

    assert links(measure) == {
        "A": ("geometry", 0.6),
        "B": ("geometry", 0.4),
        "C": ("geometry", 1.0),
        "R": ("geometry", 1.0),
    }


def test_it_gives_each_level_its_level(grid):
    measure = located(grid, "LINESTRING(250 500, 1500 500)")

    levels = dict(MeasureArea.objects.filter(measure=measure).values_list("area__code", "level"))

    assert levels == {"R": 1, "C": 2, "A": 3, "B": 3}


def test_it_splits_a_polygon_by_area(grid):
    # 200 × 100 m: 150 m wide in A, 50 m in B
    measure = located(grid, "POLYGON((850 400, 1050 400, 1050 500, 850 500, 850 400))")

    assert links(measure) == {
        "A": ("geometry", 0.75),
        "B": ("geometry", 0.25),
        "C": ("geometry", 1.0),
        "R": ("geometry", 1.0),
    }


def test_it_links_a_point_with_share_one(grid):
    measure = located(grid, "POINT(300 300)")

    assert links(measure) == {"A": ("geometry", 1.0), "C": ("geometry", 1.0), "R": ("geometry", 1.0)}


def test_it_halves_a_point_on_a_shared_boundary(grid):
    measure = located(grid, "POINT(1000 500)")

    assert links(measure) == {
        "A": ("geometry", 0.5),
        "B": ("geometry", 0.5),
        "C": ("geometry", 1.0),
        "R": ("geometry", 1.0),
    }


def test_it_counts_the_points_of_a_multipoint(grid):
    measure = located(grid, "MULTIPOINT((100 100), (200 200), (300 300), (1500 500))")

    assert links(measure)["A"] == ("geometry", 0.75)
    assert links(measure)["B"] == ("geometry", 0.25)


def test_it_measures_a_mixed_collection_by_its_highest_dimension(grid):
    # the polygon lies in B; the point in A adds nothing
    measure = MeasureFactory(
        city=grid["C"],
        geom=geom(
            "GEOMETRYCOLLECTION(POINT(100 100), POLYGON((1100 100, 1200 100, 1200 200, 1100 200, 1100 100)))"
        ),
    )

    assert links(measure) == {"B": ("geometry", 1.0), "C": ("geometry", 1.0), "R": ("geometry", 1.0)}


def test_it_does_not_attribute_the_part_outside_every_area(grid):
    # 500 m in B, 500 m in the region outside any city
    measure = located(grid, "LINESTRING(1500 500, 2500 500)")

    assert links(measure) == {"B": ("geometry", 0.5), "C": ("geometry", 0.5), "R": ("geometry", 0.5)}


def test_it_links_a_city_scope_to_the_city_and_its_region(grid):
    measure = services.measure_create(city=grid["C"], title="Stadtweit", scope=grid["C"])

    assert links(measure) == {"C": ("scope", 1.0), "R": ("enclosing", 1.0)}


def test_it_links_a_quartier_scope_to_it_and_the_areas_above(grid):
    measure = services.measure_create(city=grid["C"], title="Quartiersprogramm", scope=grid["B"])

    assert links(measure) == {"B": ("scope", 1.0), "C": ("enclosing", 1.0), "R": ("enclosing", 1.0)}


def test_it_links_a_region_scope_to_the_region_only(grid):
    measure = services.measure_create(city=grid["C"], title="Regionsweit", scope=grid["R"])

    assert links(measure) == {"R": ("scope", 1.0)}


def test_it_relinks_when_the_geometry_changes(grid):
    measure = located(grid, "POINT(300 300)")

    services.measure_update(
        measure_id=measure.pk, expected_versions=None, geom=geom("LINESTRING(1200 500, 1400 500)")
    )

    assert links(measure) == {"B": ("geometry", 1.0), "C": ("geometry", 1.0), "R": ("geometry", 1.0)}


def test_it_relinks_when_the_scope_changes(grid):
    measure = services.measure_create(city=grid["C"], title="Programm", scope=grid["A"])

    services.measure_update(measure_id=measure.pk, expected_versions=None, scope=grid["C"])

    assert links(measure) == {"C": ("scope", 1.0), "R": ("enclosing", 1.0)}


def test_it_relinks_when_a_scope_becomes_a_geometry(grid):
    measure = services.measure_create(city=grid["C"], title="Programm", scope=grid["C"])

    services.measure_update(
        measure_id=measure.pk, expected_versions=None, scope=None, geom=geom("POINT(1500 500)")
    )

    assert links(measure) == {"B": ("geometry", 1.0), "C": ("geometry", 1.0), "R": ("geometry", 1.0)}


def test_it_leaves_links_alone_when_the_place_stays(grid, django_assert_num_queries):
    measure = located(grid, "POINT(300 300)")
    before = list(MeasureArea.objects.filter(measure=measure).values_list("id", flat=True))

    services.measure_update(measure_id=measure.pk, expected_versions=None, title="Neuer Titel")

    assert sorted(MeasureArea.objects.filter(measure=measure).values_list("id", flat=True)) == sorted(before)


def test_it_deletes_the_links_with_the_measure(grid):
    measure = located(grid, "LINESTRING(250 500, 1500 500)")
    other = located(grid, "POINT(300 300)")

    services.measure_delete(measure_id=measure.pk, expected_versions=None)

    assert not MeasureArea.objects.filter(measure_id=measure.pk).exists()
    assert links(other) == {"A": ("geometry", 1.0), "C": ("geometry", 1.0), "R": ("geometry", 1.0)}


def test_it_relinks_when_a_reimport_moves_a_boundary(grid):
    line = located(grid, "LINESTRING(250 500, 1500 500)")
    point = located(grid, "POINT(1100 500)")  # in B now, in A after the move
    far = located(grid, "POINT(3500 500)")  # in D, untouched

    import_quartiere(boundary=1200)

    # A now has 950 m of the 1250 m line, B 300 m
    assert links(line) == {
        "A": ("geometry", 0.76),
        "B": ("geometry", 0.24),
        "C": ("geometry", 1.0),
        "R": ("geometry", 1.0),
    }
    assert links(point) == {"A": ("geometry", 1.0), "C": ("geometry", 1.0), "R": ("geometry", 1.0)}
    assert links(far)["D"] == ("geometry", 1.0)


def test_it_relinks_only_what_the_changed_areas_touch(grid, django_assert_max_num_queries):
    located(grid, "POINT(3500 500)")
    with django_assert_max_num_queries(60):
        import_quartiere(boundary=1200)
    # D did not change, so its measure kept its link rows
    assert MeasureArea.objects.filter(area__code="D").count() == 1


def test_it_refreshes_all_measures_in_one_statement(grid, django_assert_num_queries):
    for x in range(100, 2000, 100):
        MeasureFactory(city=grid["C"], geom=geom(f"POINT({x} 500)"))
    MeasureArea.objects.all().delete()

    # a savepoint, the DELETE and the INSERT … SELECT, whatever the number of measures
    with django_assert_num_queries(4):
        written = services.measure_links_refresh()

    assert written == MeasureArea.objects.count() == 19 * 3 + 1  # the point at x = 1000 lies in A and B


@pytest.mark.parametrize("ids", [[], None])
def test_it_returns_the_number_of_link_rows(grid, ids):
    MeasureFactory(city=grid["C"], geom=geom("POINT(300 300)"))

    assert services.measure_links_refresh(measure_ids=ids) == (0 if ids == [] else 3)


def test_the_shares_of_every_level_sum_to_one_for_a_measure_inside_the_city(grid):
    measure = located(grid, "POLYGON((100 100, 1900 100, 1900 900, 100 900, 100 100))")

    shares = MeasureArea.objects.filter(measure=measure, level=3).values_list("share", flat=True)

    assert sum(shares) == pytest.approx(1)
    assert links(measure)["C"] == ("geometry", 1.0)


def test_it_works_on_the_ludwigsburg_demo(areas):
    mitte = areas["Mitte"]
    schloss = GEOSGeometry("POINT(9.1956 48.8997)", srid=4326)
    schloss.transform(SRID)

    measure = services.measure_create(city=areas["Ludwigsburg"], title="Schlossplatz", geom=schloss)

    assert links(measure) == {
        mitte.code: ("geometry", 1.0),
        "08118048": ("geometry", 1.0),
        "VRS": ("geometry", 1.0),
    }
