"""Reads of development plans."""

from typing import Any

from django.db.models import F

from plans.models import DevelopmentPlanArea, PlanKind


def plans_in_area(area_id: int) -> list[dict[str, Any]]:
    """The plans touching the area (its links, any level), largest share first: kind (and its
    label), name, number, legal status label, dates, and ``share`` — the part of the plan's surface
    inside the area (0–1, from m² in EPSG:25832)."""
    rows = (
        DevelopmentPlanArea.objects.filter(area_id=area_id)
        .order_by("-share", "plan__kind", "plan__number")
        .values(
            "share",
            plan_id=F("plan__id"),
            kind=F("plan__kind"),
            name=F("plan__name"),
            number=F("plan__number"),
            legal_status=F("plan__legal_status_label"),
            status_group=F("plan__status_group"),
            preparation_date=F("plan__preparation_date"),
            in_force_date=F("plan__in_force_date"),
        )
    )
    labels = dict(PlanKind.choices)
    return [{**row, "kind_label": labels.get(row["kind"], row["kind"])} for row in rows]
