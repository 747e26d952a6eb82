"""Budget sums of published measures per area, fiscal year, dimension, action field or funding source.

``GET /api/budget/``: the selector ``budget_summary`` runs one SQL statement (sql/budget_summary.sql);
the rule for splitting money over places is documented there and in docs/budget.md. Strategic goal 3
(generational fairness) reads ``?group_by=year``: every group carries its maintenance and external
funding shares.
"""

import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from geo import params
from geo.sql import load
from measures.models import (
    FISCAL_YEAR_MAX,
    FISCAL_YEAR_MIN,
    ActionField,
    BudgetKind,
    BudgetStatus,
    Dimension,
    FundingSource,
    LinkKind,
)
from quartiere.models import Area, Level

GROUP_BYS = ["area", "year", "dimension", "action_field", "funding", "city"]
# a measure counts fully in each of its dimensions / action fields: these groups may overlap
OVERLAPPING = {"dimension", "action_field"}
APPLIES = ["located", "outside", "city", "region"]
MAX_ID = 2**62
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


@dataclass(frozen=True)
class BudgetFilter:
    """Which money to sum: published measures of ``city`` (area id, level city) or of ``region`` (area
    id, level region: its own measures and those of its cities), located in Quartier
    ``area`` (by share) or scoped to it, tagged with ``dimension`` / belonging to ``action_field`` (id);
    budget lines of fiscal year ``year`` and status ``status``. None means "any"."""

    city: int | None = None
    area: int | None = None
    region: int | None = None
    year: int | None = None
    dimension: str | None = None
    action_field: int | None = None
    status: str | None = None


def _money(value: Decimal) -> str:
    return format(value, "f")


def _sums(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "total": _money(row["total"]),
        "by_kind": {kind: _money(row[kind]) for kind in BudgetKind.values},
        "by_funding": {
            source: _money(row["grant_" if source == FundingSource.GRANT else source])
            for source in FundingSource.values
        },
        "maintenance_share": row["maintenance_share"],
        "external_funding_share": row["external_funding_share"],
    }


def _group_identity(group_by: str, row: dict[str, Any]) -> dict[str, Any]:
    identity: dict[str, Any] = {
        "key": "",
        "label": "",
        "area": None,
        "level": None,
        "applies": None,
        "year": None,
        "action_field": None,
    }
    key_id, key_code = row["key_id"], row["key_code"]
    if group_by == "area":
        applies, name = key_code, row["area_name"]
        identity.update(area=key_id, applies=applies)
        if applies == "outside":
            identity.update(key="outside the Quartiere", label=_("outside the Quartiere"))
        elif applies == "located":
            identity.update(key=name, label=name, level=Level(row["area_level"]).key)
        else:
            wide = "city-wide" if applies == "city" else "region-wide"
            identity.update(
                key=f"{wide}: {name}",
                label=(_("city-wide: %(name)s") if applies == "city" else _("region-wide: %(name)s"))
                % {"name": name},
                level=Level(row["area_level"]).key,
            )
    elif group_by == "year":
        identity.update(key=str(key_id), label=str(key_id), year=key_id)
    elif group_by == "city":
        # the owner of the measures: a city, or a region for its own (regional) measures
        level = Level(row["area_level"])
        name = row["area_name"]
        identity.update(
            key=name if level == Level.CITY else f"region: {name}",
            label=name if level == Level.CITY else _("region: %(name)s") % {"name": name},
            area=key_id,
            level=level.key,
        )
    elif group_by == "dimension":
        label = str(Dimension(key_code).label) if key_code in Dimension.values else _("no dimension")
        identity.update(key=key_code, label=label)
    elif group_by == "action_field":
        if key_id is None:
            identity.update(key="none", label=_("no action field"))
        else:
            identity.update(key=row["field_slug"], label=row["field_name"], action_field=key_id)
    else:  # funding
        identity.update(key=key_code, label=str(FundingSource(key_code).label))
    return identity


