"""The numbers per municipality of a region, in one set-based statement (``sql/summary.sql``, wrapped
as JSON by ``sql/summary_json.sql``): what ``/region/``, ``/api/region/summary/``, the layer ``cities``
and the benchmark read. What each number means: docs/region.md.

``summary(region_id)`` — one dict per city of the region (every city when None): ``id, code, name,
slug, region, population, area_km2, density, measures, regional_measures, regional_share,
budget_total, budget_per_inhabitant, budget_per_year, budget_by_year, regional_budget, contributions,
contributions_per_1000, quartiere, quartiere_with_gap, top_quartier, indicators``.
``summary_sql(…)`` — the bare statement and its parameters (the benchmark times the API against it).
"""

import json
from dataclasses import dataclass
from typing import Any

from django.db import connection

from geo.sql import load

# sort key → ORDER BY expression over the rows ``s`` of sql/summary.sql (code-owned text only)
SORTS: dict[str, str] = {
    "name": "s.name",
    "code": "s.code",
    "population": "s.population",
    "area_km2": "s.area_km2",
    "density": "s.density",
    "measures": "s.measures",
    "regional_measures": "s.regional_measures",
    "regional_share": "s.regional_share",
    "budget_total": "s.budget_total",
    "budget_per_inhabitant": "s.budget_per_inhabitant",
    "budget_per_year": "s.budget_per_year",
    "regional_budget": "s.regional_budget",
    "contributions": "s.contributions",
    "contributions_per_1000": "s.contributions_per_1000",
    "quartiere": "s.quartiere",
    "quartiere_with_gap": "s.quartiere_with_gap",
}
INDICATOR_PREFIX = "ind."
# an indicator's latest city-level value (bound key)
INDICATOR_SORT = "(s.indicators -> %(sort_indicator)s ->> 'value')::float8"
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class Sort:
    """A sort key of ``SORTS`` (or ``ind.<indicator key>``) and its direction."""

    key: str = DEFAULT_SORT
    descending: bool = False

    @classmethod
    def parse(cls, raw: str | None) -> "Sort":
        """``name``, ``-budget_total``, ``ind.<key>``…; ``ValueError`` naming the choices otherwise
        (the indicator's existence is the caller's to check)."""
        text = (raw or "").strip()
        if not text:
            return cls()
        descending = text.startswith("-")
        key = text[1:] if descending else text
        if key not in SORTS and not (
            key.startswith(INDICATOR_PREFIX)
            and 0 < len(key) - len(INDICATOR_PREFIX) <= 60
            and key[len(INDICATOR_PREFIX) :].replace("-", "").replace("_", "").isalnum()
            and key.isascii()
        ):
            raise ValueError(
                f"must be one of {', '.join(SORTS)} or ind.<indicator key>, optionally with a leading "
                f"'-' for descending order; got {text[:40]!r}."
            )
        return cls(key, descending)

    @property
    def text(self) -> str:
        return ("-" if self.descending else "") + self.key

    @property
    def indicator(self) -> str | None:
        return self.key[len(INDICATOR_PREFIX) :] if self.key.startswith(INDICATOR_PREFIX) else None

    def order_by(self) -> str:
        expression = INDICATOR_SORT if self.indicator else SORTS[self.key]
        direction = "DESC" if self.descending else "ASC"
        return f"{expression} {direction} NULLS LAST, s.name, s.id"


def core_sql() -> str:
    """The rows' statement (``sql/summary.sql``) with the parameter ``%(region)s``."""
    return load(__file__, "summary")


def summary_sql(
    region_id: int | None = None, *, sort: Sort | str | None = None
) -> tuple[str, dict[str, Any]]:
    """The bare statement of ``summary`` and its parameters: one row ``(cities, count, first_year,
    last_year)``, ``cities`` the JSON array (text) of the cities' numbers in the order of ``sort``."""
    chosen = sort if isinstance(sort, Sort) else Sort.parse(sort)
    statement = (
        load(__file__, "summary_json").replace("{core}", core_sql()).replace("{order}", chosen.order_by())
    )
    return statement, {"region": region_id, "sort_indicator": chosen.indicator}


@dataclass(frozen=True)
class SummaryJson:
    """The statement's one row: the cities' numbers as JSON text (as PostgreSQL built them; the API
    passes the text on), their number, and the first and last fiscal year of their budget lines (what
    ``budget_per_year`` divides by: last − first + 1)."""

    cities: str
    count: int
    first_year: int | None
    last_year: int | None


def summary_json(region_id: int | None = None, *, sort: Sort | str | None = None) -> SummaryJson:
    statement, params = summary_sql(region_id, sort=sort)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return SummaryJson(*cursor.fetchone())


def summary(region_id: int | None = None, *, sort: Sort | str | None = None) -> list[dict[str, Any]]:
    """One dict per city of the region ``region_id`` (every city when None), sorted by ``sort``
    (default: by name)."""
    return json.loads(summary_json(region_id, sort=sort).cities)
