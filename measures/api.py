"""REST API of measures: the strategy tree, measures (GeoJSON), budget lines, area → measures.

Views parse and shape; the rules live in measures.services. Reading published data is public,
writing needs the planners' group; measure and budget-line writes need ``If-Match`` (ETag)."""

from django.conf import settings
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from geo import crs, etag, params
from geo.api import LenientJSONParser
from geo.geojson import feature_collection_response, geojson_schema
from geo.permissions import IsPlannerOrReadOnly
from measures import selectors, services
from measures.api_budget_lines import BudgetLineViewSet
from measures.api_strategy import ActionFieldViewSet, MasterPlanViewSet, StrategicGoalViewSet
from measures.models import Dimension, Measure, MeasureStatus
from measures.serializers import HistoryRecordSerializer, MeasureSerializer
from quartiere.models import Area

ID_REGEX = r"[0-9]{1,18}"
KIND = "measure"

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
PAGE_PARAMS = [
    OpenApiParameter("limit", OpenApiTypes.INT, description="page size (default 100, max 1000)"),
    OpenApiParameter("offset", OpenApiTypes.INT),
]
FILTER_PARAMS = [
    OpenApiParameter("city", OpenApiTypes.INT, description="id of the city the measures belong to"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=MeasureStatus.values),
    OpenApiParameter("dimension", OpenApiTypes.STR, enum=Dimension.values),
    OpenApiParameter(
        "action_field", OpenApiTypes.INT, description="through the measures' strategic goals or master plan"
    ),
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
    *PAGE_PARAMS,
]


def _page_args(q) -> dict:
    return {
        "limit": params.integer(
            q, "limit", default=settings.API_PAGE_SIZE, lo=1, hi=settings.API_MAX_PAGE_SIZE
        ),
        "offset": params.integer(q, "offset", default=0, lo=0, hi=10_000_000),
    }


def _filter_args(request: Request) -> dict:
    q = request.query_params
    srid = params.srid(q)
    published = params.choice(q, "published", ["true", "false"])
    return {
        "city": params.integer(q, "city", lo=1, hi=2**62),
        "status": params.choice(q, "status", MeasureStatus.values),
        "dimension": params.choice(q, "dimension", Dimension.values),
        "action_field": params.integer(q, "action_field", lo=1, hi=2**62),
        "published": None if published is None else published == "true",
        "bbox": params.bbox(q, srid=srid),
        "bbox_srid": srid,
        "out_srid": srid,
    }


