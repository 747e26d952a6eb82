"""Map serving: OGC API items (one page of 10k features) and vector tiles (z14) against bare SQL.

Data: `bench.synth.ensure_areas(N)`, a tiling of N Quartiere (≈0.64 km², 28 vertices each) around
Ludwigsburg in EPSG:25832. Items: `GET /ogc/collections/quartiere/items?limit=10000` (GeoJSON in CRS84)
through Django's test client (full middleware stack, `DEBUG` off, the page streamed from a server-side
cursor and read whole). Tiles: `GET /tiles/quartiere/14/x/y.mvt` at random tiles over the tiling (a handful
of Quartiere, ≈1.5 KiB) the way a WSGI server (granian) calls the service: the project's WSGI application
`config.wsgi.application`, given a WSGI environ (no socket); a tile is a public read, on the shorter
middleware chain of `geo.public`. Floors: for items, one bare SQL statement that builds the same
FeatureCollection text in PostGIS (`geo.ogc.queries.Query.collection_sql`: the same features, counted and
aggregated with `string_agg`), checked to give the same features; for tiles, the tile's `ST_AsMVT` statement
(`geo.tiles.queries.tile_sql`, same parameters) run with a bare psycopg cursor, prepared as the endpoint
prepares it, checked to give the same bytes. The endpoints also read the layers' data version for their ETag
(the tile in the same statement, the items in a query of its own), which the floors leave out; the tile's
note gives the median of `GET /ogc/conformance` through the same WSGI application (the full stack, one small
query) for scale.
"""

import json
import math
import random
import statistics
import time

import psycopg
from django.conf import settings
from django.db import connection

from bench.core import Context, Row, benchmark
from bench.synth import Tiling, dataset_spec, ensure_areas
from geo import crs
from geo import layers as registry
from geo.ogc import queries
from geo.ogc.params import DEFAULT_CRS
from geo.tiles import queries as tile_queries

SIZES = (10_000, 100_000)
ITEMS_TARGET = 1.3  # endpoint / bare SQL building the same FeatureCollection
TILE_TARGET = 1.2  # endpoint / bare ST_AsMVT
PAGE = 10_000
ZOOM = 14


def order_sizes(sizes: list[int]) -> list[int]:
    """Ascending, but the size already in the database first: one rebuild fewer."""
    spec = dataset_spec("areas") or {}
    return sorted(sizes, key=lambda n: (n != spec.get("n"), n))


def _floor_items(offset: int) -> str:
    query = queries.Query(layer=registry.get("quartiere"), out=DEFAULT_CRS, limit=PAGE, offset=offset)
    sql, params = query.collection_sql()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@benchmark(sizes=SIZES)
def items(ctx: Context, n: int) -> list[Row]:
    """`GET /ogc/collections/quartiere/items?limit=10000` (one page of 10k features, streamed) vs one
    bare statement building the same FeatureCollection."""
    ensure_areas(n)
    pages = max(1, min(n // PAGE, 10 if not ctx.quick else 2))
    samples = []
    for i in range(10 if not ctx.quick else 3):
        offset = (i % pages) * PAGE
        url = f"/ogc/collections/quartiere/items?limit={PAGE}&offset={offset}"
        samples.append((url, offset))
    for url, offset in samples[:pages]:
        endpoint = json.loads(ctx.get(url))
        floor = json.loads(_floor_items(offset))
        if endpoint["features"] != floor["features"] or endpoint["numberMatched"] != floor["numberMatched"]:
            raise AssertionError(f"{url}: endpoint differs from the bare FeatureCollection")
        if len(endpoint["features"]) != min(PAGE, n - offset):
            raise AssertionError(f"{url}: {len(endpoint['features'])} features")
    row = ctx.compare(
        "ogc items 10k page",
        n,
        samples,
        lambda sample: ctx.get(sample[0]),
        lambda sample: _floor_items(sample[1]),
        target=ITEMS_TARGET,
        floor_label="bare SQL FeatureCollection",
        note=f"{PAGE:,} features per page, CRS84",
    )
    return [row]


def sample_tiles(tiling: Tiling, count: int, seed: int, z: int = ZOOM) -> list[tuple[int, int]]:
    """``count`` random web mercator tiles at ``z`` whose centre lies inside the tiling."""
    rng = random.Random(seed)
    points = []
    for _ in range(count):
        x = tiling.x0 + rng.uniform(0.1, 0.9) * tiling.columns * tiling.cell
        y = tiling.y0 + rng.uniform(0.1, 0.9) * (tiling.n // tiling.columns) * tiling.cell
        points.append((x, y))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS s(x, y, o), "
            "LATERAL ST_Transform(ST_SetSRID(ST_MakePoint(s.x, s.y), %s), 4326) AS p ORDER BY s.o",
            [[p[0] for p in points], [p[1] for p in points], crs.STORAGE_SRID],
        )
        lonlat = cursor.fetchall()
    size = 2**z
    tiles = []
    for lon, lat in lonlat:
        tx = int((lon + 180) / 360 * size)
        ty = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * size)
        tiles.append((tx, ty))
    return tiles


def _bare_tile(sample: tuple) -> bytes:
    """The bare ``ST_AsMVT`` statement of the endpoint (``geo.tiles.queries.tile_sql``) with a psycopg
    cursor: no data version, no HTTP; prepared as the endpoint prepares its statement
    (``settings.PREPARED_STATEMENTS``), so that the floor is the database's best for it."""
    _url, sql, params = sample
    connection.ensure_connection()
    prepare = settings.PREPARED_STATEMENTS
    cursor_class = psycopg.Cursor if prepare else psycopg.ClientCursor
    with cursor_class(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=prepare)
        value = cursor.fetchone()[0]
    return bytes(value) if value is not None else b""


@benchmark(sizes=SIZES)
def tile(ctx: Context, n: int) -> list[Row]:
    """`GET /tiles/quartiere/14/x/y.mvt` at random tiles over the city vs its bare `ST_AsMVT` statement."""
    tiling = ensure_areas(n)
    layer = registry.get("quartiere")
    samples = []
    sizes = []
    for x, y in sample_tiles(tiling, ctx.samples, ctx.seed + 14):
        url = f"/tiles/quartiere/{ZOOM}/{x}/{y}.mvt"
        sample = (url, tile_queries.tile_sql(layer, ZOOM), tile_queries.tile_params(layer, ZOOM, x, y))
        body = ctx.serve(url)
        if body != _bare_tile(sample) or not body:
            raise AssertionError(f"{url}: endpoint differs from its bare ST_AsMVT statement (or is empty)")
        sizes.append(len(body))
        samples.append(sample)
    stack = []
    for _ in range(len(samples)):
        started = time.perf_counter()
        ctx.serve("/ogc/conformance")
        stack.append((time.perf_counter() - started) * 1000)
    row = ctx.compare(
        "tile z14 quartiere",
        n,
        samples,
        lambda sample: ctx.serve(sample[0]),
        _bare_tile,
        target=TILE_TARGET,
        floor_label="bare ST_AsMVT",
        note=f"{min(sizes) / 1024:.1f}–{max(sizes) / 1024:.1f} KiB per tile; HTTP stack alone "
        f"{statistics.median(stack):.2f} ms",
    )
    return [row]
