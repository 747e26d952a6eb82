"""Reads of the measures' back office: the planner's list with its filters and sort, the choices the
form offers, and what changed since a version. Amounts are EUR; no geometry is read here."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    IntegerField,
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

from measures.models import BudgetLine, MasterPlan, Measure, MeasureArea, MeasureStatus, StrategicGoal
from measures.services import MEASURE_FIELDS
from quartiere.models import Area, Level
from staff.scope import cities_of, owner_choices

# ?sort= values: the column, "-" in front for descending; the list's default is the last change first
SORTS = {
    "title": ("title", "id"),
    "status": ("status_order", "title", "id"),
    "updated": ("updated_at", "id"),
    "budget": ("budget_total", "title", "id"),
}
DEFAULT_SORT = "-updated"
SORT_CHOICES = [key for name in SORTS for key in (name, f"-{name}")]


@dataclass(frozen=True)
class ListFilters:
    """The list's filters, parsed (measures.backoffice.forms.ListFilterForm); None: not filtered."""

    status: str | None = None
    dimension: str | None = None
    principle: str | None = None
    quartier: int | None = None
    action_field: int | None = None
    master_plan: int | None = None
    year: int | None = None
    sort: str = DEFAULT_SORT


def cities_for(user: Any) -> QuerySet[Area]:
    """The owners ``user`` may give a measure (staff.scope.owner_choices): the cities ``user`` acts
    in, by name, then the region (a regional measure) when ``user`` acts in it."""
    return owner_choices(user, region=True)


def measures_of(user: Any) -> QuerySet[Measure]:
    """Every measure, published or not, of the cities ``user`` may act in."""
    measures = Measure.objects.all()
    allowed = cities_of(user)
    return measures if allowed is None else measures.filter(city_id__in=allowed)


def office_measures(*, user: Any, filters: ListFilters) -> QuerySet[Measure]:
    """The measures of ``user``'s cities matching ``filters``, sorted; each with ``budget_total``
    (EUR, 0 without budget lines) and ``quartier_links`` (its links to Quartiere, by name). Paging
    this queryset costs three statements (count, page, the Quartiere) whatever the page size.

    ``year``: a budget line in that fiscal year, or the measure runs in it (started in or before
    it and not ended before it)."""
    lines = BudgetLine.objects.filter(measure=OuterRef("pk")).order_by().values("measure")
    measures = measures_of(user).annotate(
        budget_total=Coalesce(
            Subquery(lines.annotate(total=Sum("amount")).values("total")),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ),
        status_order=Case(
            *(When(status=value, then=Value(i)) for i, value in enumerate(MeasureStatus.values)),
            output_field=IntegerField(),
        ),
    )
    f = filters
    if f.status:
        measures = measures.filter(status=f.status)
    if f.dimension:
        measures = measures.filter(dimensions__contains=[f.dimension])
    if f.principle:
        measures = measures.filter(principles__contains=[f.principle])
    if f.quartier is not None:
        measures = measures.filter(
            Exists(MeasureArea.objects.filter(measure=OuterRef("pk"), area_id=f.quartier))
        )
    if f.action_field is not None:
        goals = StrategicGoal.measures.through.objects.filter(
            measure=OuterRef("pk"), strategicgoal__action_field_id=f.action_field
        )
        plans = MasterPlan.objects.filter(pk=OuterRef("master_plan_id"), action_fields=f.action_field)
        measures = measures.filter(Exists(goals) | Exists(plans))
    if f.master_plan is not None:
        measures = measures.filter(master_plan_id=f.master_plan)
    if f.year is not None:
        runs = Q(start_date__year__lte=f.year) & (Q(end_date__isnull=True) | Q(end_date__year__gte=f.year))
        budgeted = Exists(BudgetLine.objects.filter(measure=OuterRef("pk"), fiscal_year=f.year))
        measures = measures.filter(budgeted | runs)
    key = f.sort.removeprefix("-")
    descending = f.sort.startswith("-")
    order = [f"-{name}" if descending and i == 0 else name for i, name in enumerate(SORTS[key])]
    quartiere = MeasureArea.objects.filter(level=Level.QUARTIER).select_related("area").order_by("area__name")
    return measures.order_by(*order).prefetch_related(
        Prefetch("area_links", quartiere, to_attr="quartier_links")
    )


def quartiere_for(user: Any) -> QuerySet[Area]:
    """The Quartiere of ``user``'s cities, by name (the list's filter and the form's scopes)."""
    quartiere = Area.objects.filter(level=Level.QUARTIER).order_by("name")
    allowed = cities_of(user)
    return quartiere if allowed is None else quartiere.filter(parent_id__in=allowed)


def changes_since(*, measure: Measure, version: int) -> list[str]:
    """The names of the fields (``services.MEASURE_FIELDS``) whose stored value differs from the one
    of ``version`` (read from the measure's history); empty when that version is not recorded."""
    then = measure.history.filter(version=version).order_by("-history_date").first()
    if then is None:
        return []
    changed = []
    for name in sorted(MEASURE_FIELDS - {"strategic_goals"}):
        field = Measure._meta.get_field(name)
        attname = getattr(field, "attname", name)
        old, new = getattr(then, attname, None), getattr(measure, attname, None)
        if name == "geom":
            old, new = (old.ewkb if old else None), (new.ewkb if new else None)
        if old != new:
            changed.append(name)
    return changed
