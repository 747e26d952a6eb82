"""Reads of the public transparency pages: published measures only, published contributions only, never
an email address or an author. Amounts are EUR; geometry is stored in EPSG:25832 and leaves as GeoJSON
in EPSG:4326. Each read is a fixed number of statements, whatever the number of rows (no N+1)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from geo import crs
from geo.geojson import precision_for
from geo.sql import load
from measures.models import (
    ActionField,
    BudgetLine,
    FundingSource,
    MasterPlan,
    Measure,
    MeasureArea,
    MeasureStatus,
    StrategicGoal,
)
from measures.selectors import measure_history
from participation.models import Contribution
from participation.selectors import published_with_response
from quartiere.models import Area, Level

# the lifecycle's order, for sorting by status and for the progress of a goal
STATUS_ORDER = [s.value for s in MeasureStatus]
SORTS = {
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "status": ("status_rank", "title", "id"),
    "-status": ("-status_rank", "title", "id"),
    "budget": ("budget_total", "title", "id"),
    "-budget": ("-budget_total", "title", "id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}


def _budget_total() -> Coalesce:
    """The sum of a measure's budget lines in EUR (0 without any), as a subquery on ``pk``."""
    lines = (
        BudgetLine.objects.filter(measure=OuterRef("pk"))
        .order_by()
        .values("measure")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=20, decimal_places=2)
    return Coalesce(Subquery(lines, output_field=money), Value(Decimal(0)), output_field=money)


def _status_rank() -> Case:
    return Case(*(When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)), default=Value(99))


def _quartier_links() -> Prefetch:
    """The Quartiere a measure lies in (by geometry with its share, or by a declared Quartier scope)."""
    links = MeasureArea.objects.filter(level=Level.QUARTIER).select_related("area")
    return Prefetch("area_links", links.order_by("-share", "area__name"), to_attr="quartier_links")


@dataclass(frozen=True)
class MeasureFilter:
    """Which published measures: of ``city`` (area id), with ``status``, tagged with ``dimension``, linked
    to Quartier ``quartier`` (area id), in ``action_field`` (id; through a strategic goal of it or a
    master plan covering it). None means "any"."""

    city: int
    status: str | None = None
    dimension: str | None = None
    quartier: int | None = None
    action_field: int | None = None


def published_measures(filters: MeasureFilter, *, sort: str = "title") -> QuerySet[Measure]:
    """Published measures matching ``filters``, sorted by ``sort`` (a key of ``SORTS``), each with
    ``budget_total`` (EUR) and ``quartier_links`` (MeasureArea rows of level Quartier with their area).
    Evaluating a slice costs two statements: the page and the Quartier links of its measures."""
    measures = Measure.objects.filter(published=True, city_id=filters.city)
    if filters.status:
        measures = measures.filter(status=filters.status)
    if filters.dimension:
        measures = measures.filter(dimensions__contains=[filters.dimension])
    if filters.quartier:
        measures = measures.filter(
            pk__in=MeasureArea.objects.filter(area_id=filters.quartier).values("measure_id")
        )
    if filters.action_field:
        in_goal = Measure.strategic_goals.through.objects.filter(
            strategicgoal__action_field_id=filters.action_field
        ).values("measure_id")
        covering = MasterPlan.action_fields.through.objects.filter(
            actionfield_id=filters.action_field
        ).values("masterplan_id")
        measures = measures.filter(Q(pk__in=in_goal) | Q(master_plan_id__in=covering))
    return (
        measures.annotate(budget_total=_budget_total(), status_rank=_status_rank())
        .only("id", "title", "status", "dimensions", "updated_at", "city_id")
        .prefetch_related(_quartier_links())
        .order_by(*SORTS[sort])
    )


def quartiere_of(city_id: int) -> list[Area]:
    """The Quartiere of a city, by name (without their geometry)."""
    return list(Area.objects.filter(level=Level.QUARTIER, parent_id=city_id).defer("geom").order_by("name"))


# --- one measure ---------------------------------------------------------------------------------


