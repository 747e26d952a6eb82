"""Reads of the comparison: a scenario against the baseline (the published measures and budget lines)
and against other scenarios of its city (docs/scenarios.md, "Comparison").

Everything is computed in PostgreSQL, set-based: the budget tables in one statement for all variants
(``sql/comparison_budget.sql``), the priority index once per variant with the scenario's own set of
measures (``scenario_supply`` → ``planning.priorities``), what changes in one statement
(``sql/comparison_changes.sql``). Python only lays the rows side by side: differences (exact decimals)
and which gaps close or open (set differences of the index's gap lists). Amounts are in EUR; geometry
is stored in EPSG:25832 and leaves as GeoJSON in EPSG:4326.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connection

import scenarios
from geo.sql import load
from planning.priorities import Supply, priorities
from scenarios.models import Scenario

BASELINE = 0  # the baseline's variant id in the statements (no scenario has id 0)
DIMENSIONS = ("all", "just", "green", "productive")
FUNDING = ("own", "grant", "complementary")
_ANCHOR = str(Path(scenarios.__file__))  # scenarios/sql/


@cache
def _sql(name: str) -> str:
    """``scenarios/sql/<name>.sql`` with the effective lines composed in (code-owned text only)."""
    return load(_ANCHOR, name).replace("{lines}", load(_ANCHOR, "scenario_lines"))


def scenario_supply(scenario_id: int) -> Supply:
    """The planned supply of the scenario for the priority index: the published measures minus the
    dropped ones plus the proposed ones, with their effective budget lines (``sql/supply_scenario.sql``)."""
    return Supply(sql=_sql("supply_scenario"), params={"scenario_id": int(scenario_id)})


@dataclass
class Variant:
    """A column group of the comparison: the baseline (id 0) or a scenario."""

    id: int
    name: str
    scenario: Scenario | None = None


@dataclass
class Row:
    """One row of a budget table: an amount per variant (EUR) and, per scenario, the difference to
    the baseline (``differences[0]`` is None: the baseline itself)."""

    key: str
    label: str
    amounts: list[Decimal]
    differences: list[Decimal | None] = field(default_factory=list)


@dataclass
class Goal3:
    """Goal 3 of the field of action per variant: amounts (EUR) and shares (0…1, None without budget)."""

    variant: Variant
    total: Decimal
    maintenance: Decimal
    grant: Decimal
    complementary: Decimal
    year_total: Decimal
    year_maintenance: Decimal
    year_grant_complementary: Decimal

    @property
    def grant_complementary(self) -> Decimal:
        return self.grant + self.complementary

    @staticmethod
    def _share(part: Decimal, whole: Decimal) -> float | None:
        return float(part / whole) if whole else None

    @property
    def maintenance_share(self) -> float | None:
        return self._share(self.maintenance, self.total)

    @property
    def grant_share(self) -> float | None:
        return self._share(self.grant, self.total)

    @property
    def complementary_share(self) -> float | None:
        return self._share(self.complementary, self.total)

    @property
    def grant_complementary_share(self) -> float | None:
        return self._share(self.grant_complementary, self.total)

    @property
    def year_maintenance_share(self) -> float | None:
        return self._share(self.year_maintenance, self.year_total)

    @property
    def year_grant_complementary_share(self) -> float | None:
        return self._share(self.year_grant_complementary, self.year_total)


@dataclass
class IndexCell:
    """The priority index of one Quartier and dimension in one variant."""

    measures: float
    budget: float
    coverage: float
    score: float | None
    rank: int | None
    gap: bool
    gap_size: float | None = None


@dataclass
class IndexRow:
    quartier_id: int
    quartier: str
    dimension: str
    cells: list[IndexCell]
    dimension_label: str = ""  # set by the page, in the reader's language


@dataclass
class GapChange:
    """A gap of the index that a scenario closes, opens or keeps (``status``)."""

    quartier_id: int
    quartier: str
    dimension: str
    status: str  # "closes" | "opens" | "remains"
    before: float | None  # the gap's size (normalised demand − supply) in the baseline
    after: float | None
    dimension_label: str = ""  # set by the page, in the reader's language
    status_label: str = ""


@dataclass
class Comparison:
    scenario: Scenario
    variants: list[Variant]
    years: list[Row]
    dimensions: list[Row]
    funding: list[Row]
    quartiere: list[Row]
    goal3: list[Goal3]
    index: list[IndexRow]
    gaps: dict[int, list[GapChange]]  # per scenario id

    @property
    def scenarios(self) -> list[Variant]:
        return self.variants[1:]


def budget_rows(*, city_id: int, variant_ids: list[int], budget_year: int) -> dict[str, list[dict[str, Any]]]:
    """The budget tables of ``sql/comparison_budget.sql`` by table (year, dimension, funding,
    quartier, goal3): rows ``{"key", "label", "amounts": [Decimal per variant]}``. One statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sql("comparison_budget"),
            {"city": city_id, "variants": variant_ids, "budget_year": budget_year},
        )
        (text,) = cursor.fetchone()
    tables: dict[str, list[dict[str, Any]]] = {}
    for row in json.loads(text, parse_float=Decimal, parse_int=Decimal):
        row["amounts"] = [Decimal(a) for a in row["amounts"]]
        tables.setdefault(row["table"], []).append(row)
    return tables


