"""REST API of planning: focus areas (GeoJSON, ETag/If-Match, history) and the priority index.

Views parse and shape; the rules live in planning.services. Reading published data is public,
writing needs the planners' group; writes need ``If-Match`` (ETag)."""

import json

from django.conf import settings
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from geo import crs, etag, params
from geo.api import LenientJSONParser
from geo.geojson import feature_collection_response, geojson_schema
from geo.permissions import IsPlannerOrReadOnly
from measures.models import Dimension
from measures.serializers import HistoryRecordSerializer
from planning import priorities as prio
from planning import selectors, services
from planning.models import FocusArea, Priority
from planning.serializers import FocusAreaSerializer
from quartiere.models import Area, Level

ID_REGEX = r"[0-9]{1,18}"
KIND = "focus-area"
MAX_ID = 2**62

SRID_PARAM = OpenApiParameter(
    "srid",
    OpenApiTypes.INT,
    enum=sorted(crs.ALLOWED_SRIDS),
    description="EPSG code of the geometry in the request body and the response (and of bbox); default 4326",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="the ETag of the version you read; 428 without it, 412 when it is no longer current",
)
ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="error with the reason, by field or as 'detail'")
WRITE_ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 412: ERROR, 428: ERROR}
LIST_PARAMS = [
    OpenApiParameter("city", OpenApiTypes.INT, description="id of the city the focus areas belong to"),
    OpenApiParameter("area", OpenApiTypes.INT, description="id of an area they overlap (any level)"),
    OpenApiParameter("priority", OpenApiTypes.STR, enum=Priority.values),
    OpenApiParameter("dimension", OpenApiTypes.STR, enum=Dimension.values),
    OpenApiParameter(
        "published",
        OpenApiTypes.STR,
        enum=["true", "false"],
        description="planners only; others see published",
    ),
    OpenApiParameter(
        "bbox", OpenApiTypes.STR, description="minx,miny,maxx,maxy in the srid (lon/lat for 4326)"
    ),
    SRID_PARAM,
    OpenApiParameter("limit", OpenApiTypes.INT, description="page size (default 100, max 1000)"),
    OpenApiParameter("offset", OpenApiTypes.INT),
]


