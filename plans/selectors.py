"""Reads of development plans."""

from typing import Any

from plans.models import DevelopmentPlanArea, PlanKind

PLAN_FIELDS = (
    "kind",
    "name",
    "number",
    "legal_status_label",
    "status_group",
    "preparation_date",
    "in_force_date",
)


def plans_in_area(area_id: int) -> list[dict[str, Any]]:
    """The plans touching the area (its links, any level), largest share first: ``plan_id``, kind
    (and ``kind_label``), name, number, ``legal_status`` (its label), status group, dates, and
    ``share`` — the part of the plan's surface inside the area (0–1, from m² in EPSG:25832)."""
    rows = (
        DevelopmentPlanArea.objects.filter(area_id=area_id)
        .order_by("-share", "plan__kind", "plan__number")
        .values_list("plan_id", "share", *(f"plan__{name}" for name in PLAN_FIELDS))
    )
    labels = dict(PlanKind.choices)
    plans = []
    for plan_id, share, *values in rows:
        plan = dict(zip(PLAN_FIELDS, values, strict=True))
        plan["legal_status"] = plan.pop("legal_status_label")
        plans.append({"plan_id": plan_id, "share": share, "kind_label": labels.get(plan["kind"]), **plan})
    return plans
