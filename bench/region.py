"""Region: the region summary against its bare SQL, and a city's pages with 200 cities against 1.

Data: `bench.region_synth` in two databases of their own (`<name>_region_bench`, `<name>_city_bench`),
built once and reused. The region: a tiling of 10,000 Quartiere (cells of 600 m with 28-vertex jittered
outlines, 60 km × 60 km around Stuttgart, EPSG:25832) in 200 cities of 10 × 5 under one region;
`bench/sql/region_generate.sql`, set-based: a consultation per city, 100 contributions per Quartier (1M;
83 % published, 10 % pending, 4 % rejected, 3 % hidden; linked to Quartier, city and region), 100k
measures (points, multipoints, lines, rectangles, city-wide; 7 % owned by the region: region-wide, cycle
routes of 8–20 km, parks, stops; 90 % published; ≈4 budget lines each 2022–2026; linked by the real
`measure_links_refresh()`), 12 indicators × 2 years for every Quartier and a default weighting per city.
The one-city database holds the central city's rows of the same generator, with the same ids (50
Quartiere, ≈5k contributions, ≈470 measures and their lines, indicator values, weighting) and the
region's own (its area, the ≈7k regional measures); the other 199 cities and what they own are missing.
`summary`: `GET /api/region/summary/` (200 cities: measures, budget, contributions, priorities) through
Django's test client (full middleware stack, `DEBUG` off, anonymous, body read) against its statement
`region.summary.summary_sql()` run with a bare psycopg cursor, every row fetched. `city_pages`: the same
pages of the central city (`HOME_CITY` = its AGS, so the short addresses serve it) — its city page
`/staedte/<ags>/` when that route exists, a Quartier profile, the report and its map data,
`/api/measures/?city=`, `/api/priorities/?city=`, the OGC API items of measures (`?city=`) and
contributions (`?bbox=` inside the city), each at its long address `/staedte/<ags>/…` where one exists —
in the region's database (endpoint) against the one-city database (floor), requests alternating
between the two connections (both open; switching is an assignment); the note says whether both
databases gave the same answer. Medians.
"""

import inspect
import json
import sys

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import Resolver404, resolve

from bench.core import Context, Row, benchmark, statements_of
from bench.region_synth import CITY_DB, QUARTIERE, REGION_DB, Region, counting_cpu, ensure_region, using

SUMMARY_TARGET = 1.3  # endpoint / bare SQL
CITY_TARGET = 1.2  # the page with 200 cities / the same page with 1
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
INNER_MARGIN_M = 200  # a bbox this far inside the city's envelope holds only the city's points


def order_sizes(sizes: list[int]) -> list[int]:
    return sorted(sizes)


def _skip(name: str, reason: str) -> list[Row]:
    print(f"  SKIPPED {name}: {reason}", file=sys.stderr)
    return []


