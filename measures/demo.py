"""The measures part of the illustrative Ludwigsburg demo: strategy tree, measures, budget lines.

Idempotent: every object has a natural key in the fixture — action field slug, (action field, goal
number), master plan title, (city, measure title), (measure, fiscal year, kind, funding) for budget
lines — and is only written when it differs, so a second load writes nothing (no new rows, no new
history records; ids stay). New measures are inserted set-based with their history; a measure the
fixture changed goes through ``measure_update`` and the budget-line services, so the services' rules
(status transitions, versions) apply. Geometry comes as RFC 7946 GeoJSON and is transformed to
EPSG:25832 by PostGIS. Demo measures removed from the fixture are not deleted: nothing tells them
apart from planners' measures. Finally the demo measures are re-linked to the areas.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, models, transaction
from simple_history.utils import bulk_create_with_history

from geo import crs
from geo.sql import load
from measures import paper_links
from measures.models import MEASURE_HISTORY, ActionField, BudgetLine, MasterPlan, Measure, StrategicGoal
from measures.services import (
    budget_line_create,
    budget_line_delete,
    budget_line_update,
    measure_links_refresh,
    measure_update,
)
from quartiere.models import Area, Level

STRATEGY_FILE = "strategy.json"
MEASURES_FILE = "measures.geojson"
# the demo's other measure files, next to demo_dir: a second city's and the region's own
MORE_MEASURES = ("kornwestheim", "regional")
LINE_FIELDS = ("amount", "status", "note")
# a geometry that moved by less than this (m) after the round trip through PostGIS is unchanged
SAME_PLACE_M = 1e-6


@dataclass
class DemoSummary:
    action_fields: int = 0
    goals: int = 0
    master_plans: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    budget_lines: int = 0
    links: int = 0

    def __str__(self) -> str:
        return (
            f"{self.action_fields} action fields, {self.goals} goals, {self.master_plans} master plans; "
            f"measures created {self.created}, updated {self.updated}, unchanged {self.unchanged}; "
            f"{self.budget_lines} budget lines written; {self.links} area links (illustrative data)"
        )


def _save_if_changed(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[Any, bool]:
    """``update_or_create`` that leaves an unchanged row alone (no write, no history record)."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj, bool(changed)


def _load_strategy(path: Path, summary: DemoSummary) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    fields: dict[str, ActionField] = {}
    for entry in data["action_fields"]:
        field, _ = _save_if_changed(
            ActionField,
            {"slug": entry["slug"]},
            {"name": entry["name"], "position": entry["position"], "description": entry["description"]},
        )
        fields[field.slug] = field
        for goal in entry["goals"]:
            _save_if_changed(
                StrategicGoal,
                {"action_field": field, "number": goal["number"]},
                {"title": goal["title"], "text": goal["text"]},
            )
            summary.goals += 1
    summary.action_fields = len(fields)
    for entry in data["master_plans"]:
        plan, _ = _save_if_changed(
            MasterPlan,
            {"title": entry["title"]},
            {
                "version": entry["version"],
                "year_adopted": entry["year_adopted"],
                "status": entry["status"],
            },
        )
        # set() only writes the difference: nothing on a second load
        plan.action_fields.set([fields[slug] for slug in entry["action_fields"]])
        summary.master_plans += 1


class DemoRejected(ValueError):
    """The demo fixture breaks a rule; nothing was loaded."""


class _Catalogue:
    """The areas, goals and master plans the fixture refers to, each read in one query."""

    def __init__(self, features: list[dict]) -> None:
        codes = {f["properties"]["city"] for f in features} | {
            f["properties"]["scope"]["code"] for f in features if f["properties"]["scope"]
        }
        self.areas = {(a.level, a.code): a for a in Area.objects.filter(code__in=codes)}
        self.goals = {
            f"{g.action_field.slug}/{g.number}": g
            for g in StrategicGoal.objects.select_related("action_field")
        }
        self.plans = {p.title: p for p in MasterPlan.objects.all()}

    def owner(self, code: str) -> Area:
        """The city with ``code``, or the region with it (the owner of a regional measure)."""
        found = self.areas.get((int(Level.CITY), code)) or self.areas.get((int(Level.REGION), code))
        if found is None:
            raise DemoRejected(f"no city or region with code {code!r}: load the demo areas first")
        return found

    def area(self, level: Level, code: str) -> Area:
        try:
            return self.areas[(int(level), code)]
        except KeyError:
            raise DemoRejected(f"no {level.key} with code {code!r}: load the demo areas first") from None


