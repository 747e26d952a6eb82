"""The ``indicators`` map layer (one indicator and year per request) against its bare SQL.

Data: `bench.synth.ensure_areas(10k)` (a tiling of Quartiere under cities of 10 × 10 around Ludwigsburg,
EPSG:25832) and, generated in one SQL statement, 50 indicators × 10 years (2015–2024) of values for every
Quartier and city: 10k × 50 × 10 = 5 M Quartier values. Items: `GET
/ogc/collections/indicators/items?indicator=…&datetime=…&bbox=<2 km box>&bbox-crs=EPSG:25832` through
Django's test client (the ≈6 Quartiere in the box, need classes within their city); floor: the same
FeatureCollection built by one bare statement (`geo.ogc.queries.Query.collection_sql`, same bound
parameters), checked to give the same features. Tiles: `GET /tiles/indicators/14/x/y.mvt?indicator=…&year=…`
through the WSGI application; floor: the tile's `ST_AsMVT` statement (`geo.tiles.queries.tile_sql`, same
parameters) on a bare psycopg cursor, prepared as the endpoint prepares it, checked to give the same bytes.
The endpoints also resolve the parameters (the indicator's id, whether the year has values: two index
lookups) and read the data version, which the floors leave out.
"""

import json
import random

from django.db import connection

from bench.core import Context, Row, benchmark
from bench.ogc import _bare_tile, sample_tiles
from bench.synth import dataset_spec, ensure_areas, ensure_dataset
from geo import layers as registry
from geo.ogc import queries
from geo.ogc.params import DEFAULT_CRS
from geo.tiles import queries as tile_queries

SIZES = (10_000,)
INDICATORS = 50
YEARS = range(2015, 2025)
ITEMS_TARGET = 1.3
TILE_TARGET = 1.3
BOX_M = 2_000.0
ZOOM = 14

BUILD_SQL = """
DELETE FROM indicators_indicator;
INSERT INTO indicators_indicator (key, name_de, name_en, unit, dimension, direction, description, source,
                                  licence, illustrative, created_at, updated_at)
SELECT 'bench_' || lpad(i::text, 2, '0'), 'Indikator ' || i, 'Indicator ' || i, '%%',
       (ARRAY['just', 'green', 'productive'])[1 + i %% 3],
       CASE WHEN i %% 4 = 0 THEN 'less_need' ELSE 'more_need' END, '', 'bench', 'CC0', true, now(), now()
FROM generate_series(1, %(indicators)s) AS i;
INSERT INTO indicators_indicatorvalue (indicator_id, area_id, year, value, quality, note, updated_at)
SELECT i.id, a.id, y, round((abs(hashtext(a.id || '/' || i.id || '/' || y)) %% 10000) / 100.0, 2),
       'measured', '', now()
FROM indicators_indicator AS i
CROSS JOIN generate_series(%(first)s, %(last)s) AS y
CROSS JOIN quartiere_area AS a
WHERE a.level IN (2, 3)
ORDER BY i.id, y, a.id;
"""


def ensure_values(n: int) -> None:
    ensure_areas(n)
    spec = {"areas": dataset_spec("areas"), "indicators": INDICATORS, "years": [YEARS[0], YEARS[-1]], "v": 1}

    def build() -> None:
        with connection.cursor() as cursor:
            cursor.execute(BUILD_SQL, {"indicators": INDICATORS, "first": YEARS[0], "last": YEARS[-1]})

    def present() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM indicators_indicator WHERE key LIKE 'bench\\_%%'")
            return cursor.fetchone()[0] == INDICATORS

    ensure_dataset("indicator_values", spec, build, present=present)


def _choices(ctx: Context, count: int) -> list[tuple[str, int]]:
    rng = random.Random(ctx.seed + 50)
    return [(f"bench_{rng.randint(1, INDICATORS):02d}", rng.choice(list(YEARS))) for _ in range(count)]


