"""Synthetic data for the benchmarks, generated set-based in PostGIS.

Datasets are idempotent: each records a marker (its spec) in the small table ``bench_dataset``, and
``ensure_*`` rebuilds only when the marker is missing or different. Everything builds on the areas,
so rebuilding the areas empties every table that references them (``TRUNCATE … CASCADE``) and drops
every other marker: a generator for measures or contributions records the areas' spec in its own
spec (``dataset_spec("areas")``) and is rebuilt after the areas change.
"""

import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from bench.database import is_bench_database
from geo.sql import load

# Bump when the generated data changes, so that existing datasets are rebuilt.
AREAS_VERSION = 1
CELL_SIZE_M = 800.0  # a cell of 800 m × 800 m ≈ 0.64 km², jittered to ≈ 0.5–0.8 km²
SEGMENTS_PER_EDGE = 7  # 4 × 7 = 28 vertices per Quartier
JITTER = 0.12  # corner displacement, share of the cell size
WIGGLE = 0.04  # displacement of intermediate vertices across their edge, share of the cell size
CITY_BLOCK = 10  # a city per block of 10 × 10 Quartiere
CENTRE = (513_000.0, 5_417_000.0)  # Ludwigsburg in EPSG:25832


@dataclass(frozen=True)
class Tiling:
    """Layout of a generated tiling of ``n`` Quartiere: ``columns`` × ``rows`` cells (the last row may be
    partial), origin ``x0``/``y0`` and ``cell`` size in EPSG:25832 metres. Ids: the region is 1, the cities
    follow, then the Quartiere in cell order (cell c has id ``first_quartier_id + c``)."""

    n: int
    columns: int
    rows: int
    x0: float
    y0: float
    cell: float = CELL_SIZE_M
    block: int = CITY_BLOCK
    # the height of a city's block in cells (None: square blocks of ``block`` × ``block``)
    block_height: int | None = None

    @classmethod
    def for_n(
        cls,
        n: int,
        *,
        cell: float = CELL_SIZE_M,
        centre: tuple[float, float] = CENTRE,
        block: int = CITY_BLOCK,
        block_height: int | None = None,
    ) -> "Tiling":
        """The tiling of ``n`` cells of ``cell`` metres centred on ``centre`` (EPSG:25832), a city per
        block of ``block`` columns × ``block_height`` rows (default: square)."""
        if n < 1:
            raise ValueError("a tiling needs at least one Quartier")
        columns = math.ceil(math.sqrt(n))
        rows = math.ceil(n / columns)
        return cls(
            n=n,
            columns=columns,
            rows=rows,
            x0=centre[0] - columns * cell / 2,
            y0=centre[1] - rows * cell / 2,
            cell=cell,
            block=block,
            block_height=None if block_height == block else block_height,
        )

    @property
    def block_rows(self) -> int:
        """The height of a city's block in cells."""
        return self.block_height or self.block

    @property
    def cities(self) -> int:
        # blocks per block-row: its first row is its fullest
        total = 0
        for block_row in range(math.ceil(self.rows / self.block_rows)):
            in_first_row = min(self.columns, self.n - block_row * self.block_rows * self.columns)
            total += math.ceil(in_first_row / self.block)
        return total

    @property
    def region_id(self) -> int:
        return 1

    @property
    def first_quartier_id(self) -> int:
        return 2 + self.cities

    @property
    def total(self) -> int:
        """Rows in ``quartiere_area``: the region, the cities and the Quartiere."""
        return 1 + self.cities + self.n

    def spec(self) -> dict:
        spec = {
            "version": AREAS_VERSION,
            "n": self.n,
            "cell": self.cell,
            "segments": SEGMENTS_PER_EDGE,
            "jitter": JITTER,
            "wiggle": WIGGLE,
            "block": self.block,
        }
        # only where they differ from the shared tiling's, whose spec (and data) stay as they were
        if self.block_height is not None:
            spec["block_height"] = self.block_height
        centre = (self.x0 + self.columns * self.cell / 2, self.y0 + self.rows * self.cell / 2)
        default = Tiling.for_n(self.n, cell=self.cell)
        if (self.x0, self.y0) != (default.x0, default.y0):
            spec["centre"] = [round(centre[0], 3), round(centre[1], 3)]
        return spec

    def sql_params(self) -> dict:
        return {
            "n": self.n,
            "w": self.columns,
            "h": self.rows,
            "s": self.cell,
            "m": SEGMENTS_PER_EDGE,
            "jitter": JITTER,
            "wiggle": WIGGLE,
            "x0": self.x0,
            "y0": self.y0,
            "block": self.block,
            "block_rows": self.block_rows,
            "block_columns": math.ceil(self.columns / self.block),
        }


