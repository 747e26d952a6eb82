"""REST API of planning: focus areas (a record of geo.records.api: GeoJSON, ETag/If-Match, history)
and the priority index.

Views parse and shape; the rules live in planning.services. Reading published data is public,
writing needs the planners' group; writes need ``If-Match`` (ETag)."""

import json
import re

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from geo import params
from geo.geojson import geojson_schema
from geo.records.api import RecordViewSet, published_arg, record_schema
from geo.schema import BBOX_PARAM, ERROR, MAX_ID, PAGE_PARAMS, PUBLISHED_PARAM, SRID_PARAM
from measures.models import Dimension
from planning import priorities as prio
from planning import selectors, services, weightings
from planning.models import Priority
from planning.serializers import FocusAreaSerializer
from quartiere.models import Area, Level

LIST_PARAMS = [
    OpenApiParameter("city", OpenApiTypes.INT, description="id of the city the focus areas belong to"),
    OpenApiParameter("area", OpenApiTypes.INT, description="id of an area they overlap (any level)"),
    OpenApiParameter("priority", OpenApiTypes.STR, enum=Priority.values),
    OpenApiParameter("dimension", OpenApiTypes.STR, enum=Dimension.values),
    PUBLISHED_PARAM,
    BBOX_PARAM,
    SRID_PARAM,
    *PAGE_PARAMS,
]


@record_schema(
    FocusAreaSerializer,
    "focus area",
    list=extend_schema(
        summary="Focus areas as a GeoJSON FeatureCollection (with their Quartiere and overlap shares)",
        parameters=LIST_PARAMS,
        responses={200: geojson_schema("FocusAreaFeatureCollection", collection=True), 400: ERROR},
    ),
    history=(
        "Planners see every write. Everybody else sees the public trail, which starts when the "
        "focus area was first published: no earlier drafts, `withdrawn` (without values) when it "
        "was unpublished, `published` when it was published (again); changes are compared with "
        "the last published state; unpublished measures are left out of `measures`. An "
        "unpublished focus area's history is 404 like its detail."
    ),
)
class FocusAreaViewSet(RecordViewSet):
    """Focus areas (räumliche Schwerpunkte) drawn by planners."""

    record = services.FOCUS_AREA_RECORD
    serializer_class = FocusAreaSerializer
    visible = selectors.focus_areas_visible
    read_record = selectors.focus_area_detail
    create_record = services.focus_area_create
    update_record = services.focus_area_update
    delete_record = services.focus_area_delete
    trail = selectors.focus_area_history

    def feature_page(self, request: Request, *, srid: int, limit: int, offset: int):
        q = request.query_params
        return selectors.focus_area_feature_page(
            user=request.user,
            city=params.integer(q, "city", lo=1, hi=MAX_ID),
            area=params.integer(q, "area", lo=1, hi=MAX_ID),
            priority=params.choice(q, "priority", Priority.values),
            dimension=params.choice(q, "dimension", Dimension.values),
            published=published_arg(q),
            bbox=params.bbox(q, srid=srid),
            bbox_srid=srid,
            out_srid=srid,
            limit=limit,
            offset=offset,
        )


def _component(name: str, fields: dict) -> serializers.Serializer:
    return inline_serializer(name, fields)


NUMBER = serializers.FloatField(allow_null=True)
PRIORITY_ROW = inline_serializer(
    "PriorityRow",
    {
        "quartier": inline_serializer(
            "PriorityQuartier",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "slug": serializers.CharField(),
                "population": serializers.IntegerField(allow_null=True),
            },
        ),
        "dimension": serializers.ChoiceField(prio.DIMENSIONS),
        "score": serializers.FloatField(allow_null=True, help_text="0–1; null without population"),
        "rank": serializers.IntegerField(allow_null=True, help_text="1 = highest priority in the city"),
        "gap": serializers.BooleanField(help_text="high demand, low planned supply"),
        "missing": serializers.ListField(
            child=serializers.CharField(),
            help_text="keys of weighted indicators without a value: then no score and no rank",
        ),
        "sensitivity": inline_serializer(
            "PrioritySensitivity",
            {
                "best": serializers.IntegerField(),
                "worst": serializers.IntegerField(),
                "moved_by": serializers.ListField(child=serializers.DictField()),
            },
            allow_null=True,
            help_text="with ?sensitivity=1: the rank range when each weight moves by ±20 %",
        ),
        "components": inline_serializer(
            "PriorityComponents",
            {
                "indicators": _component(
                    "PriorityIndicators",
                    {
                        "need": NUMBER,
                        "weight": NUMBER,
                        "fallback": serializers.BooleanField(),
                        "values": serializers.ListField(child=serializers.DictField()),
                    },
                ),
                "demand": _component(
                    "PriorityDemand",
                    {
                        "contributions": NUMBER,
                        "weighted_contributions": NUMBER,
                        "per_1000": NUMBER,
                        "normalised": NUMBER,
                    },
                ),
                "supply": _component(
                    "PrioritySupply",
                    {
                        "measures": NUMBER,
                        "measures_per_1000": NUMBER,
                        "budget_eur": NUMBER,
                        "budget_per_inhabitant": NUMBER,
                        "measures_normalised": NUMBER,
                        "budget_normalised": NUMBER,
                        "normalised": NUMBER,
                    },
                ),
                "coverage": _component("PriorityCoverage", {"share": NUMBER, "normalised": NUMBER}),
            },
        ),
    },
)
PRIORITIES_RESPONSE = inline_serializer(
    "Priorities",
    {
        "city": inline_serializer(
            "PriorityCity", {"id": serializers.IntegerField(), "name": serializers.CharField()}
        ),
        "dimension": serializers.ChoiceField(prio.DIMENSIONS, allow_null=True),
        "year": serializers.IntegerField(allow_null=True),
        "weighting": serializers.DictField(allow_null=True),
        "weights": serializers.DictField(),
        "normalisation": serializers.CharField(),
        "method": serializers.CharField(),
        "results": PRIORITY_ROW.__class__(many=True),
        "gaps": PRIORITY_ROW.__class__(many=True),
    },
)


