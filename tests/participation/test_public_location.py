"""The published location (``geom_public``): the point snapped to the consultation's grid, kept by
triggers whoever writes, the same in the API and the map layer, and found through its own spatial
index when the map services filter the layer by bbox."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from geo import crs, layers
from participation.models import Contribution
from tests.conftest import sql_row, sql_value
from tests.participation.conftest import body, create

SNAP = 250  # m


def snapped(point: Point, grid: int) -> tuple[float, float]:
    return (round(point.x / grid) * grid, round(point.y / grid) * grid)


def layer_rows(consultation_id: int) -> dict[int, tuple[float, float]]:
    source = layers.get("contributions").source
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT src.id, ST_X(src.geom), ST_Y(src.geom), ST_SRID(src.geom) FROM ({source}) AS src "
            "WHERE src.consultation = %s",
            [consultation_id],
        )
        rows = cursor.fetchall()
    assert {row[3] for row in rows} <= {crs.STORAGE_SRID}
    return {row[0]: (row[1], row[2]) for row in rows}


def public_xy(contribution: Contribution) -> tuple[float, float]:
    return sql_row(
        "SELECT ST_X(geom_public), ST_Y(geom_public) FROM participation_contribution WHERE id = %s",
        [contribution.pk],
    )


def test_it_publishes_the_point_snapped_to_the_consultations_grid(api, make_consultation):
    consultation = make_consultation(generalise_m=SNAP)
    c = create(consultation, publish=True)

    expected = snapped(c.geom, SNAP)
    assert public_xy(c) == pytest.approx(expected)
    assert expected != pytest.approx((c.geom.x, c.geom.y))  # the exact point is not published
    feature = body(api.get(f"/api/contributions/{c.pk}/?srid=25832"))
    assert tuple(feature["geometry"]["coordinates"]) == pytest.approx(expected)
    assert layer_rows(consultation.pk) == {c.pk: pytest.approx(expected)}


def test_without_generalisation_it_publishes_the_exact_point(api, consultation):
    c = create(consultation, publish=True)

    assert public_xy(c) == pytest.approx((c.geom.x, c.geom.y))
    assert layer_rows(consultation.pk) == {c.pk: pytest.approx((c.geom.x, c.geom.y))}


def test_changing_the_consultations_grid_moves_its_published_locations(make_consultation):
    consultation = make_consultation()
    c = create(consultation, publish=True)
    other = create(make_consultation(), publish=True)

    consultation.generalise_m = 500
    consultation.save()

    assert public_xy(c) == pytest.approx(snapped(c.geom, 500))
    assert public_xy(other) == pytest.approx((other.geom.x, other.geom.y))  # another consultation
    consultation.generalise_m = 0
    consultation.save()
    assert public_xy(c) == pytest.approx((c.geom.x, c.geom.y))


def test_moving_the_point_moves_its_published_location_and_direct_writes_are_ignored(make_consultation):
    c = create(make_consultation(generalise_m=SNAP), publish=True)

    moved = Point(c.geom.x + 1000, c.geom.y - 1000, srid=crs.STORAGE_SRID)
    Contribution.objects.filter(pk=c.pk).update(geom=moved)
    assert public_xy(c) == pytest.approx(snapped(moved, SNAP))

    Contribution.objects.filter(pk=c.pk).update(geom_public=Point(0, 0, srid=crs.STORAGE_SRID))
    assert public_xy(c) == pytest.approx(snapped(moved, SNAP))
    fresh = Contribution.objects.get(pk=c.pk)
    fresh.text = "geändert"
    fresh.save()  # a full save writes every column
    assert public_xy(c) == pytest.approx(snapped(moved, SNAP))


def test_the_api_bbox_tests_the_published_location_not_the_exact_one(api, make_consultation):
    consultation = make_consultation(generalise_m=SNAP)
    c = create(consultation, publish=True)
    x, y = c.geom.x, c.geom.y
    px, py = snapped(c.geom, SNAP)

    def found(minx, miny, maxx, maxy) -> list[int]:
        url = f"/api/contributions/?srid=25832&bbox={minx},{miny},{maxx},{maxy}"
        return [f["id"] for f in body(api.get(url))["features"]]

    # a 2 m box around the exact point (which is not on the grid) must not find it: bboxes would
    # otherwise reveal the exact location the map withholds
    assert (x, y) != pytest.approx((px, py), abs=2)
    assert found(x - 1, y - 1, x + 1, y + 1) == []
    assert found(px - 1, py - 1, px + 1, py + 1) == [c.pk]


@pytest.fixture
def many_published(make_consultation, city):
    """3,000 published contributions in the city, written by bare SQL (ANALYZEd): the triggers fill
    their published location, and the planner has statistics worth planning with."""
    consultation = make_consultation(generalise_m=100)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO participation_contribution (consultation_id, city_id, geom, text, category, origin,
                pseudonym, email, status, reject_reason, version, delete_token_hash, created_at, updated_at)
            SELECT %(consultation)s, a.id, p.geom, 'Beitrag', 'idea', 'civil_society', '', '',
                'published', '', 1, '', now(), now()
            FROM quartiere_area AS a
            CROSS JOIN LATERAL (SELECT (ST_Dump(ST_GeneratePoints(a.geom, 3000, 1))).geom) AS p
            WHERE a.id = %(city)s
            """,
            {"consultation": consultation.pk, "city": city.pk},
        )
        cursor.execute("ANALYZE participation_contribution")
    return consultation


