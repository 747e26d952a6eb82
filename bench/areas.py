"""Area hierarchy: `/api/locate/` and `/api/areas/?bbox=` against their bare SQL.

Data: `bench.synth.ensure_areas(N)`, a tiling of N Quartiere (≈0.64 km², 28 vertices each) under
cities of 10 × 10 Quartiere and one region, in EPSG:25832. Endpoint: `GET` the way a WSGI server
(granian) calls the service: the project's WSGI application `config.wsgi.application` (Django, these
public reads on the shorter middleware chain of `geo.public`, request signals, connection health
checks, `DEBUG` off), given a WSGI environ without a socket, body read. Floor: the statement the endpoint ran,
captured from the request itself and replayed with a bare psycopg cursor on the same connection, every
row fetched. Endpoint and floor alternate over the same samples; the figures are medians. Two more
rows per endpoint, without a target, show where the time goes: the selector alone, and the DRF view
called without middleware and test client.
"""

import json
import random

from django.conf import settings
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


def read(response) -> bytes:
    """The body of a view's response, rendered first when it is a DRF ``Response``."""
    if getattr(response, "is_rendered", True) is False:
        response.render()
    return response.content


def compare_layers(
    ctx: Context,
    name: str,
    n: int,
    samples: list[tuple[str, list, dict]],
    *,
    selector,
    view,
    note: str = "",
) -> list[Row]:
    """The endpoint against its SQL, and two rows without a target that show where the time goes: the
    selector alone (``selector(**kwargs)``) and the DRF view without middleware and test client (``view``
    called with a ``RequestFactory`` request). Samples are (url, captured statements, selector kwargs)."""
    factory = RequestFactory()
    floor = lambda sample: replay(sample[1])  # noqa: E731
    return [
        ctx.compare(
            name,
            n,
            samples,
            lambda sample: ctx.serve(sample[0]),
            floor,
            target=TARGET,
            scaling_target=SCALING_TARGET,
            note=note,
        ),
        ctx.compare(
            f"{name}: selector only", n, samples, lambda sample: selector(**sample[2]), floor, target=None
        ),
        ctx.compare(
            f"{name}: view only",
            n,
            samples,
            lambda sample: read(view(factory.get(sample[0]))),
            floor,
            target=None,
            note="DRF view without middleware and test client",
        ),
    ]


def captured(ctx: Context, url: str) -> list:
    statements = statements_of(ctx, url)
    if len(statements) != 1:
        raise AssertionError(f"{url} ran {len(statements)} statements, expected one: {statements}")
    return statements


@benchmark(sizes=SIZES)
def locate(ctx: Context, n: int) -> list[Row]:
    """`GET /api/locate/?lon=&lat=` at a random point inside the data vs the bare `locate.sql`."""
    tiling = ensure_areas(n)
    samples = []
    for lon, lat in sample_points(tiling, ctx.samples, ctx.seed):
        url = f"/api/locate/?lon={lon}&lat={lat}"
        statements = captured(ctx, url)
        # the same work on both sides: the areas the endpoint answers are the rows of the floor
        answered = [area["id"] for area in json.loads(ctx.serve(url))["areas"]]
        (replayed,) = replay(statements)
        if len(answered) != 3 or answered != [area["id"] for area in json.loads(replayed[0])["areas"]]:
            raise AssertionError(f"{url}: endpoint {answered} differs from its SQL")
        samples.append((url, statements, {"x": float(lon), "y": float(lat)}))
    return compare_layers(ctx, "locate", n, samples, selector=selectors.area_locate_json, view=api.locate)


@benchmark(sizes=SIZES)
def bbox(ctx: Context, n: int) -> list[Row]:
    """`GET /api/areas/?bbox=` (≈1 km², 4–9 Quartiere plus their cities and the region) vs the bare
    `areas_page.sql` with the same parameters."""
    tiling = ensure_areas(n)
    samples = []
    matched = []
    for box in sample_bboxes(tiling, ctx.samples, ctx.seed + 1):
        url = f"/api/areas/?bbox={box}"
        statements = captured(ctx, url)
        body = json.loads(ctx.get(url))
        (count, returned, features) = replay(statements)[0]
        if body["features"] != json.loads(f"[{features}]") or body["numberMatched"] != count:
            raise AssertionError(f"{url}: endpoint differs from its SQL")
        matched.append(returned)
        kwargs = {"bbox": tuple(float(v) for v in box.split(",")), "limit": settings.API_PAGE_SIZE}
        samples.append((url, statements, kwargs))
    return compare_layers(
        ctx,
        "areas bbox",
        n,
        samples,
        selector=selectors.area_feature_page,
        view=api.AreaViewSet.as_view({"get": "list"}),
        note=f"{min(matched)}–{max(matched)} features",
    )
