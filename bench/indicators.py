"""Indicators: one indicator and year over a city's Quartiere, and over all Quartiere, from 5M values.

Data: `bench.synth.ensure_areas(10000)` (10,000 Quartiere in 100 cities of 10 × 10 under one region),
50 indicators `bench_00` … `bench_49` and a value for every Quartier, indicator and year 2015–2024
(10k × 50 × 10 = 5M rows), generated in one `INSERT … SELECT` over `generate_series`. `city`:
`GET /api/indicators/values/?indicator=<key>&year=<year>&city=<id>&limit=1000` (the city and its 100
Quartiere: 101 values of 5M) through the WSGI application (a public read, `geo.public`); `all
quartiere`: `…?indicator=<key>&year=<year>&level=quartier&limit=1000` (10k values matched, counted,
the first 1,000 returned as JSON). Floor: the bare SQL of the same answer — a plain `count(*)` and a
plain `SELECT` of the page's columns with the same filters, order and limit (no JSON, no checks of the
filters) — on a bare psycopg cursor, every row fetched. Samples: random indicator, year and city;
endpoint and floor alternate; medians. Generating the 5M values took 516 s on the first run (2 cores,
load ≈ 16 from other work); later runs reuse them.
"""

import json
import random

from django.db import connection

from bench.core import Context, Row, benchmark
from bench.synth import Tiling, dataset_spec, ensure_areas, ensure_dataset
from quartiere.models import Level

QUARTIERE = 10_000
INDICATORS = 50
YEARS = range(2015, 2025)
TARGET = 1.3  # endpoint / bare SQL
INDICATORS_VERSION = 1  # bump when the generator changes
PAGE = 1000

GENERATE = """
DELETE FROM indicators_indicatorvalue WHERE indicator_id IN
    (SELECT id FROM indicators_indicator WHERE key LIKE 'bench\\_%%');
DELETE FROM indicators_indicator WHERE key LIKE 'bench\\_%%';
INSERT INTO indicators_indicator (key, name_de, name_en, unit, dimension, direction, description, source,
                                  licence, illustrative, created_at, updated_at)
SELECT format('bench_%%s', lpad(i::text, 2, '0')), format('Bench %%s', i), format('Bench %%s', i), '%%',
       (ARRAY['just', 'green', 'productive'])[1 + i %% 3], 'more_need', '', 'bench', '', true, now(), now()
FROM generate_series(0, %(indicators)s - 1) i;
INSERT INTO indicators_indicatorvalue (indicator_id, area_id, year, value, quality, note, updated_at)
SELECT i.id, a.id, y, round((abs(hashint4(a.id::int # (i.id::int * 7919) # y)) %% 100000) / 1000.0, 3),
       'measured', '', now()
FROM indicators_indicator i
CROSS JOIN quartiere_area a
CROSS JOIN generate_series(%(first)s, %(last)s) y
WHERE i.key LIKE 'bench\\_%%' AND a.level = %(level)s;
"""

FLOOR = """
SELECT i.key, v.area_id, a.code, a.name, a.level, v.year, v.value, v.quality, v.note
FROM indicators_indicatorvalue v
JOIN indicators_indicator i ON i.id = v.indicator_id
JOIN quartiere_area a ON a.id = v.area_id
WHERE i.key = %s AND v.year = %s AND {area}
ORDER BY i.key, v.area_id, v.year
LIMIT 1000
"""
COUNT = """
SELECT count(*)
FROM indicators_indicatorvalue v
JOIN indicators_indicator i ON i.id = v.indicator_id
JOIN quartiere_area a ON a.id = v.area_id
WHERE i.key = %s AND v.year = %s AND {area}
"""
CITY, LEVEL = "(a.id = %s OR a.parent_id = %s)", "a.level = %s"
FLOOR_CITY = FLOOR.format(area=CITY)
FLOOR_LEVEL = FLOOR.format(area=LEVEL)
COUNT_CITY = COUNT.format(area=CITY)
COUNT_LEVEL = COUNT.format(area=LEVEL)


def ensure_indicator_values(n: int) -> Tiling:
    tiling = ensure_areas(n)
    spec = {
        "version": INDICATORS_VERSION,
        "indicators": INDICATORS,
        "years": [YEARS[0], YEARS[-1]],
        "areas": dataset_spec("areas"),
    }

    def build() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                GENERATE,
                {
                    "indicators": INDICATORS,
                    "first": YEARS[0],
                    "last": YEARS[-1],
                    "level": int(Level.QUARTIER),
                },
            )

    def present() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM indicators_indicatorvalue v JOIN indicators_indicator i "
                "ON i.id = v.indicator_id WHERE i.key = 'bench_00'"
            )
            return cursor.fetchone()[0] == n * len(YEARS)

    ensure_dataset("indicators", spec, build, present=present)
    return tiling


def bare(sql: str, params: list, count: str | None = None) -> list[tuple]:
    """The rows of ``sql`` on a bare psycopg cursor (after the number of matches by ``count``)."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        if count is not None:
            cursor.execute(count, params)
            cursor.fetchone()
        cursor.execute(sql, params)
        return cursor.fetchall()


@benchmark(sizes=(QUARTIERE,))
def values(ctx: Context, n: int) -> list[Row]:
    """`/api/indicators/values/`: one indicator and year over a city, over all Quartiere; vs bare SQL."""
    tiling = ensure_indicator_values(n)
    # generating 5M values takes minutes: a fresh connection, so that CONN_MAX_AGE does not replace it
    # (and the backend whose CPU time is read) in the middle of the timing
    connection.close()
    rng = random.Random(ctx.seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM quartiere_area WHERE level = %s ORDER BY id", [int(Level.CITY)])
        cities = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM indicators_indicatorvalue")
        total = cursor.fetchone()[0]
    city_samples, all_samples = [], []
    for _ in range(ctx.samples):
        key, year, city = f"bench_{rng.randrange(INDICATORS):02d}", rng.choice(YEARS), rng.choice(cities)
        url = f"/api/indicators/values/?indicator={key}&year={year}&city={city}&limit={PAGE}"
        city_samples.append((url, FLOOR_CITY, [key, year, city, city], COUNT_CITY))
        url = f"/api/indicators/values/?indicator={key}&year={year}&level=quartier&limit={PAGE}"
        all_samples.append((url, FLOOR_LEVEL, [key, year, int(Level.QUARTIER)], COUNT_LEVEL))
    # the endpoint answers what the floor selects
    for url, sql, params, _count in (city_samples[0], all_samples[0]):
        answer = json.loads(ctx.serve(url))
        rows = bare(sql, params)
        if [(r["area"], r["value"]) for r in answer["results"]] != [(r[1], r[6]) for r in rows]:
            raise AssertionError(f"{url} differs from the bare SQL")
    note = f"{total:,} values; {tiling.cities} cities"
    rows = [
        ctx.compare(
            "values: one indicator-year, a city (100 Quartiere)",
            n,
            city_samples,
            lambda sample: ctx.serve(sample[0]),
            lambda sample: bare(sample[1], sample[2], sample[3]),
            target=TARGET,
            note=note,
        ),
        ctx.compare(
            f"values: one indicator-year, all Quartiere (first {PAGE:,} and the count)",
            n,
            all_samples,
            lambda sample: ctx.serve(sample[0]),
            lambda sample: bare(sample[1], sample[2], sample[3]),
            target=TARGET,
            note=note,
        ),
    ]
    return rows
