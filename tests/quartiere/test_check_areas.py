"""``manage.py check_areas``: generalised official data (≈10 m noise) passes, real errors do not."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.conftest import sql_value

PFLUGFELDEN = "08118048-11"  # on the western edge of the city


def check_areas(*args: str) -> str:
    out = StringIO()
    call_command("check_areas", *args, stdout=out)
    return out.getvalue()


def quartiere_not_covered_by_city() -> int:
    return sql_value(
        "SELECT count(*) FROM quartiere_area AS q JOIN quartiere_area AS c ON c.id = q.parent_id "
        "WHERE q.level = 3 AND NOT ST_Covers(c.geom, q.geom)"
    )


def test_it_passes_the_demo(demo):
    assert "all children lie within their parents (tolerance 1.00%, 20 m)" in check_areas()


@pytest.mark.parametrize(("dx", "dy"), [(10, 0), (-10, 0), (0, 10), (0, -10)])
def test_it_lets_10_m_of_generalisation_noise_pass(demo, dx, dy):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE quartiere_area SET geom = ST_Translate(geom, %s, %s) WHERE parent_id = %s",
            [dx, dy, demo["08118048"].id],  # Ludwigsburg's Quartiere
        )
    # the Quartiere on that side really do stick out now, by a little
    assert quartiere_not_covered_by_city() > 0

    assert "all children lie within their parents" in check_areas()


def test_with_no_distance_every_part_outside_counts(demo):
    """10 m south, two small Quartiere on Ludwigsburg's jagged southern line (BKG VG250) have more than
    1 % of their area outside the city: ``--distance 0`` measures that, the default 20 m lets it pass."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE quartiere_area SET geom = ST_Translate(geom, 0, -10) WHERE parent_id = %s",
            [demo["08118048"].id],
        )

    with pytest.raises(CommandError, match=r"stick out of their parent by more than 1.00% \(beyond 0 m\)$"):
        check_areas("--distance", "0")
    assert "all children lie within their parents (tolerance 1.00%, 20 m)" in check_areas()


def test_a_quartier_reaching_100_m_into_the_next_city_is_reported(demo):
    """The distance forgives noise along the line, not a Quartier drawn into the neighbour: Pflugfelden
    with a strip of 100 m by 1 km beyond the city's western edge sticks out (80 m of it beyond 20 m:
    2.5 % of its area)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE quartiere_area AS q
            SET geom = ST_Multi(ST_Union(
                q.geom, ST_MakeEnvelope(x.west - 100, x.south, x.west + 5, x.south + 1000, 25832)))
            FROM (SELECT ST_XMin(c.geom) AS west, ST_YMin(q2.geom) AS south
                  FROM quartiere_area AS c JOIN quartiere_area AS q2 ON q2.parent_id = c.id
                  WHERE c.code = '08118048' AND q2.code = %(code)s) AS x
            WHERE q.code = %(code)s
            """,
            {"code": PFLUGFELDEN},
        )
    out = StringIO()

    with pytest.raises(CommandError, match=r"^1 area\(s\) stick out"):
        call_command("check_areas", stdout=out)
    assert out.getvalue().startswith(f"{PFLUGFELDEN} Pflugfelden: ")


@pytest.fixture
def sticking_out(demo):
    """Pflugfelden with 30 % of its area outside Ludwigsburg: a square west of the city added to it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE quartiere_area AS q
            SET geom = ST_Multi(ST_Union(
                q.geom, ST_MakeEnvelope(c.xmin - s.side, c.ymin, c.xmin, c.ymin + s.side, 25832)))
            FROM (SELECT ST_XMin(geom) - 1000 AS xmin, ST_YMin(geom) AS ymin
                  FROM quartiere_area WHERE level = 2) AS c,
                 (SELECT sqrt(ST_Area(geom) * 3 / 7) AS side FROM quartiere_area WHERE code = %(code)s) AS s
            WHERE q.code = %(code)s
            """,
            {"code": PFLUGFELDEN},
        )


def test_it_reports_a_quartier_sticking_out_by_30_percent(sticking_out):
    out = StringIO()

    with pytest.raises(
        CommandError, match=r"^1 area\(s\) stick out of their parent by more than 1.00% \(beyond 20 m\)$"
    ):
        call_command("check_areas", stdout=out)

    assert out.getvalue().splitlines() == [f"{PFLUGFELDEN} Pflugfelden: 30.00% outside 08118048 Ludwigsburg"]


def test_it_reports_a_city_sticking_out_of_its_region(demo):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE quartiere_area SET geom = ST_Translate(geom, 200000, 0) WHERE level = 2")

    with pytest.raises(CommandError):
        check_areas()


def test_it_takes_a_larger_tolerance(sticking_out):
    assert "all children lie within their parents (tolerance 35.00%, 20 m)" in check_areas(
        "--tolerance", "0.35"
    )


@pytest.mark.parametrize("tolerance", ["-0.1", "1", "1.5"])
def test_it_refuses_a_tolerance_that_is_no_share(demo, tolerance):
    with pytest.raises(CommandError, match=r"--tolerance must be a share in \[0, 1\)"):
        check_areas("--tolerance", tolerance)


@pytest.mark.parametrize("distance", ["-1", "10001", "nan"])
def test_it_refuses_a_distance_out_of_range(demo, distance):
    with pytest.raises(CommandError, match=r"--distance must be metres in \[0, 10000\]"):
        check_areas("--distance", distance)
