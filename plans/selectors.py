"""Reads of development plans."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from plans.models import DevelopmentPlan, DevelopmentPlanArea, PlanKind
from quartiere.links import plans_search_url
from quartiere.models import Area, Level

PLAN_FIELDS = (
    "kind",
    "name",
    "number",
    "legal_status_label",
    "status_group",
    "preparation_date",
    "in_force_date",
    "municipalities",
)


def plans_in_area(area_id: int) -> list[dict[str, Any]]:
    """The plans touching the area (its links, any level), largest share first: ``plan_id``, kind
    (and ``kind_label``), name, number, ``legal_status`` (its label), status group, dates, ``share`` —
    the part of the plan's surface inside the area (0–1, from m² in EPSG:25832) — and ``joint_with``
    (see ``with_quartiere``)."""
    rows = (
        DevelopmentPlanArea.objects.filter(area_id=area_id)
        .order_by("-share", "plan__kind", "plan__number")
        .values_list("plan_id", "share", "city_id", *(f"plan__{name}" for name in PLAN_FIELDS))
    )
    plans = [
        {
            "plan_id": plan_id,
            "share": share,
            "city_id": city_id,
            **dict(zip(PLAN_FIELDS, values, strict=True)),
        }
        for plan_id, share, city_id, *values in rows
    ]
    named = _cities_named(plans)
    return [{**_shown(plan), "joint_with": _joint_with(plan, plan["city_id"], named)} for plan in plans]


def _shown(plan: dict[str, Any]) -> dict[str, Any]:
    """A plan's ``PLAN_FIELDS`` as the pages show them: ``legal_status`` (its label) and ``kind_label``."""
    plan["legal_status"] = plan.pop("legal_status_label")
    plan["kind_label"] = dict(PlanKind.choices).get(plan["kind"])
    return plan


def city_plans(city_id: int, *, text: str = "", status_group: str = "") -> QuerySet:
    """The development plans of the city, Bebauungspläne first, by number, as rows (``values()``) to
    page and then hand to ``with_quartiere``. ``text``: only plans whose number or name contains it
    (case ignored); ``status_group``: only plans of that group (a key of ``plans.codes.GROUPS``)."""
    chosen = DevelopmentPlan.objects.filter(city_id=city_id)
    if text:
        chosen = chosen.filter(Q(number__icontains=text) | Q(name__icontains=text))
    if status_group:
        chosen = chosen.filter(status_group=status_group)
    return chosen.order_by("kind", "number", "id").values("id", *PLAN_FIELDS)


def with_quartiere(city_id: int, plans: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``plans`` (rows of ``city_plans``) shaped for display (``kind_label``, ``legal_status`` as its
    label), each with ``quartiere``: the Quartiere the plan touches (``name``, ``slug``, ``share`` of
    the plan's surface in it), largest share first; and ``joint_with``: the other municipalities a joint
    plan names (``_joint_with``). Two statements, however many plans (three when one is a joint plan)."""
    plans = list(plans)
    links = (
        DevelopmentPlanArea.objects.filter(
            city_id=city_id, level=Level.QUARTIER, plan_id__in=[plan["id"] for plan in plans]
        )
        .order_by("plan_id", "-share", "area__name")
        .values_list("plan_id", "area__name", "area__slug", "share")
    )
    touched: dict[int, list[dict[str, Any]]] = {}
    for plan_id, name, slug, share in links:
        touched.setdefault(plan_id, []).append({"name": name, "slug": slug, "share": share})
    named = _cities_named(plans)
    return [
        {
            **_shown(plan),
            "quartiere": touched.get(plan["id"], []),
            "joint_with": _joint_with(plan, city_id, named),
        }
        for plan in plans
    ]


def _joint_with(
    plan: dict[str, Any], city_id: int, named: dict[str, tuple[str, int]]
) -> list[dict[str, Any]]:
    """The municipalities a joint plan names besides ``city_id``, in the file's order: ``code``, and
    for a city of the service its ``name`` and ``url`` (the same plan in its list); else both None."""
    if len(plan["municipalities"]) < 2:
        return []
    return [
        {"code": code, "name": named[code][0], "url": plans_search_url(code, plan["number"])}
        if code in named
        else {"code": code, "name": None, "url": None}
        for code in plan["municipalities"]
        if named.get(code, (None, None))[1] != city_id
    ]


def _cities_named(plans: list[dict[str, Any]]) -> dict[str, tuple[str, int]]:
    """The cities of the service among the municipalities the joint ``plans`` name: AGS → (name, id)."""
    codes = {code for plan in plans if len(plan["municipalities"]) > 1 for code in plan["municipalities"]}
    if not codes:
        return {}
    rows = Area.objects.filter(level=Level.CITY, code__in=codes).values_list("code", "name", "id")
    return {code: (name, pk) for code, name, pk in rows}
