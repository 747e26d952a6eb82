"""Measures: linking, an area's measures with the inherited ones, and the budget summary.

Data: `bench.synth.ensure_areas(1000)` (1,000 Quartiere of ≈0.64 km² in cities of 10 × 10 under one
region) and N synthetic measures (N = 10k / 100k) from `bench/sql/measures_generate.sql`, generated
set-based in PostGIS: 40 % points, 5 % multipoints, 25 % lines and 15 % rectangles around random
Quartiere (many crossing Quartier boundaries), 10 % city-wide and 5 % region-wide; 90 % published;
≈4 budget lines each (2022–2026); linked by `measure_links_refresh()`. Endpoints run through Django's
test client (full middleware stack, `DEBUG` off, anonymous: published measures only); the linking
service is called directly. Floor: the statements the endpoint or service ran, captured from it and
replayed with a bare psycopg cursor on the same connection, every row fetched; the linking's delete +
insert and the budget's `SET LOCAL jit = off` + summary each in one transaction, as the code runs them.
"""

import json
import random

from django.db import connection

from bench.core import Context, Row, benchmark, capture_sql, replay, statements_of
from bench.synth import Tiling, dataset_spec, ensure_areas, ensure_dataset
from geo.sql import load
from measures.models import Measure, MeasureArea
from measures.services import measure_links_refresh

QUARTIERE = 1_000
SIZES = (10_000, 100_000)
TARGET = 1.5  # endpoint / bare SQL
MEASURES_VERSION = 1  # bump when measures_generate.sql changes


def order_sizes(sizes: list[int]) -> list[int]:
    """Ascending, but the size already in the database first: one rebuild fewer."""
    spec = dataset_spec("measures") or {}
    return sorted(sizes, key=lambda n: (n != spec.get("n"), n))


def ensure_measures(n: int) -> Tiling:
    """Make sure the benchmark database holds ``QUARTIERE`` tiled Quartiere and exactly the ``n``
    synthetic measures of ``measures_generate.sql`` with their budget lines and area links."""
    tiling = ensure_areas(QUARTIERE)
    spec = {"version": MEASURES_VERSION, "n": n, "areas": dataset_spec("areas")}

    def build() -> None:
        with connection.cursor() as cursor:
            cursor.execute(load(__file__, "measures_generate"), {"n": n})
        measure_links_refresh()

    ensure_dataset("measures", spec, build, present=lambda: Measure.objects.count() == n)
    return tiling


def _statement_timeout_off() -> None:
    # linking 100k measures may take longer than a web request is allowed to; both sides run without it
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")


@benchmark(sizes=SIZES)
def link_all(ctx: Context, n: int) -> list[Row]:
    """`measure_links_refresh()` for all N measures vs its two statements (delete, insert) replayed in
    one transaction with a bare cursor."""
    ensure_measures(n)
    _statement_timeout_off()
    with capture_sql() as statements:
        written = measure_links_refresh()
    if (
        len(statements) != 2
        or "DELETE FROM" not in statements[0].sql
        or "INSERT INTO" not in statements[1].sql
    ):
        raise AssertionError(
            f"measure_links_refresh ran {len(statements)} statements, expected delete + insert"
        )

    def floor(_) -> int:
        conn = connection.connection
        with conn.transaction(), conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
            return cursor.rowcount

    if floor(None) != written or MeasureArea.objects.count() != written:
        raise AssertionError("the replayed statements wrote other links than the service")
    # each run takes seconds at 100k: one sample (warm-up 2 + 3 timed runs per side)
    samples = [None] * (1 if n > 20_000 or ctx.quick else 3)
    row = ctx.compare(
        "link all measures",
        n,
        samples,
        lambda _: measure_links_refresh(),
        floor,
        target=TARGET,
        floor_label="bare SQL (delete + insert)",
        note=f"{written:,} links",
    )
    return [row]


@benchmark(sizes=SIZES)
def area_measures(ctx: Context, n: int) -> list[Row]:
    """`GET /api/areas/{id}/measures/?include=inherited` of a random Quartier (first page of 100) vs
    the statements it runs, replayed."""
    tiling = ensure_measures(n)
    rng = random.Random(ctx.seed)
    samples, matched = [], []
    for _ in range(ctx.samples):
        area_id = tiling.first_quartier_id + rng.randrange(tiling.n)
        url = f"/api/areas/{area_id}/measures/?include=inherited"
        statements = statements_of(ctx, url)
        body = json.loads(ctx.get(url))
        count, returned, features = replay(statements)[0]
        if body["numberMatched"] != count or body["features"] != json.loads(f"[{features}]"):
            raise AssertionError(f"{url}: endpoint differs from its SQL")
        matched.append(count)
        samples.append((url, statements))
    row = ctx.compare(
        "area measures inherited",
        n,
        samples,
        lambda sample: ctx.get(sample[0]),
        lambda sample: replay(sample[1]),
        target=TARGET,
        note=f"{min(matched):,}–{max(matched):,} matched, 100 returned",
    )
    return [row]


def replay_in_transaction(statements: list) -> list[tuple]:
    """Like ``replay``, in one transaction as the endpoint runs them: its ``SET LOCAL jit = off`` then
    holds for the floor too. The rows of the last statement that returns any."""
    conn = connection.connection
    rows: list[tuple] = []
    with conn.transaction(), conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.sql, statement.params)
            if cursor.description is not None:
                rows = cursor.fetchall()
    return rows


def _budget_samples(ctx: Context, urls: list[str]) -> list[tuple[str, list]]:
    samples = []
    for url in urls:
        statements = statements_of(ctx, url)
        if not any("SET LOCAL jit" in s.sql for s in statements):
            raise AssertionError(f"{url}: the endpoint no longer turns JIT off; adapt the floor")
        body = json.loads(ctx.get(url))
        rows = replay_in_transaction(statements)
        total = rows[0]  # the total row comes first (is_total DESC)
        if not total[0] or str(total[7]) != body["total"]["total"] or len(rows) - 1 != len(body["groups"]):
            raise AssertionError(f"{url}: endpoint differs from its SQL")
        samples.append((url, statements))
    return samples


@benchmark(sizes=SIZES)
def budget(ctx: Context, n: int) -> list[Row]:
    """`GET /api/budget/`: a city by area (its Quartiere and wide rows), a Quartier by year, and all
    cities by year (every published measure's budget lines), vs the statements each runs, replayed."""
    tiling = ensure_measures(n)
    rng = random.Random(ctx.seed + 2)
    quartiere = [tiling.first_quartier_id + rng.randrange(tiling.n) for _ in range(ctx.samples)]
    cities = list(range(tiling.region_id + 1, tiling.region_id + 1 + tiling.cities))  # ids, see Tiling
    cases = [
        (
            "budget city by area",
            [f"/api/budget/?city={rng.choice(cities)}&group_by=area" for _ in range(ctx.samples)],
        ),
        ("budget quartier by year", [f"/api/budget/?area={q}&group_by=year" for q in quartiere]),
        # the heaviest: every line of every published measure; fewer samples at 100k
        ("budget all by year", ["/api/budget/?group_by=year"] * (ctx.samples if n <= 20_000 else 10)),
    ]
    rows = []
    for name, urls in cases:
        samples = _budget_samples(ctx, urls)
        rows.append(
            ctx.compare(
                name,
                n,
                samples,
                lambda sample: ctx.get(sample[0]),
                lambda sample: replay_in_transaction(sample[1]),
                target=TARGET,
                floor_label="bare SQL (one transaction)",
            )
        )
    return rows