def city_from_param(raw: str | None, *, name: str = "city") -> Area:
    """The city named by id (or slug) in a query parameter; 400 naming the parameter otherwise."""
    if raw is None or raw.strip() == "":
        raise params.invalid(name, "This parameter is required (the id or slug of a city).")
    text = raw.strip()
    cities = Area.objects.filter(level=Level.CITY)
    if text.isascii() and text.isdigit():
        city = cities.filter(pk=int(text)).first() if len(text) <= 18 else None
    else:
        city = cities.filter(slug=text[:200]).order_by("id").first()
    if city is None:
        raise params.invalid(name, f"there is no city {text[:40]!r}.")
    return city


@extend_schema(
    summary="Priority index per Quartier of a city, with its components and the gap analysis",
    description=(
        "Per Quartier and Charter dimension (and `all`): the need on evidence (the weighting's indicators "
        "of the dimension, min-max normalised within the city and oriented by direction, weighted mean), "
        "participation demand (published contributions per 1,000 inhabitants, weighted by category), "
        "planned supply (published measures per 1,000 inhabitants and budget in EUR per inhabitant, by the "
        "measures' area shares) and focus-area coverage (share of the Quartier's surface), each min-max "
        "normalised within the city, and the score (w_i·need + w_d·demand + w_s·(1 − supply) + "
        "w_c·coverage) / (w_i + w_d + w_s + w_c); w_i is 0 in a dimension without weighted indicators "
        "(`components.indicators.fallback`). A Quartier without a value of a weighted indicator is listed "
        "with `missing` and has no score and no rank. `gaps` lists the Quartiere with high demand and low "
        "planned supply. Method: docs/priorities.md."
    ),
    parameters=[
        OpenApiParameter("city", OpenApiTypes.STR, required=True, description="id or slug of a city"),
        OpenApiParameter(
            "dimension", OpenApiTypes.STR, enum=list(prio.DIMENSIONS), description="default: all four"
        ),
        OpenApiParameter(
            "weights",
            OpenApiTypes.STR,
            description=(
                "override weights of the weighting, e.g. indicators:1,demand:0.6,supply:0.2,coverage:0.2,"
                "problem:1,praise:0,ind.sgb2_quote:2 (ind.<key>:0 drops an indicator)"
            ),
        ),
        OpenApiParameter(
            "weighting",
            OpenApiTypes.STR,
            description="slug of a saved weighting of the city; default: its default",
        ),
        OpenApiParameter(
            "year", OpenApiTypes.INT, description="indicators: the latest year with values up to this one"
        ),
        OpenApiParameter(
            "sensitivity",
            OpenApiTypes.STR,
            enum=["0", "1"],
            description="1: each row's rank range under ±20 % weights",
        ),
    ],
    responses={200: PRIORITIES_RESPONSE, 400: ERROR},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def priorities(request: Request) -> HttpResponse:
    q = request.query_params
    city = city_from_param(q.get("city"))
    dimension = params.choice(q, "dimension", list(prio.DIMENSIONS))
    year = params.integer(q, "year", lo=1900, hi=2100)
    sensitivity = params.choice(q, "sensitivity", ["0", "1"]) == "1"
    slug = (q.get("weighting") or "").strip() or None
    if slug is not None and not re.fullmatch(r"[-a-zA-Z0-9_]{1,100}", slug):
        raise params.invalid("weighting", "must be the slug of a weighting (letters, digits, - and _).")
    weighting = weightings.find(city.pk, slug) if slug else weightings.default_of(city.pk)
    if slug and weighting is None:
        raise params.invalid("weighting", f"the city has no weighting {slug[:60]!r}.")
    base = weightings.weights_of(weighting) if weighting else prio.default_weights()
    try:
        weights = prio.parse_weights(q.get("weights"), base)
    except prio.WeightsInvalid as error:
        raise params.invalid("weights", str(error)) from None
    results, gaps = prio.priorities_json(
        city=city.pk, dimension=dimension, weights=weights, year=year, sensitivity=sensitivity
    )
    head = {
        "city": {"id": city.pk, "name": city.name},
        "dimension": dimension,
        "year": year,
        "weighting": {"slug": weighting.slug, "name": weighting.name, "default": weighting.is_default}
        if weighting
        else None,
        "weights": weights.as_dict(),
        "normalisation": "min-max within the city and dimension (indicators: within the city, by year)",
        "method": "docs/priorities.md",
    }
    # the rows are JSON built by PostgreSQL: Python only wraps the text
    body = json.dumps(head)[:-1] + ',"results":' + results + ',"gaps":' + gaps + "}"
    return HttpResponse(body, content_type="application/json")


def register(router) -> None:
    router.register("focus-areas", FocusAreaViewSet, basename="focus-area")