def summary_statement(region_id: int) -> tuple[str, dict] | None:
    """``region.summary.summary_sql()`` (given the region's id if it asks for one), or None while the
    region's summary has no such function."""
    try:
        from region.summary import summary_sql
    except ImportError:
        return None
    required = [
        p
        for p in inspect.signature(summary_sql).parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return summary_sql(region_id) if required else summary_sql()


def bare(sql: str, params) -> list[tuple]:
    """The statement on a bare psycopg cursor of the current default connection, every row fetched."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def run_summary(ctx: Context, n: int, region: Region, *, samples: int | None = None) -> list[Row]:
    """The summary benchmark in the current database (which holds ``region``)."""
    statement = summary_statement(region.tiling.region_id)
    if statement is None:
        return _skip("region summary", "region.summary has no summary_sql() yet")
    sql, params = statement
    url = "/api/region/summary/"
    try:
        ctx.get(url)
    except AssertionError as error:
        return _skip("region summary", str(error)[:200])
    rows = bare(sql, params)
    ran = statements_of(ctx, url)
    count = samples or (3 if ctx.quick else 10)
    return [
        ctx.compare(
            "region summary",
            n,
            [url] * count,
            ctx.get,
            lambda _: bare(sql, params),
            target=SUMMARY_TARGET,
            floor_label="summary_sql(), bare",
            note=f"{len(rows):,} rows; the request ran {len(ran)} statement(s); "
            f"{region.tiling.cities:,} cities, {region.per_quartier * region.tiling.n:,} contributions, "
            f"{region.measures:,} measures",
        )
    ]


@benchmark(sizes=(QUARTIERE,))
def summary(ctx: Context, n: int) -> list[Row]:
    """`/api/region/summary/` (200 cities, 1M contributions, 100k measures) vs `summary_sql()` bare."""
    region = Region.sized(n)
    with using(REGION_DB):
        ensure_region(region)
        return run_summary(ctx, n, region)


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def city_urls(city: int, samples: int) -> list[tuple[str, list[str]]]:
    """The pages of ``city`` to time, each with its sample URLs (a Quartier profile cycles through the
    city's Quartiere), read from the current database. Routes that do not exist yet are left out."""
    from quartiere.models import Area

    code = Area.objects.values_list("code", flat=True).get(pk=city)
    slugs = list(Area.objects.filter(parent_id=city).order_by("id").values_list("slug", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM quartiere_area AS a "
            "CROSS JOIN LATERAL (SELECT ST_Transform(ST_Expand(ST_Envelope(a.geom), -%s), 4326)::box2d AS b) "
            "AS x WHERE a.id = %s",
            [INNER_MARGIN_M, city],
        )
        bbox = ",".join(f"{v:.6f}" for v in cursor.fetchone())
    long = f"/staedte/{code}/"
    pages: list[tuple[str, list[str]]] = []
    if _resolves(long):
        pages.append(("city page", [long] * samples))
    else:
        print(f"  note: {long} does not resolve (yet): the city page is left out", file=sys.stderr)
    profile = f"{long}quartiere/{{}}/" if _resolves(f"{long}quartiere/{slugs[0]}/") else "/quartiere/{}/"
    report = f"{long}bericht/" if _resolves(f"{long}bericht/") else "/bericht/"
    maps = f"{report}karten.json"
    pages += [
        ("Quartier profile", [profile.format(slugs[i % len(slugs)]) for i in range(samples)]),
        ("report", [report] * samples),
        ("report map data", [maps] * samples if _resolves(maps) else []),
        ("api measures", [f"/api/measures/?city={city}"] * samples),
        ("api priorities", [f"/api/priorities/?city={city}"] * samples),
        ("ogc measures items", [f"/ogc/collections/measures/items?city={city}&limit=1000"] * samples),
        (
            "ogc contributions items",
            [f"/ogc/collections/contributions/items?bbox={bbox}&limit=1000"] * samples,
        ),
    ]
    return [(name, urls) for name, urls in pages if urls]


def _same_answer(a: bytes, b: bytes) -> bool:
    try:
        return json.loads(a) == json.loads(b)
    except ValueError:
        return a == b


def run_city_pages(
    ctx: Context,
    n: int,
    city: int,
    code: str,
    *,
    many: str | None,
    one: str | None,
    samples: int | None = None,
) -> list[Row]:
    """Each page of ``city`` in database ``many`` (endpoint) against database ``one`` (floor)."""
    count = samples or max(ctx.samples // 5, 5)
    # DEBUG is off: the manifest storage would need collectstatic first; URLs without hashes cost the same
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
    rows = []
    with override_settings(HOME_CITY=code, STORAGES=storages), counting_cpu(many, one):
        with using(many):
            pages = city_urls(city, count)

        def get_in(which: str | None):
            def get(url: str) -> bytes:
                with using(which):
                    return ctx.get(url)

            return get

        for name, urls in pages:
            same = all(_same_answer(get_in(many)(url), get_in(one)(url)) for url in dict.fromkeys(urls))
            rows.append(
                ctx.compare(
                    f"city {name}",
                    n,
                    urls,
                    get_in(many),
                    get_in(one),
                    target=CITY_TARGET,
                    floor_label="same page, 1 city",
                    note=("same answer" if same else "answers differ") + f"; {urls[0]}",
                )
            )
    return rows


@benchmark(sizes=(QUARTIERE,))
def city_pages(ctx: Context, n: int) -> list[Row]:
    """A city's pages and API reads with 200 cities (1M contributions, 100k measures) vs with 1."""
    region = Region.sized(n)
    city = region.central_city
    with using(REGION_DB):
        ensure_region(region)
        from quartiere.models import Area

        code = Area.objects.values_list("code", flat=True).get(pk=city)
    with using(CITY_DB):
        ensure_region(region, only_city=city)
    return run_city_pages(ctx, n, city, code, many=REGION_DB, one=CITY_DB)
