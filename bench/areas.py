"""Area hierarchy: `/api/locate/` and `/api/areas/?bbox=` against their bare SQL.

Data: `bench.synth.ensure_areas(N)`, a tiling of N Quartiere (≈0.64 km², 28 vertices each) under
cities of 10 × 10 Quartiere and one region, in EPSG:25832. Endpoint: `GET` through Django's test
client (the full middleware stack, `DEBUG` off, body read). Floor: the statement the endpoint ran,
captured from the request itself and replayed with a bare psycopg cursor on the same connection, every
row fetched. Endpoint and floor alternate over the same samples; the figures are medians.
"""

import json
import random

from django.db import connection
from django.test import RequestFactory

from bench.core import Context, Row, benchmark, replay, statements_of
from bench.synth import Tiling, dataset_spec, ensure_areas
from quartiere import api, selectors

SIZES = (10_000, 100_000)
TARGET = 1.5  # endpoint / bare SQL
SCALING_TARGET = 2.0  # time at the largest N / time at the smallest N
BBOX_HALF_SIZE_M = 500  # a 1 km × 1 km bbox touches 4–9 Quartiere (and their city and the region)


def order_sizes(sizes: list[int]) -> list[int]:
    """Ascending, but the size already in the database first: one rebuild fewer."""
    spec = dataset_spec("areas") or {}
    return sorted(sizes, key=lambda n: (n != spec.get("n"), n))


def sample_points(tiling: Tiling, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` random points (lon, lat as URL strings, 7 decimals) inside random Quartiere."""
    rng = random.Random(seed)
    ids = [tiling.first_quartier_id + rng.randrange(tiling.n) for _ in range(count)]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_X(p.geom), ST_Y(p.geom)
            FROM unnest(%s::bigint[]) WITH ORDINALITY AS s(id, ord)
            JOIN quartiere_area AS a USING (id)
            CROSS JOIN LATERAL (
                SELECT ST_Transform(ST_GeometryN(ST_GeneratePoints(a.geom, 1, %s + s.ord::int), 1), 4326)
                    AS geom
            ) AS p
            ORDER BY s.ord
            """,
            [ids, seed],
        )
        return [(f"{x:.7f}", f"{y:.7f}") for x, y in cursor.fetchall()]


def sample_bboxes(tiling: Tiling, count: int, seed: int) -> list[str]:
    """``count`` bboxes (``minx,miny,maxx,maxy`` in lon/lat) of ≈1 km × 1 km around random Quartiere."""
    rng = random.Random(seed)
    ids = [tiling.first_quartier_id + rng.randrange(tiling.n) for _ in range(count)]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_XMin(b.box), ST_YMin(b.box), ST_XMax(b.box), ST_YMax(b.box)
            FROM unnest(%s::bigint[]) WITH ORDINALITY AS s(id, ord)
            JOIN quartiere_area AS a USING (id)
            CROSS JOIN LATERAL (
                SELECT ST_Transform(ST_Expand(ST_Centroid(a.geom), %s), 4326)::box2d AS box
            ) AS b
            ORDER BY s.ord
            """,
            [ids, BBOX_HALF_SIZE_M],
        )
        return [f"{x0:.6f},{y0:.6f},{x1:.6f},{y1:.6f}" for x0, y0, x1, y1 in cursor.fetchall()]


@benchmark(sizes=SIZES)
def locate(ctx: Context, n: int) -> list[Row]:
    """`GET /api/locate/?lon=&lat=` at a random point inside the data vs the bare `locate.sql`; two more
    rows (no target) show where the time goes: the selector alone, and the view without middleware
    and test client."""
    tiling = ensure_areas(n)
    samples = []
    points = sample_points(tiling, ctx.samples, ctx.seed)
    for lon, lat in points:
        url = f"/api/locate/?lon={lon}&lat={lat}"
        statements = statements_of(ctx, url)
        if len(statements) != 1:
            raise AssertionError(f"{url} ran {len(statements)} statements, expected one: {statements}")
        # the same work on both sides: the areas the endpoint answers are the rows of the floor
        answered = [area["id"] for area in json.loads(ctx.get(url))["areas"]]
        if len(answered) != 3 or answered != [row[0] for row in replay(statements)]:
            raise AssertionError(f"{url}: endpoint {answered} differs from its SQL")
        samples.append((url, statements))
    floor = lambda sample: replay(sample[1])  # noqa: E731
    rows = [
        ctx.compare(
            "locate",
            n,
            samples,
            lambda sample: ctx.get(sample[0]),
            floor,
            target=TARGET,
            scaling_target=SCALING_TARGET,
        )
    ]
    coordinates = {
        url: (float(lon), float(lat)) for (url, _), (lon, lat) in zip(samples, points, strict=True)
    }
    rows.append(
        ctx.compare(
            "locate: selector only",
            n,
            samples,
            lambda sample: selectors.area_locate(x=coordinates[sample[0]][0], y=coordinates[sample[0]][1]),
            floor,
            target=None,
        )
    )
    factory = RequestFactory()
    rows.append(
        ctx.compare(
            "locate: view only",
            n,
            samples,
            lambda sample: api.locate(factory.get(sample[0])).render().content,
            floor,
            target=None,
            note="DRF view, no middleware, no test client",
        )
    )
    return rows


@benchmark(sizes=SIZES)
def bbox(ctx: Context, n: int) -> list[Row]:
    """`GET /api/areas/?bbox=` (≈1 km², 4–9 Quartiere plus their cities and the region) vs the bare
    `areas_page.sql` with the same parameters."""
    tiling = ensure_areas(n)
    samples = []
    matched = []
    for box in sample_bboxes(tiling, ctx.samples, ctx.seed + 1):
        url = f"/api/areas/?bbox={box}"
        statements = statements_of(ctx, url)
        if len(statements) != 1:
            raise AssertionError(f"{url} ran {len(statements)} statements, expected one: {statements}")
        body = json.loads(ctx.get(url))
        (count, returned, features) = replay(statements)[0]
        if body["features"] != json.loads(f"[{features}]") or body["numberMatched"] != count:
            raise AssertionError(f"{url}: endpoint differs from its SQL")
        matched.append(returned)
        samples.append((url, statements))
    row = ctx.compare(
        "areas bbox",
        n,
        samples,
        lambda sample: ctx.get(sample[0]),
        lambda sample: replay(sample[1]),
        target=TARGET,
        scaling_target=SCALING_TARGET,
        note=f"{min(matched)}–{max(matched)} features",
    )
    return [row]
