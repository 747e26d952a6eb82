"""The priority index per Quartier and the gap analysis (method: docs/priorities.md).

One SQL statement per call (``sql/priorities.sql``, wrapped by ``sql/priorities_json.sql`` for the
API); the JSON is built by PostgreSQL. Weights come from the city's saved weighting (planning.weightings;
the settings when it has none) and may be overridden per request with
``?weights=indicators:1,demand:0.6,supply:0.2,coverage:0.2,problem:1,praise:0,ind.sgb2_quote:2``
(``parse_weights``).
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

COMPONENTS = ("indicators", "demand", "supply", "coverage")
DIMENSIONS = ("all", "just", "green", "productive")
MAX_WEIGHT = 1000.0
INDICATOR_PREFIX = "ind."
SENSITIVITY_FACTORS = (0.8, 1.2)  # each weight moved by −20 % and +20 %
_PAIR = re.compile(r"^\s*([a-z_]{1,20}|ind\.[a-z0-9_-]{1,60})\s*[:=]\s*([^,:=]{1,30})\s*$")


class WeightsInvalid(ValueError):
    """``?weights=`` cannot be used; the message says why."""


@dataclass(frozen=True)
class Weights:
    """Relative weights of the four components (indicators = evidence, participation demand, planned
    supply, focus-area coverage), of the contribution categories in the demand, and of the chosen
    indicators by key (weight > 0: chosen)."""

    demand: float
    supply: float
    coverage: float
    categories: dict[str, float] = field(default_factory=dict)
    indicators: float = 0.0
    indicator_weights: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicators": self.indicators,
            "demand": self.demand,
            "supply": self.supply,
            "coverage": self.coverage,
            "categories": dict(self.categories),
            "indicator_weights": {k: w for k, w in self.indicator_weights.items() if w > 0},
        }

    def sql_params(self) -> dict[str, Any]:
        names = sorted(self.categories)
        chosen = [(k, w) for k, w in self.indicator_weights.items() if w > 0]
        return {
            "w_indicators": self.indicators,
            "w_demand": self.demand,
            "w_supply": self.supply,
            "w_coverage": self.coverage,
            "categories": names,
            "category_weights": [self.categories[name] for name in names],
            "indicator_keys": [k for k, _w in chosen],
            "indicator_weights": [w for _k, w in chosen],
        }

    def variants(self) -> list[tuple[str, float]]:
        """The sensitivity's weight variants: every weight above 0 (components; indicators by
        ``ind.<key>``) times each of ``SENSITIVITY_FACTORS``."""
        names = [c for c in COMPONENTS if getattr(self, c) > 0]
        if "indicators" in names and not any(w > 0 for w in self.indicator_weights.values()):
            names.remove("indicators")
        names += [INDICATOR_PREFIX + k for k, w in self.indicator_weights.items() if w > 0]
        return [(name, factor) for name in names for factor in SENSITIVITY_FACTORS]


def default_weights() -> Weights:
    """The weights of the settings ``PLANNING_PRIORITY_WEIGHTS`` and ``PLANNING_CATEGORY_WEIGHTS``;
    categories missing there weigh 1; no indicators (a city without a saved default weighting)."""
    components = settings.PLANNING_PRIORITY_WEIGHTS
    categories = {c: float(settings.PLANNING_CATEGORY_WEIGHTS.get(c, 1.0)) for c in Category.values}
    return Weights(
        demand=float(components["demand"]),
        supply=float(components["supply"]),
        coverage=float(components["coverage"]),
        categories=categories,
        indicators=float(components.get("indicators", 1.0)),
    )


def _number(key: str, text: str) -> float:
    # ASCII digits and one dot only: float() would also take "nan", "1e400", "١" …
    if not re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,6})?", text):
        raise WeightsInvalid(f"the weight of {key!r} must be a number like 0.5, not {text[:30]!r}")
    value = float(text)
    if not (math.isfinite(value) and 0 <= value <= MAX_WEIGHT):
        raise WeightsInvalid(f"the weight of {key!r} must lie between 0 and {MAX_WEIGHT:g}")
    return value


def check_weights(weights: Weights) -> None:
    """At least one component needs a weight above 0 — and the indicators' weight counts only with
    an indicator chosen."""
    chosen = any(w > 0 for w in weights.indicator_weights.values())
    if weights.demand + weights.supply + weights.coverage + (weights.indicators if chosen else 0) <= 0:
        raise WeightsInvalid(
            "at least one of indicators (with an indicator chosen), demand, supply and coverage needs a "
            "weight above 0"
        )


def parse_weights(raw: str | None, base: Weights | None = None, known_indicators: Any = None) -> Weights:
    """``base`` (default: the settings) with the weights named in ``raw`` replaced: a comma-separated
    list of ``key:number`` pairs; keys are the components (indicators, demand, supply, coverage), the
    categories and ``ind.<indicator key>`` (0 drops the indicator from the weighting, a weight above 0
    chooses it). ``known_indicators``: the catalogue's keys (default: read from the database). Unknown
    or repeated keys, bad numbers and all-zero component weights are rejected."""
    base = base or default_weights()
    if raw is None or raw.strip() == "":
        return base
    if len(raw) > 2000:
        raise WeightsInvalid("is too long")
    values = base.as_dict()
    categories = dict(values.pop("categories"))
    indicator_weights = dict(base.indicator_weights)
    values.pop("indicator_weights")
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
        elif key.startswith(INDICATOR_PREFIX):
            name = key[len(INDICATOR_PREFIX) :]
            if known_indicators is None:
                from indicators.models import Indicator

                known_indicators = set(Indicator.objects.values_list("key", flat=True))
            if name not in known_indicators:
                raise WeightsInvalid(f"there is no indicator {name!r} (key {key!r})")
            indicator_weights[name] = _number(key, number)
        else:
            known = ", ".join([*COMPONENTS, *sorted(categories), "ind.<indicator key>"])
            raise WeightsInvalid(f"unknown key {key[:20]!r}; known: {known}")
    weights = Weights(
        categories=categories,
        indicator_weights={k: w for k, w in indicator_weights.items() if w > 0},
        **values,
    )
    check_weights(weights)
    return weights


def _params(
    *, city: int | None, dimension: str | None, weights: Weights, year: int | None = None
) -> dict[str, Any]:
    return {
        "city": city,
        "cities": None,
        "dimension": dimension,
        "year": year,
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


NO_SENSITIVITY = (
    "sensitivity AS (SELECT NULL::bigint AS quartier_id, NULL::text AS dimension, NULL::int AS best, "
    "NULL::int AS worst, NULL::json AS moved_by WHERE false)"
)


def priorities_json(
    *,
    city: int,
    dimension: str | None,
    weights: Weights,
    supply: Supply | None = None,
    year: int | None = None,
    sensitivity: bool = False,
) -> tuple[str, str]:
    """The priority rows of the Quartiere of ``city`` (one per Quartier and dimension; ``dimension``
    None: 'all', 'just', 'green', 'productive') and the gaps, as two JSON arrays (text) built by
    PostgreSQL in one statement. Demand is per 1,000 inhabitants, budget in EUR per inhabitant,
    coverage a share of the Quartier's surface (m²/m², EPSG:25832); indicators of the latest year
    with values in the city up to ``year``. ``sensitivity``: each row's rank range under every weight
    moved by ±20 % (``sql/priorities_sensitivity.sql``), in the same statement."""
    query = (
        load(__file__, "priorities_json")
        .replace("{core}", core_sql(supply.sql if supply else None))
        .replace("{sensitivity}", load(__file__, "priorities_sensitivity") if sensitivity else NO_SENSITIVITY)
    )
    params = _params(city=city, dimension=dimension, weights=weights, year=year)
    if sensitivity:
        variants = weights.variants()
        params["variant_weights"] = [name for name, _f in variants]
        params["variant_factors"] = [f for _n, f in variants]
    if supply is not None:
        params.update(supply.params)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        results, gaps = cursor.fetchone()
    return results, gaps


def priorities(
    *,
    city: int,
    dimension: str | None = None,
    weights: Weights | None = None,
    supply: Supply | None = None,
    year: int | None = None,
    sensitivity: bool = False,
) -> dict[str, list]:
    """``priorities_json`` parsed: ``{"results": [...], "gaps": [...]}`` (for pages and exports);
    ``weights`` None: the city's default weighting (``planning.weightings.weights_for``); ``supply``:
    another set of measures than the published ones (a scenario's)."""
    if weights is None:
        from planning.weightings import weights_for

        weights = weights_for(city)
    results, gaps = priorities_json(
        city=city,
        dimension=dimension,
        weights=weights,
        supply=supply,
        year=year,
        sensitivity=sensitivity,
    )
    return {"results": json.loads(results), "gaps": json.loads(gaps)}