def _geometries(features: list[dict]) -> dict[int, GEOSGeometry]:
    """The fixture's geometries by feature index, transformed 4326 → 25832 by PostGIS in one
    statement; ``DemoRejected`` for an invalid geometry or one outside its city."""
    located = [(i, f) for i, f in enumerate(features) if f["geometry"] is not None]
    payload = [{"geometry": f["geometry"], "city": f["properties"]["city"]} for _, f in located]
    with connection.cursor() as cursor:
        cursor.execute(
            load(__file__, "demo_geometries"),
            {
                "features": json.dumps(payload),
                "source_srid": crs.WGS84,
                "storage_srid": crs.STORAGE_SRID,
                "city_level": int(Level.CITY),
                "region_level": int(Level.REGION),
            },
        )
        rows = cursor.fetchall()
    geometries = {}
    for (index, feature), (_, ewkb, invalid, in_city) in zip(located, rows, strict=True):
        title = feature["properties"]["title"]
        if invalid:
            raise DemoRejected(f"{title}: invalid geometry ({invalid})")
        if not in_city:
            raise DemoRejected(f"{title}: the geometry does not lie inside its city (or region)")
        geometries[index] = GEOSGeometry(memoryview(ewkb))
    return geometries


def _measure_values(props: dict[str, Any], geom: GEOSGeometry | None, known: _Catalogue) -> dict[str, Any]:
    scope = props["scope"]
    plan = props["master_plan"]
    try:
        goals = [known.goals[key] for key in props["goals"]]
        master_plan = known.plans[plan] if plan else None
    except KeyError as error:
        raise DemoRejected(f"{props['title']}: unknown goal or master plan {error}") from None
    return {
        "city": known.owner(props["city"]),
        "title": props["title"],
        "description": props["description"],
        "status": props["status"],
        "responsible_unit": props["responsible_unit"],
        "start_date": date.fromisoformat(props["start_date"]) if props["start_date"] else None,
        "end_date": date.fromisoformat(props["end_date"]) if props["end_date"] else None,
        # the services keep these sorted: compare like with like
        "principles": sorted(set(props["principles"])),
        "dimensions": sorted(set(props["dimensions"])),
        "strategic_goals": goals,
        "master_plan": master_plan,
        "geom": geom,
        "scope": known.area(Level.from_name(scope["level"]), scope["code"]) if scope else None,
        "published": props["published"],
    }


def _differences(measure: Measure, values: dict[str, Any]) -> dict[str, Any]:
    changes = {}
    for name, value in values.items():
        if name == "strategic_goals":
            if {g.pk for g in measure.strategic_goals.all()} != {g.pk for g in value}:
                changes[name] = value
        elif name == "geom":
            old = measure.geom
            same = (old is None and value is None) or (
                old is not None and value is not None and old.equals_exact(value, SAME_PLACE_M)
            )
            if not same:
                changes[name] = value
        elif name in ("city", "scope", "master_plan"):
            if getattr(measure, f"{name}_id") != (value.pk if value else None):
                changes[name] = value
        elif getattr(measure, name) != value:
            changes[name] = value
    return changes


def _wanted_lines(lines: list[dict[str, Any]]) -> dict[tuple[int, str, str], dict[str, Any]]:
    return {
        (line["fiscal_year"], line["kind"], line["funding"]): {
            "amount": Decimal(line["amount"]),
            "status": line["status"],
            "note": line["note"],
        }
        for line in lines
    }


def _sync_budget(measure: Measure, lines: list[dict[str, Any]]) -> int:
    """Make an existing measure's budget lines those of the fixture through the services (rare: only
    when the fixture changed). Returns the number of lines written."""
    wanted = _wanted_lines(lines)
    written = 0
    for line in measure.budget_lines.all():
        values = wanted.pop((line.fiscal_year, line.kind, line.funding), None)
        if values is None:
            budget_line_delete(budget_line_id=line.pk, expected_versions=None)
            written += 1
        elif any(getattr(line, name) != values[name] for name in LINE_FIELDS):
            budget_line_update(budget_line_id=line.pk, expected_versions=None, **values)
            written += 1
    for (fiscal_year, kind, funding), values in wanted.items():
        budget_line_create(measure=measure, fiscal_year=fiscal_year, kind=kind, funding=funding, **values)
        written += 1
    return written


