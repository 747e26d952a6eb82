"""A synthetic functional region for ``bench/region.py``: 200 cities × 50 Quartiere, 1M contributions,
100k measures — in two databases of their own, the whole region and one of its cities alone.

The region's tiling (cities of 10 × 5 cells of 600 m, 60 km × 60 km around Stuttgart, EPSG:25832) is not
the one the other benchmarks share (cities of 10 × 10 cells of 800 m around Ludwigsburg): kept in the
same database, each would rebuild the other's data on every run. So the region lives in
``<name>_region_bench`` and the one-city comparison in ``<name>_city_bench`` (both created with PostGIS
and migrated on first use, datasets recorded with the markers of ``bench.synth``, reused across runs).
``using(name)`` makes Django's default connection one to that database for a block: both connections
stay open, so a benchmark can alternate between them request by request at the cost of an assignment.

The generator (``sql/region_generate.sql``) keys every row by global numbers, so the one-city database
holds exactly the rows that city has in the region, with the same ids (its Quartiere, consultation,
contributions, measures, budget lines, indicator values, weighting), plus the region's own rows (the
region's area and its regional measures); only the other 199 cities and what they own are missing.
"""

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend

from bench import core, database
from bench.synth import Tiling, build_tiling, ensure_dataset
from geo.sql import load
from measures.services import measure_links_refresh

REGION_VERSION = 3  # bump when sql/region_generate.sql or the parameters below change
CITIES_ACROSS, CITIES_DOWN = 10, 20  # 200 cities …
BLOCK, BLOCK_HEIGHT = 10, 5  # … of 10 × 5 = 50 Quartiere
QUARTIERE = CITIES_ACROSS * BLOCK * CITIES_DOWN * BLOCK_HEIGHT  # 10,000: 100 × 100 cells
CELL_M = 600.0  # 0.36 km² per Quartier, 18 km² per city, 3,600 km² in all (the real region: 3,654 km²)
STUTTGART = (513_000.0, 5_403_000.0)  # Schlossplatz, EPSG:25832
CONTRIBUTIONS_PER_QUARTIER = 100  # 1M
MEASURES_PER_QUARTIER = 10  # 100k
INDICATORS = 12
INDICATOR_YEARS = (2023, 2024)

REGION_DB = "region"
CITY_DB = "city"