def budget_summary(*, filters: BudgetFilter, group_by: str | None = None) -> dict[str, Any]:
    """Sums in EUR (decimal strings, 2 places) of the budget lines of published measures matching
    ``filters``: the overall ``total`` and, with ``group_by``, one entry per group, each split by kind
    and funding source with the fairness shares (maintenance / (maintenance + investment) and
    (grant + complementary) / total; None without a denominator). One SQL statement (after a
    ``SET LOCAL jit = off`` for its transaction)."""
    query_params = {
        **asdict(filters),
        "group_by": group_by or "none",
        "quartier_level": int(Level.QUARTIER),
        "city_level": int(Level.CITY),
        "region_level": int(Level.REGION),
        "by_geometry": LinkKind.GEOMETRY.value,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner overestimates the weighted joins past jit_above_cost; compiling then took up to
        # 1.4 s for a query that runs in 0.1–0.4 s (docs/budget.md). Only for this statement.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(load(__file__, "budget_summary"), query_params)
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    total, groups = rows[0], rows[1:]
    assert total["is_total"]
    return {
        "group_by": group_by,
        "groups_overlap": group_by in OVERLAPPING,
        "total": _sums(total),
        "groups": [{**_group_identity(group_by, row), **_sums(row)} for row in groups] if group_by else [],
    }


# --- API -------------------------------------------------------------------------------------------


def _filters_from(query) -> BudgetFilter:
    """The filters of a request; every bad value is a 400 naming its parameter."""
    city = params.integer(query, "city", lo=1, hi=MAX_ID)
    if city is not None and not Area.objects.filter(pk=city, level=Level.CITY).exists():
        raise params.invalid("city", f"there is no city with id {city}.")
    region = params.integer(query, "region", lo=1, hi=MAX_ID)
    if region is not None and not Area.objects.filter(pk=region, level=Level.REGION).exists():
        raise params.invalid("region", f"there is no region with id {region}.")
    area = params.integer(query, "area", lo=1, hi=MAX_ID)
    if area is not None:
        parent = Area.objects.filter(pk=area, level=Level.QUARTIER).values_list("parent_id", flat=True)
        if not parent:
            raise params.invalid("area", f"there is no Quartier with id {area} (use city= for a city).")
        if city is not None and parent[0] != city:
            raise params.invalid("area", f"Quartier {area} does not belong to city {city}.")
    action_field = None
    raw_field = query.get("action_field") or ""
    if raw_field:
        if raw_field.isdigit() and raw_field.isascii():
            found = ActionField.objects.filter(pk=int(raw_field)) if int(raw_field) < MAX_ID else None
        elif SLUG.fullmatch(raw_field):
            found = ActionField.objects.filter(slug=raw_field)
        else:
            raise params.invalid("action_field", "must be the id or slug of an action field.")
        action_field = found.values_list("pk", flat=True).first() if found is not None else None
        if action_field is None:
            raise params.invalid("action_field", f"there is no action field {raw_field[:40]!r}.")
    return BudgetFilter(
        city=city,
        area=area,
        region=region,
        year=params.integer(query, "year", lo=FISCAL_YEAR_MIN, hi=FISCAL_YEAR_MAX),
        dimension=params.choice(query, "dimension", Dimension.values),
        action_field=action_field,
        status=params.choice(query, "status", BudgetStatus.values),
    )


class KindSums(serializers.Serializer):
    investment = serializers.DecimalField(max_digits=20, decimal_places=2)
    maintenance = serializers.DecimalField(max_digits=20, decimal_places=2)
    operating = serializers.DecimalField(max_digits=20, decimal_places=2)


class FundingSums(serializers.Serializer):
    own = serializers.DecimalField(max_digits=20, decimal_places=2)
    grant = serializers.DecimalField(max_digits=20, decimal_places=2)
    complementary = serializers.DecimalField(max_digits=20, decimal_places=2)


class BudgetSums(serializers.Serializer):
    total = serializers.DecimalField(max_digits=20, decimal_places=2, help_text="EUR")
    by_kind = KindSums()
    by_funding = FundingSums()
    maintenance_share = serializers.FloatField(
        allow_null=True, help_text="maintenance / (maintenance + investment); null if both are 0"
    )
    external_funding_share = serializers.FloatField(
        allow_null=True, help_text="(grant + complementary) / total; null if the total is 0"
    )


class BudgetGroup(BudgetSums):
    key = serializers.CharField(
        help_text="Quartier name, 'city-wide: <city>', 'region-wide: <region>', 'outside the Quartiere', "
        "the owner's name (group_by=city; 'region: <region>' for the region's own measures), "
        "fiscal year, dimension, action field slug, funding source; 'none' for measures without one"
    )
    # a field named "label" shadows Field.label, which the stubs type as text
    label = serializers.CharField(help_text="translated label")  # type: ignore[assignment]
    area = serializers.IntegerField(allow_null=True, help_text="area id (group_by=area, group_by=city)")
    level = serializers.ChoiceField([level.key for level in Level], allow_null=True)
    applies = serializers.ChoiceField(
        APPLIES, allow_null=True, help_text="located in a Quartier (by share), outside, city- or region-wide"
    )
    year = serializers.IntegerField(allow_null=True)
    action_field = serializers.IntegerField(allow_null=True)


class BudgetSummary(serializers.Serializer):
    currency = serializers.CharField()
    filters = serializers.DictField(help_text="the filters applied (ids, year, codes)")
    group_by = serializers.ChoiceField(GROUP_BYS, allow_null=True)
    groups_overlap = serializers.BooleanField(
        help_text="true for dimension and action_field: a measure counts fully in each of its groups, so "
        "the groups may add up to more than the total"
    )
    total = BudgetSums()
    groups = BudgetGroup(many=True)


@extend_schema(
    summary="Budget sums of published measures",
    description=(
        "Sums of the budget lines (EUR) of published measures, in total and per group, each split by "
        "kind and funding source with the fairness shares of strategic goal 3. A measure located by "
        "geometry is split over the Quartiere by its share; city- and region-wide measures are their "
        "own groups, never spread over Quartiere. See docs/budget.md."
    ),
    parameters=[
        OpenApiParameter("city", OpenApiTypes.INT, description="id of a city: its measures"),
        OpenApiParameter(
            "area", OpenApiTypes.INT, description="id of a Quartier: its share of the located measures"
        ),
        OpenApiParameter(
            "region",
            OpenApiTypes.INT,
            description="id of a region: its own measures and those of its cities (group_by=city: per city)",
        ),
        OpenApiParameter(
            "year", OpenApiTypes.INT, description=f"fiscal year {FISCAL_YEAR_MIN}–{FISCAL_YEAR_MAX}"
        ),
        OpenApiParameter("dimension", OpenApiTypes.STR, enum=Dimension.values),
        OpenApiParameter("action_field", OpenApiTypes.STR, description="id or slug of an action field"),
        OpenApiParameter("status", OpenApiTypes.STR, enum=BudgetStatus.values, description="of the lines"),
        OpenApiParameter("group_by", OpenApiTypes.STR, enum=GROUP_BYS),
    ],
    responses={
        200: BudgetSummary,
        400: OpenApiResponse(OpenApiTypes.OBJECT, description="a parameter is invalid; named in the body"),
    },
)
@api_view(["GET"])
@permission_classes([AllowAny])
def budget(request):
    query = request.query_params
    filters = _filters_from(query)
    group_by = params.choice(query, "group_by", GROUP_BYS)
    summary = budget_summary(filters=filters, group_by=group_by)
    return Response({"currency": "EUR", "filters": asdict(filters), **summary})
