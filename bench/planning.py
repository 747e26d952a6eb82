"""Planning: the priority index of a city's Quartiere, and a Quartier profile page.

Data: `bench.synth.ensure_areas(10000)` (10,000 Quartiere of ≈0.64 km² in 100 cities of 10 × 10 under
one region) and `bench/sql/planning_generate.sql`, set-based in PostGIS: 100 contributions per Quartier
(1M, 85 % published, linked directly to their Quartier and city), 100k measures (half points, half
squares; 90 % published; two budget lines each; linked by the real `measure_links_refresh()`), and a
focus area in every tenth Quartier (linked by `focus_area_links_refresh()`). `priorities`:
`GET /api/priorities/?city=<id>` (100 Quartiere × 4 dimensions normalised within the city, and the
gaps) through Django's test client (full middleware stack, `DEBUG` off) against its priority statement
captured from the request and replayed with a bare psycopg cursor, every row fetched. `profile`:
`GET /quartiere/<slug>/` (the HTML page) against all of its statements replayed; the note gives the
number of statements, the same for every Quartier (no N+1).

The index rests on indicators: `bench/sql/planning_indicators_generate.sql` adds 12 indicators with a
value for every Quartier and year 2019–2024 (720k values at 10k; the last indicator misses its 2024
value in every 200th Quartier) and a default weighting per city choosing all 12, so `priorities` computes
the need per dimension from them; `priorities_sensitivity` is the same with `&sensitivity=1` (every
Quartier's rank under each of the 32 weight variants, ±20 %), against its statement likewise.
"""

import random
import sys
import time

from django.conf import settings
from django.db import connection
from django.test import override_settings

from bench.core import Context, Row, Statement, benchmark, replay, statements_of
from bench.synth import Tiling, dataset_spec, ensure_areas, ensure_dataset
from geo.sql import load
from measures.models import Measure
from measures.services import measure_links_refresh
from planning.services import focus_area_links_refresh

QUARTIERE = 10_000  # N; smaller sizes (--sizes) scale everything down for a smoke run
CONTRIBUTIONS_PER_QUARTIER = 100
MEASURES_PER_QUARTIER = 10
TARGET = 1.3  # endpoint / bare SQL
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
PLANNING_VERSION = 1  # bump when planning_generate.sql changes
INDICATORS = 12
YEARS = (2019, 2024)
INDICATORS_VERSION = 1  # bump when planning_indicators_generate.sql changes


def order_sizes(sizes: list[int]) -> list[int]:
    return sorted(sizes)


def ensure_planning_data(n: int) -> Tiling:
    """``n`` Quartiere with 100 contributions and 10 measures per Quartier and a focus area in every
    tenth (at 10k: 1M contributions, 100k measures, 1k focus areas; see the module doc)."""
    tiling = ensure_areas(n)
    measures = MEASURES_PER_QUARTIER * n
    spec = {
        "version": PLANNING_VERSION,
        "per_quartier": CONTRIBUTIONS_PER_QUARTIER,
        "measures": measures,
        "areas": dataset_spec("areas"),
    }

    def build() -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                load(__file__, "planning_generate"),
                {"per_quartier": CONTRIBUTIONS_PER_QUARTIER, "measures": measures},
            )
        generated = time.perf_counter() - started
        measure_links_refresh()
        focus_area_links_refresh()
        print(
            f" (rows {generated:.0f} s, links {time.perf_counter() - started - generated:.0f} s)",
            end="",
            file=sys.stderr,
        )

    ensure_dataset(
        "planning",
        spec,
        build,
        present=lambda: Measure.objects.filter(title__startswith="Bench-Maßnahme").count() == measures,
    )
    return tiling


def ensure_indicator_data(n: int) -> Tiling:
    """The planning data of ``ensure_planning_data`` and 12 indicators × 6 years of values for every
    Quartier, with a default weighting per city choosing them all."""
    tiling = ensure_planning_data(n)
    spec = {
        "version": INDICATORS_VERSION,
        "indicators": INDICATORS,
        "years": list(YEARS),
        "planning": dataset_spec("planning"),
    }

    def build() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                load(__file__, "planning_indicators_generate"),
                {"indicators": INDICATORS, "first_year": YEARS[0], "last_year": YEARS[1]},
            )

    def present() -> bool:
        from planning.models import Weighting

        return Weighting.objects.filter(slug="bench", is_default=True).count() == tiling.cities

    ensure_dataset("planning_indicators", spec, build, present=present)
    return tiling


def _cities(tiling: Tiling, count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [2 + rng.randrange(tiling.cities) for _ in range(count)]


def _priority_statement(statements: list[Statement]) -> list[Statement]:
    return [s for s in statements if "participation_contributionarea" in s.sql][-1:]


def _index(ctx: Context, n: int, name: str, query: str) -> Row:
    tiling = ensure_indicator_data(n)
    samples = []
    for city in _cities(tiling, ctx.samples // 2, ctx.seed):
        url = f"/api/priorities/?city={city}{query}"
        samples.append((url, _priority_statement(statements_of(ctx, url))))
    return ctx.compare(
        name,
        n,
        samples,
        lambda s: ctx.get(s[0]),
        lambda s: replay(s[1]),
        target=TARGET,
        note=(
            f"{CONTRIBUTIONS_PER_QUARTIER * n:,} contributions, {MEASURES_PER_QUARTIER * n:,} measures, "
            f"{INDICATORS} indicators × {YEARS[1] - YEARS[0] + 1} years"
        ),
    )


@benchmark(sizes=(QUARTIERE,))
def priorities(ctx: Context, n: int) -> list[Row]:
    """`/api/priorities/?city=` (100 Quartiere, 4 dimensions, 12 indicators, gaps) vs its statement."""
    return [_index(ctx, n, "planning.priorities", "")]


@benchmark(sizes=(QUARTIERE,))
def priorities_sensitivity(ctx: Context, n: int) -> list[Row]:
    """`/api/priorities/?city=…&sensitivity=1` (each rank under 32 weight variants) vs its statement."""
    return [_index(ctx, n, "planning.priorities_sensitivity", "&sensitivity=1")]


@benchmark(sizes=(QUARTIERE,))
def profile(ctx: Context, n: int) -> list[Row]:
    """`/quartiere/<slug>/` with 10 measures per Quartier (100k at 10k): time and number of statements."""
    tiling = ensure_planning_data(n)
    rng = random.Random(ctx.seed)
    samples = []
    counts = set()
    # DEBUG is off: the manifest storage would need collectstatic first; URLs without hashes cost the same
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}):
        for _ in range(ctx.samples // 4):
            url = f"/quartiere/quartier-{rng.randrange(tiling.n)}/"
            statements = statements_of(ctx, url)
            counts.add(len(statements))
            samples.append((url, statements))
        return [_compare_profile(ctx, n, samples, counts)]


def _compare_profile(ctx: Context, n: int, samples: list, counts: set[int]) -> Row:
    return ctx.compare(
        "planning.profile",
        n,
        samples,
        lambda s: ctx.get(s[0]),
        lambda s: replay(s[1]),
        target=None,
        floor_label="its statements",
        note=f"{'/'.join(str(c) for c in sorted(counts))} SQL statements per page (any Quartier)",
    )
