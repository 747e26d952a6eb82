"""The area hierarchy's rules, enforced by the database itself (not only by the import)."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import IntegrityError, connection, transaction

from quartiere.models import Area, Level
from tests.conftest import sql_value

SQUARE = MultiPolygon(Polygon.from_bbox((510_000, 5_410_000, 511_000, 5_411_000)), srid=25832)


def create(level: Level, code: str, parent: Area | None = None, slug: str | None = None) -> Area:
    return Area.objects.create(
        level=level, parent=parent, code=code, name=code, slug=slug or code.lower(), geom=SQUARE
    )


@pytest.fixture
def tree(db) -> dict[str, Area]:
    region = create(Level.REGION, "R")
    city = create(Level.CITY, "C", region)
    return {"region": region, "city": city, "quartier": create(Level.QUARTIER, "Q", city)}


def violates(constraint: str):
    """Expect an IntegrityError naming ``constraint``; pair it with ``transaction.atomic()`` so the
    test's own transaction survives the error."""
    return pytest.raises(IntegrityError, match=constraint)


def test_it_accepts_a_child_exactly_one_level_below(tree):
    assert tree["quartier"].parent.parent == tree["region"]
    assert Area.objects.get(pk=tree["city"].pk).parent_level == Level.REGION


def test_it_refuses_a_city_under_a_quartier(tree):
    with violates("area_parent_one_level_up"), transaction.atomic():
        create(Level.CITY, "C2", tree["quartier"])


def test_it_refuses_a_quartier_directly_under_a_region(tree):
    with violates("area_parent_one_level_up"), transaction.atomic():
        create(Level.QUARTIER, "Q2", tree["region"])


def test_it_refuses_to_move_a_child_two_levels_up(tree):
    with violates("area_parent_one_level_up"), transaction.atomic():
        Area.objects.filter(pk=tree["quartier"].pk).update(parent=tree["region"])


def test_it_refuses_to_change_a_parents_level_under_its_children(tree):
    # the composite key points at (id, level): the city cannot become a Quartier while it has children
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.filter(pk=tree["city"].pk).update(level=Level.QUARTIER)


def test_it_refuses_a_region_with_a_parent(tree):
    with violates("area_parent_iff_not_region"), transaction.atomic():
        create(Level.REGION, "R2", tree["region"])


def test_it_refuses_a_city_without_a_parent(tree):
    with violates("area_parent_iff_not_region"), transaction.atomic():
        create(Level.CITY, "C3")


def test_it_refuses_an_unknown_level(tree):
    with violates("area_level_valid"), transaction.atomic():
        create(4, "X", tree["quartier"])


def test_it_refuses_a_second_area_with_the_same_level_and_code(tree):
    with violates("area_level_code_unique"), transaction.atomic():
        create(Level.QUARTIER, "Q", tree["city"], slug="other")


def test_it_allows_the_same_code_on_another_level(tree):
    create(Level.QUARTIER, "C", tree["city"])

    assert Area.objects.filter(code="C").count() == 2


def test_it_refuses_a_slug_twice_within_one_parent(tree):
    with violates("area_parent_slug_unique"), transaction.atomic():
        create(Level.QUARTIER, "Q2", tree["city"], slug="q")


def test_it_refuses_a_slug_twice_among_regions(tree):
    # regions have no parent; NULLs count as equal here, so region slugs are unique too
    with violates("area_parent_slug_unique"), transaction.atomic():
        create(Level.REGION, "R2", slug="r")


def test_it_allows_a_slug_again_under_another_parent(tree):
    other_city = create(Level.CITY, "C2", tree["region"])

    create(Level.QUARTIER, "Q2", other_city, slug="q")

    assert Area.objects.filter(slug="q").count() == 2


def test_it_stores_geometry_in_etrs89_utm32(db):
    assert Area._meta.get_field("geom").srid == 25832
    assert sql_value("SELECT Find_SRID('public', 'quartiere_area', 'geom')") == 25832
    assert (
        sql_value("SELECT type FROM geometry_columns WHERE f_table_name = 'quartiere_area'") == "MULTIPOLYGON"
    )


def test_it_transforms_geometry_given_in_another_crs(db):
    region = Area.objects.create(
        level=Level.REGION,
        code="W",
        name="W",
        slug="w",
        geom=MultiPolygon(Polygon.from_bbox((9.19, 48.89, 9.20, 48.90)), srid=4326),
    )

    region.refresh_from_db()
    assert region.geom.srid == 25832
    assert 514_000 < region.geom.centroid.x < 515_000


def test_it_has_a_spatial_index_on_the_geometry(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'quartiere_area'")
        definitions = [row[0] for row in cursor.fetchall()]

    assert any("USING gist (geom)" in d for d in definitions), definitions
