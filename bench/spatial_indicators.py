"""Spatial indicators: recomputing one over 10k Quartiere and 100k features.

Data: `bench.synth.ensure_areas(10000)` (the shared tiling: 10,000 Quartiere of ≈0.64 km² in 100
cities) and two reference layers of N features each from `bench/sql/spatial_generate.sql`, uniformly
random (seeded) over the tiling: green-space rectangles of 20–120 m (some overlapping) and stop points.
`area_share`: the share of each area covered by the green spaces; `share_within`: the share of each area
within 300 m of a stop. Endpoint: the service `indicators.spatial.compute` (the method's one set-based
statement for the 10,100 areas of the city and Quartier levels, its values replacing the indicator's
old ones in one transaction, under the indicator's advisory lock). Floor: the method's statement alone
(`indicators/sql/spatial_cover.sql` / `spatial_within.sql`), run with a bare psycopg cursor, every row
fetched; the values are checked equal to the stored ones first. Endpoint (A) and floor (B) alternate
ABBA (AB with --quick); medians, p90 column = the slowest run.
"""

import statistics
import time

from django.db import connection, transaction

from bench.core import Context, Row, benchmark
from bench.synth import dataset_spec, ensure_areas, ensure_dataset
from geo.sql import load
from indicators import spatial
from indicators.models import Indicator, IndicatorValue, ReferenceLayer, SpatialIndicator

QUARTIERE = 10_000
SIZES = (100_000,)
TARGET = 1.3  # service / bare SQL
SPATIAL_VERSION = 1  # bump when spatial_generate.sql changes
DISTANCE = 300  # m
LAYERS = {"bench_gruen": "Bench green spaces", "bench_halt": "Bench stops"}
INDICATORS = {
    "bench_gruen_anteil": ("bench_gruen", "area_share", None),
    "bench_halt_300m": ("bench_halt", "share_within", DISTANCE),
}


def build(n: int) -> None:
    tiling = ensure_areas(QUARTIERE)
    Indicator.objects.filter(key__in=INDICATORS).delete()
    ReferenceLayer.objects.filter(name__in=LAYERS).delete()
    layers = {
        name: ReferenceLayer.objects.create(
            name=name, title=title, year=2024, illustrative=True, feature_count=n
        )
        for name, title in LAYERS.items()
    }
    with connection.cursor() as cursor:
        cursor.execute(
            load(__file__, "spatial_generate"),
            {
                "polygons": layers["bench_gruen"].pk,
                "points": layers["bench_halt"].pk,
                "n": n,
                "x0": tiling.x0,
                "y0": tiling.y0,
                "width": tiling.columns * tiling.cell,
                "height": tiling.rows * tiling.cell,
            },
        )
    for key, (layer, method, distance) in INDICATORS.items():
        indicator = Indicator.objects.create(
            key=key,
            name_de=key,
            name_en=key,
            unit="%",
            dimension="green",
            direction="less_need",
            illustrative=True,
        )
        SpatialIndicator.objects.create(
            indicator=indicator, layer=layers[layer], method=method, distance=distance
        )


def ensure_layers(n: int) -> None:
    ensure_areas(QUARTIERE)
    spec = {"version": SPATIAL_VERSION, "n": n, "areas": dataset_spec("areas")}

    def present() -> bool:
        return SpatialIndicator.objects.filter(indicator__key__in=INDICATORS).count() == len(INDICATORS)

    ensure_dataset("spatial_indicators", spec, lambda: build(n), present=present)


def bare(spatial_indicator: SpatialIndicator) -> list[tuple]:
    """The method's statement with a bare cursor, in a transaction as the service runs it."""
    sql = spatial.values_sql(spatial_indicator.method)
    params = spatial.values_params(spatial_indicator)
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _row(ctx: Context, n: int, key: str) -> Row:
    spatial_indicator = SpatialIndicator.objects.select_related("indicator", "layer").get(indicator__key=key)
    stored = spatial.compute(spatial_indicator)
    floor_rows = {area: round(value, 6) for area, value in bare(spatial_indicator) if value is not None}
    values = dict(IndicatorValue.objects.filter(indicator__key=key).values_list("area_id", "value"))
    if stored != len(floor_rows) or any(abs(values[a] - v) > 1e-6 for a, v in floor_rows.items()):
        raise AssertionError(f"{key}: the stored values differ from the bare statement's")
    # a computation takes tens of seconds: timed ABBA (2 runs a side; AB with --quick) rather than
    # through ctx.compare's warm-up and rounds (the data were just read: the cache is warm)
    order = "AB" if ctx.quick else "ABBA"
    walls: dict[str, list[float]] = {"A": [], "B": []}
    ctx.prioritise()
    for side in order:
        run = (
            (lambda: spatial.compute(spatial_indicator)) if side == "A" else (lambda: bare(spatial_indicator))
        )
        started = time.perf_counter()
        run()
        walls[side].append((time.perf_counter() - started) * 1000)
    name = spatial_indicator.method + (
        f" {spatial_indicator.distance} m" if spatial_indicator.distance else ""
    )
    return Row(
        name=name,
        n=n,
        endpoint_ms=statistics.median(walls["A"]),
        floor_ms=statistics.median(walls["B"]),
        target=TARGET,
        samples=len(walls["A"]),
        floor="bare SQL (the method's statement)",
        note=f"{stored:,} areas (10,000 Quartiere + 100 cities)",
        endpoint_p90_ms=max(walls["A"]),
        floor_p90_ms=max(walls["B"]),
    )


@benchmark(sizes=SIZES)
def compute(ctx: Context, n: int) -> list[Row]:
    """Recompute a spatial indicator over 10k Quartiere from ``n`` features vs the method's bare SQL."""
    ensure_layers(n)
    return [_row(ctx, n, key) for key in INDICATORS]