@dataclass
class YearRow:
    year: int
    by_funding: dict[str, Decimal]
    total: Decimal


@dataclass
class MeasurePage:
    measure: Measure
    lines: list[BudgetLine]
    years: list[YearRow]
    funding_totals: dict[str, Decimal]
    total: Decimal
    goals: list[StrategicGoal]
    links: list[MeasureArea]
    contributions: list[Contribution]
    status_history: list[dict] = field(default_factory=list)


def public_measure(measure_id: int) -> Measure | None:
    """One published measure with its city, scope, master plan (and the action fields it covers),
    strategic goals (with their action field), budget lines and area links; None if there is none."""
    return (
        Measure.objects.filter(published=True, pk=measure_id)
        .select_related("city__parent", "scope", "master_plan")
        .prefetch_related(
            Prefetch("budget_lines", BudgetLine.objects.order_by("fiscal_year", "funding", "id")),
            Prefetch(
                "area_links",
                MeasureArea.objects.select_related("area__parent")
                .defer("area__geom", "area__parent__geom")
                .order_by("level", "-share", "area__name"),
            ),
            Prefetch(
                "strategic_goals",
                StrategicGoal.objects.select_related("action_field").order_by(
                    "action_field__position", "number"
                ),
            ),
        )
        .defer("city__geom", "city__parent__geom", "scope__geom")
        .first()
    )


def contributions_for(measure_id: int) -> list[Contribution]:
    """The published contributions that led to a measure: linked to it, or answered by a response that
    names it; with their response and consultation, oldest first. Only public fields are loaded (no
    email, no author)."""
    return list(
        published_with_response()
        .filter(Q(measures=measure_id) | Q(response__measure_id=measure_id))
        .distinct()
        .order_by("created_at", "id")
    )


def status_history(measure: Measure) -> list[dict]:
    """The measure's status over time as the public sees it (``measures.selectors.measure_history`` for
    an anonymous reader: from publication on), oldest first: each entry ``date``, ``kind``
    (``published`` the first time, ``withdrawn``, ``republished``, ``changed``), ``old`` and ``new``
    status (``old`` None at the first publication and where the status stayed as it was)."""
    entries = []
    status = None
    for record in reversed(measure_history(measure=measure, user=None)):
        changes = {c["field"]: c for c in record["changes"]}
        change = changes.get("status")
        if record["type"] == "withdrawn":
            entries.append({"date": record["date"], "kind": "withdrawn", "old": None, "new": None})
        elif record["type"] in ("created", "published") and status is None:
            status = change["new"] if change else measure.status
            entries.append({"date": record["date"], "kind": "published", "old": None, "new": status})
        elif record["type"] == "published":
            old, status = (change["old"], change["new"]) if change else (None, status)
            entries.append({"date": record["date"], "kind": "republished", "old": old, "new": status})
        elif change:
            entries.append(
                {"date": record["date"], "kind": "changed", "old": change["old"], "new": change["new"]}
            )
            status = change["new"]
    return entries


def measure_page(measure_id: int) -> MeasurePage | None:
    """Everything ``/massnahmen/<id>/`` shows of a published measure; None if there is none. The budget
    per fiscal year split by funding source (EUR) is summed from the measure's lines."""
    measure = public_measure(measure_id)
    if measure is None:
        return None
    lines = list(measure.budget_lines.all())
    per_year: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    funding_totals: dict[str, Decimal] = {source: Decimal(0) for source in FundingSource.values}
    for line in lines:
        per_year[line.fiscal_year][line.funding] += line.amount
        funding_totals[line.funding] += line.amount
    years = [
        YearRow(
            year=year,
            by_funding={s: by_funding.get(s, Decimal(0)) for s in FundingSource.values},
            total=sum(by_funding.values(), Decimal(0)),
        )
        for year, by_funding in sorted(per_year.items())
    ]
    return MeasurePage(
        measure=measure,
        lines=lines,
        years=years,
        funding_totals=funding_totals,
        total=sum(funding_totals.values(), Decimal(0)),
        goals=list(measure.strategic_goals.all()),
        links=list(measure.area_links.all()),
        contributions=contributions_for(measure.pk),
        status_history=status_history(measure),
    )