@dataclass(frozen=True)
class Region:
    """The layout of a generated region: its tiling and the city compared alone (the one at the centre)."""

    tiling: Tiling
    per_quartier: int
    measures: int

    @classmethod
    def sized(cls, quartiere: int = QUARTIERE, *, block_height: int = BLOCK_HEIGHT) -> "Region":
        """The region of ``quartiere`` cells (10,000: 200 cities × 50), 100 contributions and 10 measures
        per Quartier. Smaller sizes (a smoke test) keep the density."""
        tiling = Tiling.for_n(
            quartiere, cell=CELL_M, centre=STUTTGART, block=BLOCK, block_height=block_height
        )
        return cls(tiling, CONTRIBUTIONS_PER_QUARTIER, MEASURES_PER_QUARTIER * quartiere)

    @property
    def central_city(self) -> int:
        """The id of the city whose block holds the tiling's central cell (ids as in ``bench.synth``:
        cities numbered by block, blocks row by row)."""
        t = self.tiling
        i, j = t.columns // 2, min(t.rows // 2, (t.n - 1) // t.columns)
        if j * t.columns + i >= t.n:
            i = (t.n - 1) % t.columns
        block = (j // t.block_rows) * -(-t.columns // t.block) + i // t.block
        # cities are numbered in block order, and every block below this one holds at least one cell
        return t.region_id + 1 + block

    def spec(self, only_city: int | None) -> dict:
        return {
            "version": REGION_VERSION,
            "per_quartier": self.per_quartier,
            "measures": self.measures,
            "indicators": INDICATORS,
            "years": list(INDICATOR_YEARS),
            "only_city": only_city,
            "areas": self.tiling.spec(),
        }

    def params(self, only_city: int | None) -> dict:
        return {
            "first_q": self.tiling.first_quartier_id,
            "n": self.tiling.n,
            "per_quartier": self.per_quartier,
            "measures": self.measures,
            "region_id": self.tiling.region_id,
            "only_city": only_city,
        }


def generate(region: Region, only_city: int | None = None) -> dict[str, float]:
    """Fill the current database with ``region`` (its tiling first; with ``only_city``, that city alone):
    rows, measure links by the real ``measure_links_refresh()``, indicators and weightings. Empties every
    table referencing areas. Returns the seconds of each step."""
    seconds = {}
    started = time.perf_counter()
    build_tiling(region.tiling.n, region.tiling)
    seconds["areas"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        step = time.perf_counter()
        cursor.execute(load(__file__, "region_generate"), region.params(only_city))
        seconds["rows"] = time.perf_counter() - step
        step = time.perf_counter()
        measure_links_refresh()
        seconds["links"] = time.perf_counter() - step
        step = time.perf_counter()
        cursor.execute(
            load(__file__, "planning_indicators_generate"),
            {"indicators": INDICATORS, "first_year": INDICATOR_YEARS[0], "last_year": INDICATOR_YEARS[1]},
        )
        seconds["indicators"] = time.perf_counter() - step
    return seconds


def ensure_region(region: Region, only_city: int | None = None) -> bool:
    """Make sure the current (benchmark) database holds ``region`` (with ``only_city``: that city alone).
    Idempotent (a marker records the spec); returns whether it built."""
    spec = region.spec(only_city)

    def present() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM quartiere_area WHERE level = 2")
            cities = cursor.fetchone()[0]
        return cities == (1 if only_city else region.tiling.cities)

    def build() -> None:
        steps = generate(region, only_city)
        print(" (" + ", ".join(f"{k} {v:.0f} s" for k, v in steps.items()) + ")", end="", file=sys.stderr)

    return ensure_dataset("region", spec, build, present=present, invalidates_all=True)


# --- the two databases ---------------------------------------------------------------------------------

_wrappers: dict[str, object] = {}


def database_name(which: str) -> str:
    """``<name>_region_bench`` / ``<name>_city_bench`` beside the benchmark database ``<name>_bench``."""
    main = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    base = main.removesuffix(database.BENCH_SUFFIX)
    return f"{base}_{which}{database.BENCH_SUFFIX}"


def _wrapper(which: str):
    if which not in _wrappers:
        default = connections[DEFAULT_DB_ALIAS]
        name = database_name(which)
        settings_dict = {**default.settings_dict, "NAME": name}
        if database.ensure_database(settings_dict, name):
            print(f"created database {name} (with PostGIS)", file=sys.stderr)
        backend = load_backend(settings_dict["ENGINE"])
        _wrappers[which] = backend.DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
        with _swapped(_wrappers[which]):
            from django.core.management import call_command

            started = time.perf_counter()
            call_command("migrate", interactive=False, verbosity=0)
            if time.perf_counter() - started > 5:
                print(f"migrated {name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return _wrappers[which]


@contextmanager
def _swapped(wrapper) -> Iterator[None]:
    previous = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = previous


@contextmanager
def using(which: str | None) -> Iterator[None]:
    """Within the block, Django's default connection (``django.db.connection``, every ORM query and
    view) is one to the database ``which`` (``REGION_DB`` or ``CITY_DB``), created and migrated on
    first use; it stays open afterwards. None: the default connection as it is (a test's database)."""
    if which is None:
        yield
        return
    with _swapped(_wrapper(which)):
        yield


@contextmanager
def counting_cpu(*which: str | None) -> Iterator[None]:
    """Within the block, the CPU time of the database backends of ``which`` counts in the timings
    (``bench.core.EXTRA_BACKEND_PIDS``) beside the default connection's."""
    pids = set()
    for name in which:
        if name is not None:
            wrapper = _wrapper(name)
            wrapper.ensure_connection()
            pids.add(wrapper.connection.info.backend_pid)
    core.EXTRA_BACKEND_PIDS.update(pids)
    try:
        yield
    finally:
        core.EXTRA_BACKEND_PIDS.difference_update(pids)


def close() -> None:
    """Close the connections to the two databases."""
    for wrapper in _wrappers.values():
        wrapper.close()