def _rows(raw: list[dict[str, Any]], labels: dict[str, str] | None = None) -> list[Row]:
    rows = []
    for item in raw:
        amounts = item["amounts"]
        key = item["key"]
        label = item["label"] or (labels or {}).get(key, key)
        rows.append(Row(key, label, amounts, [None, *[a - amounts[0] for a in amounts[1:]]]))
    return rows


def _total(rows: list[Row], label: str) -> Row:
    amounts = (
        [sum((r.amounts[i] for r in rows), Decimal(0)) for i in range(len(rows[0].amounts))] if rows else []
    )
    return Row("total", label, amounts, [None, *[a - amounts[0] for a in amounts[1:]]])


def index_rows(city_id: int, variants: list[Variant]) -> tuple[list[IndexRow], dict[int, list[GapChange]]]:
    """The priority index per Quartier and dimension in each variant (one statement per variant: the
    index with the variant's supply) and, per scenario, the gaps it closes, opens and keeps."""
    per_variant = []
    for variant in variants:
        supply = scenario_supply(variant.id) if variant.id != BASELINE else None
        per_variant.append(priorities(city=city_id, supply=supply)["results"])
    cells: dict[tuple[int, str], list[IndexCell | None]] = {}
    names: dict[int, str] = {}
    for position, results in enumerate(per_variant):
        for item in results:
            key = (item["quartier"]["id"], item["dimension"])
            names[key[0]] = item["quartier"]["name"]
            supply_part = item["components"]["supply"]
            cell = IndexCell(
                measures=float(supply_part["measures"] or 0),
                budget=float(supply_part["budget_eur"] or 0),
                coverage=float(item["components"]["coverage"]["share"] or 0),
                score=item["score"],
                rank=item["rank"],
                gap=bool(item["gap"]),
                gap_size=_gap_size_of(item),
            )
            cells.setdefault(key, [None] * len(variants))[position] = cell
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    rows = [
        IndexRow(q, names[q], d, [c or IndexCell(0, 0, 0, None, None, False) for c in found])
        for (q, d), found in sorted(
            cells.items(), key=lambda kv: (order.get(kv[0][1], 9), names[kv[0][0]], kv[0][0])
        )
    ]
    gaps: dict[int, list[GapChange]] = {}
    for position, variant in enumerate(variants[1:], start=1):
        changes = []
        for row in rows:
            before, after = row.cells[0], row.cells[position]
            if not (before.gap or after.gap):
                continue
            status = "remains" if before.gap and after.gap else ("closes" if before.gap else "opens")
            changes.append(
                GapChange(
                    row.quartier_id, row.quartier, row.dimension, status, _gap_size(before), _gap_size(after)
                )
            )
        status_order = {"closes": 0, "opens": 1, "remains": 2}
        changes.sort(key=lambda g: (status_order[g.status], order.get(g.dimension, 9), g.quartier))
        gaps[variant.id] = changes
    return rows, gaps