def measure_map_features(measure: Measure) -> dict[str, Any]:
    """The measure's place as a GeoJSON FeatureCollection in EPSG:4326: its geometry, or for a measure
    with a declared scope the scope's outline; properties: the title and whether it is the scope."""
    query = """
        SELECT ST_AsGeoJSON(ST_Transform(coalesce(m.geom, a.geom), %(srid)s), %(precision)s)::json,
               m.geom IS NULL
        FROM measures_measure AS m LEFT JOIN quartiere_area AS a ON a.id = m.scope_id
        WHERE m.id = %(id)s AND m.published
    """
    with connection.cursor() as cursor:
        cursor.execute(query, {"id": measure.pk, "srid": crs.WGS84, "precision": precision_for(crs.WGS84)})
        row = cursor.fetchone()
    features = []
    if row and row[0]:
        features.append(
            {
                "type": "Feature",
                "id": measure.pk,
                "geometry": row[0],
                "properties": {"title": measure.title, "scope": row[1]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- the strategy tree ---------------------------------------------------------------------------


def _public_measures_of(city_id: int | None) -> QuerySet[Measure]:
    measures = Measure.objects.filter(published=True)
    if city_id is not None:
        measures = measures.filter(city_id=city_id)
    return (
        measures.annotate(budget_total=_budget_total(), status_rank=_status_rank())
        .only("id", "title", "status", "master_plan_id")
        .order_by("status_rank", "title", "id")
    )


def strategy_tree(city_id: int | None) -> list[ActionField]:
    """Action fields in order, each with ``goals`` (its strategic goals by number, each with
    ``public_measures``: the published measures of ``city_id`` linked to it, with ``budget_total``) and
    ``plans`` (the master plans covering it, each with its ``public_measures``). Five statements."""
    return list(
        ActionField.objects.order_by("position", "name").prefetch_related(
            Prefetch(
                "goals",
                StrategicGoal.objects.order_by("number").prefetch_related(
                    Prefetch("measures", _public_measures_of(city_id), to_attr="public_measures")
                ),
            ),
            Prefetch(
                "master_plans",
                MasterPlan.objects.order_by("title", "version").prefetch_related(
                    Prefetch("measures", _public_measures_of(city_id), to_attr="public_measures")
                ),
                to_attr="plans",
            ),
        )
    )


def progress(measures: list[Measure]) -> dict[str, Any]:
    """A goal's progress: the number of its measures per status (in the lifecycle's order, statuses
    without any left out) and the sum of their budgets (EUR)."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for measure in measures:
        counts[measure.status] = counts.get(measure.status, 0) + 1
    return {
        "counts": [(s, n) for s, n in counts.items() if n],
        "total": len(measures),
        "budget": sum((getattr(m, "budget_total", Decimal(0)) for m in measures), Decimal(0)),
    }


# --- feeds ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: a status change of a published measure (``kind`` ``status``; the first
    published state has ``old`` None) or an official response to a published contribution (``kind``
    ``response``). ``key`` is unique per kind: the history record's or the response's id."""

    kind: str
    key: int
    at: datetime
    measure_id: int | None
    measure_title: str | None
    old: str | None
    new: str | None
    contribution_id: int | None
    unit: str | None
    outcome: str | None
    text: str | None


def feed_items(*, city: int | None = None, quartier: int | None = None, limit: int = 50) -> list[FeedItem]:
    """The newest ``limit`` public events of a city or a Quartier (area ids): status changes of
    published measures as the public trail has them (records while published, each against the last
    published one) and official responses to published contributions (response measure only when
    published). One statement (sql/feed_items.sql)."""
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "feed_items"), {"city": city, "quartier": quartier, "limit": limit})
        columns = [c.name for c in cursor.description]
        return [FeedItem(**dict(zip(columns, row, strict=True))) for row in cursor.fetchall()]