def _boxes(count: int, seed: int) -> list[tuple[float, float, float, float]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                       "(SELECT ST_Extent(geom) AS e FROM quartiere_area WHERE level = 3) AS t")  # fmt: skip
        xmin, ymin, xmax, ymax = cursor.fetchone()
    rng = random.Random(seed)
    boxes = []
    for _ in range(count):
        x = rng.uniform(xmin, xmax - BOX_M)
        y = rng.uniform(ymin, ymax - BOX_M)
        boxes.append((x, y, x + BOX_M, y + BOX_M))
    return boxes


def _floor_items(sample: tuple) -> str:
    _url, sql, params = sample
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@benchmark(sizes=SIZES)
def items(ctx: Context, n: int) -> list[Row]:
    """`GET /ogc/collections/indicators/items` for one indicator-year in a 2 km box vs the bare statement."""
    ensure_values(n)
    layer = registry.get("indicators")
    samples = []
    for (key, year), box in zip(_choices(ctx, ctx.samples), _boxes(ctx.samples, ctx.seed), strict=True):
        bbox = ",".join(f"{v:.1f}" for v in box)
        url = (
            f"/ogc/collections/indicators/items?indicator={key}&datetime={year}&bbox={bbox}"
            "&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/25832&limit=1000"
        )
        parameters = registry.resolve(layer, {"indicator": key, "year": str(year)})
        query = queries.Query(
            layer=layer,
            out=DEFAULT_CRS,
            bbox=tuple(float(v) for v in bbox.split(",")),  # type: ignore[arg-type]
            bbox_srid=25832,
            limit=1000,
            parameters=parameters,
        )
        sql, params = query.collection_sql()
        sample = (url, sql, params)
        endpoint = json.loads(ctx.get(url))
        floor = json.loads(_floor_items(sample))
        if endpoint["features"] != floor["features"] or not endpoint["features"]:
            raise AssertionError(f"{url}: endpoint differs from the bare FeatureCollection (or is empty)")
        samples.append(sample)
    row = ctx.compare(
        "ogc items indicator-year 2 km box",
        n,
        samples,
        lambda sample: ctx.get(sample[0]),
        _floor_items,
        target=ITEMS_TARGET,
        floor_label="bare SQL FeatureCollection",
        note=f"{INDICATORS} indicators × {len(YEARS)} years; "
        f"{len(json.loads(_floor_items(samples[0]))['features'])} features in the first box",
    )
    return [row]


@benchmark(sizes=SIZES)
def tile(ctx: Context, n: int) -> list[Row]:
    """`GET /tiles/indicators/14/x/y.mvt?indicator=…&year=…` vs its bare `ST_AsMVT` statement."""
    ensure_values(n)
    tiling = ensure_areas(n)
    layer = registry.get("indicators")
    samples = []
    for (x, y), (key, year) in zip(
        sample_tiles(tiling, ctx.samples, ctx.seed + 14), _choices(ctx, ctx.samples), strict=True
    ):
        url = f"/tiles/indicators/{ZOOM}/{x}/{y}.mvt?indicator={key}&year={year}"
        parameters = registry.resolve(layer, {"indicator": key, "year": str(year)})
        sample = (
            url,
            tile_queries.tile_sql(layer, ZOOM),
            tile_queries.tile_params(layer, ZOOM, x, y, parameters),
        )
        body = ctx.serve(url)
        if body != _bare_tile(sample) or not body:
            raise AssertionError(f"{url}: endpoint differs from its bare ST_AsMVT statement (or is empty)")
        samples.append(sample)
    row = ctx.compare(
        "tile z14 indicators",
        n,
        samples,
        lambda sample: ctx.serve(sample[0]),
        _bare_tile,
        target=TILE_TARGET,
        floor_label="bare ST_AsMVT",
        note=f"{INDICATORS} indicators × {len(YEARS)} years, random indicator-year per tile",
    )
    return [row]