def _create_measures(new: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> list[Measure]:
    """Insert new demo measures with their goals, budget lines and history records in a few set-based
    statements (one by one through ``measure_create`` took seconds, on every test using the demo).
    The field rules are the model's; geometry was checked by ``_geometries``."""
    measures, goals = [], []
    for values, _ in new:
        fields = {name: value for name, value in values.items() if name != "strategic_goals"}
        measure = Measure(**fields)
        measure.full_clean(
            exclude=["city", "scope", "master_plan", "geom"],
            validate_unique=False,
            validate_constraints=False,
        )
        measures.append(measure)
        goals.append(values["strategic_goals"])
    Measure.objects.bulk_create(measures)
    through = Measure.strategic_goals.through
    links = through.objects.bulk_create(
        [through(measure=m, strategicgoal=g) for m, gs in zip(measures, goals, strict=True) for g in gs]
    )
    history = Measure.history.bulk_history_create(measures)
    # the goals belong to the "+" record, as measure_create writes it (simple-history has no bulk API
    # for many-to-many history: its per-record model, filled the way create_historical_record does)
    m2m_history = MEASURE_HISTORY.m2m_models[Measure._meta.get_field("strategic_goals")]
    record = {h.id: h for h in history}
    m2m_history.objects.bulk_create(
        [
            m2m_history(
                history=record[link.measure_id],
                id=link.id,
                measure_id=link.measure_id,
                strategicgoal_id=link.strategicgoal_id,
            )
            for link in links
        ]
    )
    budget = []
    for measure, (_, lines) in zip(measures, new, strict=True):
        for (fiscal_year, kind, funding), values in _wanted_lines(lines).items():
            line = BudgetLine(measure=measure, fiscal_year=fiscal_year, kind=kind, funding=funding, **values)
            line.full_clean(exclude=["measure"], validate_unique=False, validate_constraints=False)
            budget.append(line)
    bulk_create_with_history(budget, BudgetLine)
    return measures


def _load_measures(path: Path, summary: DemoSummary) -> list[int]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    known = _Catalogue(features)
    geometries = _geometries(features)
    titles = [f["properties"]["title"] for f in features]
    existing = {
        (m.city_id, m.title): m
        for m in Measure.objects.filter(title__in=titles).prefetch_related("strategic_goals", "budget_lines")
    }
    ids, new = [], []
    for index, feature in enumerate(features):
        props = feature["properties"]
        values = _measure_values(props, geometries.get(index), known)
        measure = existing.get((values["city"].pk, values["title"]))
        if measure is None:
            new.append((values, props["budget"]))
            continue
        changes = _differences(measure, values)
        if changes:
            measure = measure_update(measure_id=measure.pk, expected_versions=None, **changes)
            summary.updated += 1
        else:
            summary.unchanged += 1
        summary.budget_lines += _sync_budget(measure, props["budget"])
        ids.append(measure.pk)
    created = _create_measures(new) if new else []
    summary.created += len(created)
    summary.budget_lines += sum(len(lines) for _, lines in new)
    return ids + [m.pk for m in created]


@transaction.atomic
def load_demo(demo_dir: Path) -> DemoSummary:
    """Load ``strategy.json`` and ``measures.geojson`` (EPSG:4326) from ``demo_dir`` after the demo
    areas, then the ``measures.geojson`` of the ``MORE_MEASURES`` folders beside it (Kornwestheim's,
    the region's own); geometry is stored in EPSG:25832. Idempotent; then re-links the demo measures
    to the areas."""
    summary = DemoSummary()
    _load_strategy(Path(demo_dir) / STRATEGY_FILE, summary)
    ids = _load_measures(Path(demo_dir) / MEASURES_FILE, summary)
    for name in MORE_MEASURES:
        more = Path(demo_dir).parent / name / MEASURES_FILE
        if more.exists():
            ids += _load_measures(more, summary)
    summary.links = measure_links_refresh(measure_ids=ids)
    # the council papers that decided demo measures (council loads its demo papers before)
    paper_links.demo_links_load(Path(demo_dir) / "paper_links.json")
    return summary