def build_tiling(n: int, tiling: Tiling | None = None) -> Tiling:
    """Replace all areas by a tiling of ``n`` Quartier-like polygons (EPSG:25832), ``CITY_BLOCK``² of them
    per city (city geometry = union of its Quartiere) under one region (the union of all).

    Cells of ≈0.64 km² on a jittered grid with 28 vertices each; neighbours share their vertices exactly,
    so the Quartiere neither overlap nor leave gaps. The outline of the tiling is straight.
    Empties ``quartiere_area`` and every table referencing it (``TRUNCATE … CASCADE``), so call it only in
    the benchmark database or inside a transaction that is rolled back (a test). Deterministic: the same
    ``n`` gives the same data. Run it inside a transaction (the temporary tables live until commit).
    ``tiling``: another layout of the ``n`` cells (``Tiling.for_n(n, …)``: cell size, centre, blocks)."""
    tiling = tiling or Tiling.for_n(n)
    if tiling.n != n:
        raise ValueError(f"the tiling has {tiling.n} cells, not {n}")
    params = tiling.sql_params()
    with connection.cursor() as cursor:
        # TRUNCATE refuses to run while deferred foreign-key checks of this transaction are pending
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE quartiere_area RESTART IDENTITY CASCADE")
        for step in ("tiling_corners", "tiling_edges", "tiling_cells", "tiling_insert"):
            cursor.execute(load(__file__, step), params)
    return tiling


# --- dataset markers -------------------------------------------------------------------------------------

MARKER_TABLE = """
CREATE TABLE IF NOT EXISTS bench_dataset (
    name text PRIMARY KEY,
    spec jsonb NOT NULL,
    built_at timestamptz NOT NULL DEFAULT now(),
    seconds double precision
)"""


def _require_bench_database() -> None:
    name = connection.settings_dict["NAME"]
    if not is_bench_database(name):
        raise RuntimeError(f"refusing to generate benchmark data in {name!r}: not a benchmark database")


def dataset_spec(name: str) -> dict | None:
    """The spec recorded for dataset ``name`` in the benchmark database, or None."""
    with connection.cursor() as cursor:
        cursor.execute(MARKER_TABLE)
        cursor.execute("SELECT spec FROM bench_dataset WHERE name = %s", [name])
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def ensure_dataset(
    name: str,
    spec: dict,
    build: Callable[[], None],
    *,
    present: Callable[[], bool] = lambda: True,
    invalidates_all: bool = False,
) -> bool:
    """Make sure dataset ``name`` as described by ``spec`` (JSON-able) is in the benchmark database.

    Skips when the recorded marker equals ``spec`` and ``present()`` confirms the rows are there;
    otherwise runs ``build()`` in one transaction without statement timeout, ANALYZEs and records the
    marker. With ``invalidates_all`` every other marker is dropped too (their data depended on this one).
    Returns whether it built."""
    _require_bench_database()
    if dataset_spec(name) == spec and present():
        return False
    started = time.perf_counter()
    print(f"  generating {name} {json.dumps(spec)} …", end="", file=sys.stderr, flush=True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        build()
        cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        if invalidates_all:
            cursor.execute("DELETE FROM bench_dataset")
        cursor.execute(
            "INSERT INTO bench_dataset (name, spec, seconds) VALUES (%s, %s::jsonb, %s) "
            "ON CONFLICT (name) DO UPDATE "
            "SET spec = excluded.spec, built_at = now(), seconds = excluded.seconds",
            [name, json.dumps(spec), seconds],
        )
    print(f" {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return True


def ensure_areas(n: int) -> Tiling:
    """Make sure the benchmark database holds exactly the tiling of ``n`` Quartiere (see ``build_tiling``):
    one region, ⌈n/100⌉-ish cities, ``n`` Quartiere in EPSG:25832, ANALYZEd.

    Idempotent: nothing happens when that tiling is already there. Otherwise every area is replaced,
    which also empties all tables referencing areas (measures, contributions, …) and drops their
    dataset markers, so generators that build on areas must call ``ensure_areas`` first and record
    ``dataset_spec("areas")`` in their own spec. Takes ≈1 s per 10k Quartiere on 2 cores."""
    tiling = Tiling.for_n(n)

    def present() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM quartiere_area")
            return cursor.fetchone()[0] == tiling.total

    ensure_dataset("areas", tiling.spec(), lambda: build_tiling(n), present=present, invalidates_all=True)
    return tiling
