"""Seeding the tile cache with MapProxy's seeder (``mapproxy.seed``): the tiles of some layers, grids and
levels within a box, written into the layers' current generations (the directories ``/wmts`` serves
from). ``manage.py mapproxy_seed`` (quartiere, which knows the cities' extents) calls ``seed``."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from mapproxy.config import local_base_config
from mapproxy.seed.config import SeedingConfiguration
from mapproxy.seed.seeder import seed as run_seed

from geo.wmts import config
from geo.wmts.service import current_generations, proxy_configuration

# The seeder's worker pool (multiprocess) imports dill, whose trace logger gets a stderr handler of its
# own that bypasses the configured, redacting ones (config.logs): it goes, and dill's records propagate
# to those handlers like every other library's.
_dill = logging.getLogger("dill")
for _handler in list(_dill.handlers):
    _dill.removeHandler(_handler)
_dill.propagate = True

LEVELS = {config.ADV_25832: len(config.ADV_RESOLUTIONS), config.GOOGLE: 20}


@dataclass(frozen=True)
class SeedPlan:
    layers: tuple[str, ...]
    grids: tuple[str, ...]
    levels: tuple[int, ...]
    bbox: tuple[float, float, float, float]  # lon/lat (EPSG:4326), x/y order


def parse_levels(text: str) -> tuple[int, ...]:
    """``"10"``, ``"8-12"`` or ``"8,10,12"`` → the levels; ``ValueError`` naming what is wrong."""
    levels: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise ValueError(f"levels: {part.strip()!r} is not a level or a range like 8-12")
        low, high = int(first), int(last or first)
        if high < low or high > 30:
            raise ValueError(f"levels: {part.strip()!r} is not a range of levels (0–30)")
        levels.update(range(low, high + 1))
    return tuple(sorted(levels))


def plan(
    layers: Sequence[str] | None,
    grids: Sequence[str] | None,
    levels: Sequence[int],
    bbox: tuple[float, float, float, float],
) -> SeedPlan:
    """A checked plan: known layers and grids, levels each grid has, a box in lon/lat."""
    known = [layer.id for layer in config.cached_layers()]
    chosen = tuple(layers or known)
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise ValueError(f"layers: not cached: {', '.join(unknown)}; choose from {', '.join(known)}")
    chosen_grids = tuple(grids or config.GRIDS)
    for grid in chosen_grids:
        if grid not in LEVELS:
            raise ValueError(f"grids: {grid!r} is not one of {', '.join(config.GRIDS)}")
        if max(levels) >= LEVELS[grid]:
            raise ValueError(f"levels: {grid} has levels 0–{LEVELS[grid] - 1}")
    west, south, east, north = bbox
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(
            "bbox: expected west,south,east,north in degrees (EPSG:4326), west < east, south < north"
        )
    return SeedPlan(chosen, chosen_grids, tuple(levels), bbox)


def seed(seed_plan: SeedPlan, *, concurrency: int = 2, dry_run: bool = False) -> None:
    """Fill the current generations' caches; tiles already cached are rendered again (``refresh``)."""
    conf = config.build(generations=current_generations())
    proxy = proxy_configuration(conf, seed=True)
    seeding = SeedingConfiguration(
        {
            "coverages": {"area": {"bbox": list(seed_plan.bbox), "srs": "EPSG:4326"}},
            "seeds": {
                "tiles": {
                    "caches": list(seed_plan.layers),
                    "grids": list(seed_plan.grids),
                    "levels": list(seed_plan.levels),
                    "coverages": ["area"],
                }
            },
        },
        mapproxy_conf=proxy,
    )
    with local_base_config(proxy.base_config):
        run_seed(seeding.seeds(), concurrency=concurrency, dry_run=dry_run)
