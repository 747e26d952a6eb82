"""The priority index per Quartier and the gap analysis (method: docs/priorities.md).

One SQL statement per call (``sql/priorities.sql``, wrapped by ``sql/priorities_json.sql`` for the
API); the JSON is built by PostgreSQL. Weights come from settings and may be overridden per request
with ``?weights=demand:0.6,supply:0.2,coverage:0.2,problem:1,praise:0`` (``parse_weights``).
"""

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from geo.sql import load
from participation.models import Category

COMPONENTS = ("demand", "supply", "coverage")
DIMENSIONS = ("all", "just", "green", "productive")
MAX_WEIGHT = 1000.0
_PAIR = re.compile(r"^\s*([a-z_]{1,20})\s*[:=]\s*([^,:=]{1,30})\s*$")


class WeightsInvalid(ValueError):
    """``?weights=`` cannot be used; the message says why."""


@dataclass(frozen=True)
class Weights:
    """Relative weights of the three components, and of the contribution categories in the demand."""

    demand: float
    supply: float
    coverage: float
    categories: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "demand": self.demand,
            "supply": self.supply,
            "coverage": self.coverage,
            "categories": dict(self.categories),
        }

    def sql_params(self) -> dict[str, Any]:
        names = sorted(self.categories)
        return {
            "w_demand": self.demand,
            "w_supply": self.supply,
            "w_coverage": self.coverage,
            "categories": names,
            "category_weights": [self.categories[name] for name in names],
        }


def default_weights() -> Weights:
    """The weights of the settings ``PLANNING_PRIORITY_WEIGHTS`` and ``PLANNING_CATEGORY_WEIGHTS``;
    categories missing there weigh 1."""
    components = settings.PLANNING_PRIORITY_WEIGHTS
    categories = {c: float(settings.PLANNING_CATEGORY_WEIGHTS.get(c, 1.0)) for c in Category.values}
    return Weights(
        demand=float(components["demand"]),
        supply=float(components["supply"]),
        coverage=float(components["coverage"]),
        categories=categories,
    )


def _number(key: str, text: str) -> float:
    # ASCII digits and one dot only: float() would also take "nan", "1e400", "١" …
    if not re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,6})?", text):
        raise WeightsInvalid(f"the weight of {key!r} must be a number like 0.5, not {text[:30]!r}")
    value = float(text)
    if not (math.isfinite(value) and 0 <= value <= MAX_WEIGHT):
        raise WeightsInvalid(f"the weight of {key!r} must lie between 0 and {MAX_WEIGHT:g}")
    return value


def parse_weights(raw: str | None, base: Weights | None = None) -> Weights:
    """``base`` (default: the settings) with the weights named in ``raw`` replaced: a comma-separated
    list of ``key:number`` pairs; keys are the components (demand, supply, coverage) and the
    categories. Unknown or repeated keys, bad numbers and all-zero component weights are rejected."""
    base = base or default_weights()
    if raw is None or raw.strip() == "":
        return base
    if len(raw) > 400:
        raise WeightsInvalid("is too long")
    values = base.as_dict()
    categories = dict(values.pop("categories"))
    seen: set[str] = set()
    for part in raw.split(","):
        match = _PAIR.match(part)
        if match is None:
            raise WeightsInvalid(f"expected key:number pairs separated by commas, got {part.strip()[:40]!r}")
        key, number = match.group(1), match.group(2).strip()
        if key in seen:
            raise WeightsInvalid(f"{key!r} is given twice")
        seen.add(key)
        if key in COMPONENTS:
            values[key] = _number(key, number)
        elif key in categories:
            categories[key] = _number(key, number)
        else:
            known = ", ".join([*COMPONENTS, *sorted(categories)])
            raise WeightsInvalid(f"unknown key {key[:20]!r}; known: {known}")
    if values["demand"] + values["supply"] + values["coverage"] <= 0:
        raise WeightsInvalid("at least one of demand, supply and coverage needs a weight above 0")
    return Weights(categories=categories, **values)


def _params(*, city: int | None, dimension: str | None, weights: Weights) -> dict[str, Any]:
    return {
        "city": city,
        "dimension": dimension,
        **weights.sql_params(),
        "gap_min_demand": float(settings.PLANNING_GAP_MIN_DEMAND),
        "gap_min_difference": float(settings.PLANNING_GAP_MIN_DIFFERENCE),
    }


def core_params(weights: Weights) -> dict[str, Any]:
    """The parameters of ``core_sql`` for every city and dimension with ``weights``."""
    return _params(city=None, dimension=None, weights=weights)


def core_sql(supply: str | None = None) -> str:
    """The index's statement; ``supply`` replaces the CTEs ``located`` and ``money`` of the published
    measures (``sql/supply_published.sql``) with another set of measures of the same shape, e.g. a
    scenario's (code-owned SQL text only, never anything a person wrote)."""
    return load(__file__, "priorities").replace("{supply}", supply or load(__file__, "supply_published"))


@dataclass(frozen=True)
class Supply:
    """Another set of measures for the index's planned supply (e.g. a scenario's): ``sql`` defines the
    CTEs ``located`` and ``money`` like ``sql/supply_published.sql``; ``params`` are its own bound
    parameters (names must not clash with the index's)."""

    sql: str
    params: dict[str, Any] = field(default_factory=dict)


def priorities_json(
    *, city: int, dimension: str | None, weights: Weights, supply: Supply | None = None
) -> tuple[str, str]:
    """The priority rows of the Quartiere of ``city`` (one per Quartier and dimension; ``dimension``
    None: 'all', 'just', 'green', 'productive') and the gaps, as two JSON arrays (text) built by
    PostgreSQL in one statement. Demand is per 1,000 inhabitants, budget in EUR per inhabitant,
    coverage a share of the Quartier's surface (m²/m², EPSG:25832)."""
    query = load(__file__, "priorities_json").replace("{core}", core_sql(supply.sql if supply else None))
    params = _params(city=city, dimension=dimension, weights=weights)
    if supply is not None:
        params.update(supply.params)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        results, gaps = cursor.fetchone()
    return results, gaps


def priorities(
    *, city: int, dimension: str | None = None, weights: Weights | None = None, supply: Supply | None = None
) -> dict[str, list]:
    """``priorities_json`` parsed: ``{"results": [...], "gaps": [...]}`` (for pages and exports);
    ``supply``: another set of measures than the published ones (a scenario's)."""
    results, gaps = priorities_json(
        city=city, dimension=dimension, weights=weights or default_weights(), supply=supply
    )
    return {"results": json.loads(results), "gaps": json.loads(gaps)}