@extend_schema_view(
    list=extend_schema(
        summary="Measures as a GeoJSON FeatureCollection",
        parameters=FILTER_PARAMS,
        responses={200: geojson_schema("MeasureFeatureCollection", collection=True), 400: ERROR},
    ),
    retrieve=extend_schema(
        summary="One measure (ETag header for writes)",
        parameters=[SRID_PARAM],
        responses={200: MeasureSerializer, 400: ERROR, 404: ERROR},
    ),
    create=extend_schema(
        summary="Create a measure (planners)",
        parameters=[SRID_PARAM],
        request=MeasureSerializer,
        responses={201: MeasureSerializer, 400: ERROR, 401: ERROR, 403: ERROR},
    ),
    update=extend_schema(
        summary="Replace a measure (planners, If-Match)",
        parameters=[SRID_PARAM, IF_MATCH],
        request=MeasureSerializer,
        responses={200: MeasureSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change fields of a measure (planners, If-Match)",
        parameters=[SRID_PARAM, IF_MATCH],
        request=MeasureSerializer,
        responses={200: MeasureSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a measure with its budget lines (planners, If-Match)",
        parameters=[IF_MATCH],
        responses={204: None, **WRITE_ERRORS},
    ),
)
class MeasureViewSet(viewsets.ViewSet):
    """Planning measures, located by a geometry or a declared scope area."""

    permission_classes = [IsPlannerOrReadOnly]
    parser_classes = [LenientJSONParser]
    lookup_value_regex = ID_REGEX

    def _visible(self, request: Request, pk: str) -> Measure:
        measure = selectors.measures_visible(request.user).filter(pk=int(pk)).first()
        if measure is None:
            raise Http404
        return measure

    def _detail(self, request: Request, pk: int, srid: int, code: int = status.HTTP_200_OK) -> Response:
        measure = selectors.measure_detail(user=request.user, measure_id=pk, out_srid=srid)
        if measure is None:
            raise Http404
        data = MeasureSerializer(measure, context={"request": request, "srid": srid}).data
        return Response(data, status=code, headers={"ETag": etag.etag(KIND, measure.pk, measure.version)})

    def list(self, request: Request) -> HttpResponse:
        page_args = _page_args(request.query_params)
        filters = _filter_args(request)
        page = selectors.measure_feature_page(user=request.user, **filters, **page_args)
        return feature_collection_response(request, page, srid=filters["out_srid"], **page_args)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(request, int(pk), params.srid(request.query_params))

    def create(self, request: Request) -> Response:
        srid = params.srid(request.query_params)
        serializer = MeasureSerializer(data=request.data, context={"request": request, "srid": srid})
        serializer.is_valid(raise_exception=True)
        measure = services.measure_create(user=request.user, **serializer.validated_data)
        return self._detail(request, measure.pk, srid, status.HTTP_201_CREATED)

    def _write(self, request: Request, pk: str, *, partial: bool) -> Response:
        srid = params.srid(request.query_params)
        measure = self._visible(request, pk)
        versions = etag.if_match_versions(request, KIND, measure.pk)
        etag.check_version(measure.version, versions)  # early answer; the service re-checks under lock
        serializer = MeasureSerializer(
            measure, data=request.data, partial=partial, context={"request": request, "srid": srid}
        )
        serializer.is_valid(raise_exception=True)
        try:
            services.measure_update(
                measure_id=measure.pk,
                expected_versions=versions,
                user=request.user,
                **serializer.validated_data,
            )
        except Measure.DoesNotExist:
            raise Http404 from None
        return self._detail(request, measure.pk, srid)

    def update(self, request: Request, pk: str) -> Response:
        return self._write(request, pk, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._write(request, pk, partial=True)

    def destroy(self, request: Request, pk: str) -> Response:
        measure = self._visible(request, pk)
        versions = etag.if_match_versions(request, KIND, measure.pk)
        try:
            services.measure_delete(measure_id=measure.pk, expected_versions=versions, user=request.user)
        except Measure.DoesNotExist:
            raise Http404 from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="The audit trail of a measure: who (planners only), when, what changed",
        description=(
            "Planners see every write. Everybody else sees the public trail, which starts when the "
            "measure was first published: no earlier drafts, `withdrawn` (without values) when it was "
            "unpublished, `published` when it was published (again); changes are compared with the "
            "last published state. An unpublished measure's history is 404 like its detail."
        ),
        parameters=[SRID_PARAM],
        responses={200: HistoryRecordSerializer(many=True), 400: ERROR, 404: ERROR},
    )
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str) -> Response:
        srid = params.srid(request.query_params)
        measure = self._visible(request, pk)
        records = selectors.measure_history(measure=measure, user=request.user, out_srid=srid)
        return Response(HistoryRecordSerializer(records, many=True).data)


class AreaMeasureViewSet(viewsets.ViewSet):
    """The measures of one area: ``/api/areas/{area_id}/measures/``."""

    permission_classes = [IsPlannerOrReadOnly]

    @extend_schema(
        summary="Measures located in an area; with include=inherited also city- and region-wide ones",
        description=(
            "Each feature's `applies` says how the measure applies: `located` (its geometry or declared "
            "scope lies in the area; `share` is its part in the area), or `city` / `region` (declared "
            "for the city or region above the area; only with include=inherited)."
        ),
        parameters=[
            OpenApiParameter("area_id", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter("include", OpenApiTypes.STR, enum=["inherited"]),
            *FILTER_PARAMS,
        ],
        responses={
            200: geojson_schema("AreaMeasureFeatureCollection", collection=True),
            400: ERROR,
            404: ERROR,
        },
    )
    def list(self, request: Request, area_id: str) -> HttpResponse:
        if not Area.objects.filter(pk=int(area_id)).exists():
            raise Http404
        inherited = params.choice(request.query_params, "include", ["inherited"]) == "inherited"
        page_args = _page_args(request.query_params)
        filters = _filter_args(request)
        page = selectors.measure_feature_page(
            user=request.user, area_id=int(area_id), inherited=inherited, **filters, **page_args
        )
        return feature_collection_response(request, page, srid=filters["out_srid"], **page_args)


def register(router) -> None:
    router.register("action-fields", ActionFieldViewSet, basename="action-field")
    router.register("strategic-goals", StrategicGoalViewSet, basename="strategic-goal")
    router.register("master-plans", MasterPlanViewSet, basename="master-plan")
    router.register("measures", MeasureViewSet, basename="measure")
    router.register("budget-lines", BudgetLineViewSet, basename="budget-line")
    router.register(rf"areas/(?P<area_id>{ID_REGEX})/measures", AreaMeasureViewSet, basename="area-measures")