def public_location_indexes() -> list[str]:
    """The GiST indexes on ``geom_public``: the whole column's and the published rows' (partial)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'participation_contribution' "
            "AND indexdef LIKE '%%USING gist (geom_public)%%'"
        )
        names = [row[0] for row in cursor.fetchall()]
    assert names, "geom_public has no GiST index"
    return names


def plan(query: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    "test",
    [
        # OGC API Features and vector tiles
        "ST_Intersects(src.geom, qa_bbox_in_storage(%s, %s, %s, %s, 4326, 25832))",
        # WMS GetMap
        "src.geom && qa_bbox_in_storage(%s, %s, %s, %s, 4326, 25832)",
    ],
)
def test_the_map_services_bbox_filter_on_the_layer_uses_the_published_locations_index(many_published, test):
    assert sql_value("SELECT count(*) FROM participation_contribution WHERE geom_public IS NULL") == 0
    indexes = public_location_indexes()
    source = layers.get("contributions").source
    box = [9.190, 48.895, 9.200, 48.900]  # ≈700 m × 550 m around the Schloss

    explained = plan(f"SELECT src.id FROM ({source}) AS src WHERE {test}", box)

    assert any(index in explained for index in indexes), explained
    assert "Seq Scan on participation_contribution" not in explained, explained
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({source}) AS src WHERE {test}", box)
        assert 0 < cursor.fetchone()[0] < 3000


def test_the_api_bbox_filter_uses_the_published_locations_index(many_published):
    from participation import selectors

    with connection.execute_wrapper(capture := Capture()):
        page = selectors.contribution_feature_page(bbox=(9.190, 48.895, 9.200, 48.900))
    assert 0 < page.matched < 3000
    (sql, params) = capture.statements[0]
    explained = plan(sql, params)
    # the matches are found through an index on the published location (the page's own rows are then
    # fetched by id)
    assert any(
        f"Bitmap Index Scan on {index}" in explained or f"Index Scan using {index}" in explained
        for index in public_location_indexes()
    ), explained


class Capture:
    def __init__(self):
        self.statements: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def test_the_published_locations_index_holds_only_published_rows(db):
    """The model declares it partial; Django's PostGIS schema editor drops an index's condition on a
    geometry field, so migration 0014 builds it by hand. Without the condition the planner proved the
    status from another index: with many cities, a bitmap over every published row ANDed with the box."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'contribution_published_geom'")
        (definition,) = cursor.fetchone()
    assert "USING gist (geom_public)" in definition
    assert "WHERE ((status)::text = 'published'::text)" in definition