def _gap_size(cell: IndexCell) -> float | None:
    return cell.gap_size


def _gap_size_of(item: dict[str, Any]) -> float | None:
    """The gap's size as the index defines it: normalised demand − normalised supply."""
    if "gap_size" in item:
        return item["gap_size"]
    try:
        need = item["components"]["demand"]["normalised"]
        supply = item["components"]["supply"]["normalised"]
    except (KeyError, TypeError):
        return None
    return None if need is None or supply is None else round(float(need) - float(supply), 4)


def comparison(scenario: Scenario, others: list[Scenario], labels: dict[str, dict[str, str]]) -> Comparison:
    """``scenario`` against the baseline and ``others`` (scenarios of the same city, checked by the
    caller). ``labels``: translated labels of the keys (``dimension``, ``funding``, ``total``,
    ``outside``, ``baseline``). 2 + (1 + len(others)) statements."""
    variants = [Variant(BASELINE, labels["baseline"]["name"])]
    variants += [Variant(s.pk, s.name, s) for s in [scenario, *others]]
    ids = [v.id for v in variants]
    tables = budget_rows(city_id=scenario.city_id, variant_ids=ids, budget_year=scenario.budget_year)
    total_label = labels["total"]["name"]
    years = _rows(tables.get("year", []))
    dimension_order = {d: i for i, d in enumerate([*DIMENSIONS, "none"])}
    dimensions = _rows(
        sorted(tables.get("dimension", []), key=lambda r: dimension_order.get(r["key"], 9)),
        labels["dimension"],
    )
    funding = _rows(
        sorted(
            tables.get("funding", []), key=lambda r: FUNDING.index(r["key"]) if r["key"] in FUNDING else 9
        ),
        labels["funding"],
    )
    quartiere = _rows(tables.get("quartier", []), {"outside": labels["outside"]["name"]})
    goal = {row["key"]: row["amounts"] for row in tables.get("goal3", [])}
    zero = [Decimal(0)] * len(variants)
    goal3 = [
        Goal3(
            variant=v,
            total=goal.get("total", zero)[i],
            maintenance=goal.get("maintenance", zero)[i],
            grant=goal.get("grant", zero)[i],
            complementary=goal.get("complementary", zero)[i],
            year_total=goal.get("year_total", zero)[i],
            year_maintenance=goal.get("year_maintenance", zero)[i],
            year_grant_complementary=goal.get("year_grant_complementary", zero)[i],
        )
        for i, v in enumerate(variants)
    ]
    index, gaps = index_rows(scenario.city_id, variants)
    return Comparison(
        scenario=scenario,
        variants=variants,
        years=[*years, _total(years, total_label)] if years else [],
        dimensions=dimensions,
        funding=[*funding, _total(funding, total_label)],
        quartiere=quartiere,
        goal3=goal3,
        index=index,
        gaps=gaps,
    )


@dataclass
class Change:
    """One thing the scenario changes (a row of ``sql/comparison_changes.sql``)."""

    change: str  # new | dropped | postponed | budget
    id: int
    title: str
    dimensions: list[str]
    years: int | None
    lines: int | None
    geojson: str | None  # geometry in EPSG:4326
    label: str = ""  # the kind of change in the reader's language (set by the page)


def changes(scenario_id: int) -> list[Change]:
    """What the scenario changes: proposed, dropped, postponed measures and measures with changed
    budget lines, with their geometry as GeoJSON text in EPSG:4326. One statement."""
    with connection.cursor() as cursor:
        cursor.execute(_sql("comparison_changes"), {"scenario_id": int(scenario_id)})
        return [Change(*row) for row in cursor.fetchall()]