@extend_schema_view(
    list=extend_schema(
        summary="Focus areas as a GeoJSON FeatureCollection (with their Quartiere and overlap shares)",
        parameters=LIST_PARAMS,
        responses={200: geojson_schema("FocusAreaFeatureCollection", collection=True), 400: ERROR},
    ),
    retrieve=extend_schema(
        summary="One focus area (ETag header for writes)",
        parameters=[SRID_PARAM],
        responses={200: FocusAreaSerializer, 400: ERROR, 404: ERROR},
    ),
    create=extend_schema(
        summary="Create a focus area (planners)",
        parameters=[SRID_PARAM],
        request=FocusAreaSerializer,
        responses={201: FocusAreaSerializer, 400: ERROR, 401: ERROR, 403: ERROR},
    ),
    update=extend_schema(
        summary="Replace a focus area (planners, If-Match)",
        parameters=[SRID_PARAM, IF_MATCH],
        request=FocusAreaSerializer,
        responses={200: FocusAreaSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change fields of a focus area (planners, If-Match)",
        parameters=[SRID_PARAM, IF_MATCH],
        request=FocusAreaSerializer,
        responses={200: FocusAreaSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a focus area (planners, If-Match)",
        parameters=[IF_MATCH],
        responses={204: None, **WRITE_ERRORS},
    ),
)
class FocusAreaViewSet(viewsets.ViewSet):
    """Focus areas (räumliche Schwerpunkte) drawn by planners."""

    permission_classes = [IsPlannerOrReadOnly]
    parser_classes = [LenientJSONParser]
    lookup_value_regex = ID_REGEX

    def _visible(self, request: Request, pk: str) -> FocusArea:
        focus_area = selectors.focus_areas_visible(request.user).filter(pk=int(pk)).first()
        if focus_area is None:
            raise Http404
        return focus_area

    def _detail(self, request: Request, pk: int, srid: int, code: int = status.HTTP_200_OK) -> Response:
        focus_area = selectors.focus_area_detail(user=request.user, focus_area_id=pk, out_srid=srid)
        if focus_area is None:
            raise Http404
        data = FocusAreaSerializer(focus_area, context={"request": request, "srid": srid}).data
        return Response(
            data, status=code, headers={"ETag": etag.etag(KIND, focus_area.pk, focus_area.version)}
        )

    def list(self, request: Request) -> HttpResponse:
        q = request.query_params
        srid = params.srid(q)
        published = params.choice(q, "published", ["true", "false"])
        limit = params.integer(
            q, "limit", default=settings.API_PAGE_SIZE, lo=1, hi=settings.API_MAX_PAGE_SIZE
        )
        offset = params.integer(q, "offset", default=0, lo=0, hi=10_000_000)
        page = selectors.focus_area_feature_page(
            user=request.user,
            city=params.integer(q, "city", lo=1, hi=MAX_ID),
            area=params.integer(q, "area", lo=1, hi=MAX_ID),
            priority=params.choice(q, "priority", Priority.values),
            dimension=params.choice(q, "dimension", Dimension.values),
            published=None if published is None else published == "true",
            bbox=params.bbox(q, srid=srid),
            bbox_srid=srid,
            out_srid=srid,
            limit=limit,
            offset=offset,
        )
        return feature_collection_response(request, page, limit=limit, offset=offset, srid=srid)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(request, int(pk), params.srid(request.query_params))

    def create(self, request: Request) -> Response:
        srid = params.srid(request.query_params)
        serializer = FocusAreaSerializer(data=request.data, context={"request": request, "srid": srid})
        serializer.is_valid(raise_exception=True)
        focus_area = services.focus_area_create(user=request.user, **serializer.validated_data)
        return self._detail(request, focus_area.pk, srid, status.HTTP_201_CREATED)

    def _write(self, request: Request, pk: str, *, partial: bool) -> Response:
        srid = params.srid(request.query_params)
        focus_area = self._visible(request, pk)
        versions = etag.if_match_versions(request, KIND, focus_area.pk)
        etag.check_version(focus_area.version, versions)  # early answer; the service re-checks under lock
        serializer = FocusAreaSerializer(
            focus_area, data=request.data, partial=partial, context={"request": request, "srid": srid}
        )
        serializer.is_valid(raise_exception=True)
        try:
            services.focus_area_update(
                focus_area_id=focus_area.pk,
                expected_versions=versions,
                user=request.user,
                **serializer.validated_data,
            )
        except FocusArea.DoesNotExist:
            raise Http404 from None
        return self._detail(request, focus_area.pk, srid)

    def update(self, request: Request, pk: str) -> Response:
        return self._write(request, pk, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._write(request, pk, partial=True)

    def destroy(self, request: Request, pk: str) -> Response:
        focus_area = self._visible(request, pk)
        versions = etag.if_match_versions(request, KIND, focus_area.pk)
        try:
            services.focus_area_delete(
                focus_area_id=focus_area.pk, expected_versions=versions, user=request.user
            )
        except FocusArea.DoesNotExist:
            raise Http404 from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="The audit trail of a focus area: who (planners only), when, what changed",
        description=(
            "Planners see every write. Everybody else sees the public trail, which starts when the "
            "focus area was first published: no earlier drafts, `withdrawn` (without values) when it "
            "was unpublished, `published` when it was published (again); changes are compared with "
            "the last published state; unpublished measures are left out of `measures`. An "
            "unpublished focus area's history is 404 like its detail."
        ),
        parameters=[SRID_PARAM],
        responses={200: HistoryRecordSerializer(many=True), 400: ERROR, 404: ERROR},
    )
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str) -> Response:
        srid = params.srid(request.query_params)
        focus_area = self._visible(request, pk)
        records = selectors.focus_area_history(focus_area=focus_area, user=request.user, out_srid=srid)
        return Response(HistoryRecordSerializer(records, many=True).data)


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
        "components": inline_serializer(
            "PriorityComponents",
            {
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
        "Per Quartier and Charter dimension (and `all`): participation demand (published contributions per "
        "1,000 inhabitants, weighted by category), planned supply (published measures per 1,000 inhabitants "
        "and budget in EUR per inhabitant, by the measures' area shares) and focus-area coverage (share of "
        "the Quartier's surface), each min-max normalised within the city, and the score "
        "(w_d·demand + w_s·(1 − supply) + w_c·coverage) / (w_d + w_s + w_c). `gaps` lists the Quartiere "
        "with high demand and low planned supply. Method: docs/priorities.md."
    ),
    parameters=[
        OpenApiParameter("city", OpenApiTypes.STR, required=True, description="id or slug of a city"),
        OpenApiParameter(
            "dimension", OpenApiTypes.STR, enum=list(prio.DIMENSIONS), description="default: all four"
        ),
        OpenApiParameter(
            "weights",
            OpenApiTypes.STR,
            description="override weights, e.g. demand:0.6,supply:0.2,coverage:0.2,problem:1,praise:0",
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
    try:
        weights = prio.parse_weights(q.get("weights"))
    except prio.WeightsInvalid as error:
        raise params.invalid("weights", str(error)) from None
    results, gaps = prio.priorities_json(city=city.pk, dimension=dimension, weights=weights)
    head = {
        "city": {"id": city.pk, "name": city.name},
        "dimension": dimension,
        "weights": weights.as_dict(),
        "normalisation": "min-max within the city and dimension",
        "method": "docs/priorities.md",
    }
    # the rows are JSON built by PostgreSQL: Python only wraps the text
    body = json.dumps(head)[:-1] + ',"results":' + results + ',"gaps":' + gaps + "}"
    return HttpResponse(body, content_type="application/json")


def register(router) -> None:
    router.register("focus-areas", FocusAreaViewSet, basename="focus-area")
