"""REST API of measures: the strategy tree, measures (GeoJSON), budget lines, area → measures.

Views parse and shape; the rules live in measures.services. Reading published data is public,
writing needs the planners' group; measure and budget-line writes need ``If-Match`` (ETag)."""

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request

from geo import params
from geo.geojson import feature_collection_response, geojson_schema
from geo.permissions import IsPlannerOrReadOnly
from geo.records.api import RecordViewSet, page_args, published_arg, record_schema
from geo.schema import BBOX_PARAM, ERROR, ID_REGEX, MAX_ID, PAGE_PARAMS, PUBLISHED_PARAM, SRID_PARAM
from measures import selectors, services
from measures.api_budget_lines import BudgetLineViewSet
from measures.api_strategy import ActionFieldViewSet, MasterPlanViewSet, StrategicGoalViewSet
from measures.models import Dimension, MeasureStatus
from measures.serializers import MeasureSerializer
from quartiere.models import Area

FILTER_PARAMS = [
    OpenApiParameter("city", OpenApiTypes.INT, description="id of the city the measures belong to"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=MeasureStatus.values),
    OpenApiParameter("dimension", OpenApiTypes.STR, enum=Dimension.values),
    OpenApiParameter(
        "action_field", OpenApiTypes.INT, description="through the measures' strategic goals or master plan"
    ),
    PUBLISHED_PARAM,
    BBOX_PARAM,
    SRID_PARAM,
    *PAGE_PARAMS,
]


def _filter_args(request: Request, srid: int) -> dict:
    q = request.query_params
    return {
        "city": params.integer(q, "city", lo=1, hi=MAX_ID),
        "status": params.choice(q, "status", MeasureStatus.values),
        "dimension": params.choice(q, "dimension", Dimension.values),
        "action_field": params.integer(q, "action_field", lo=1, hi=MAX_ID),
        "published": published_arg(q),
        "bbox": params.bbox(q, srid=srid),
        "bbox_srid": srid,
        "out_srid": srid,
    }


@record_schema(
    MeasureSerializer,
    "measure",
    list=extend_schema(
        summary="Measures as a GeoJSON FeatureCollection",
        parameters=FILTER_PARAMS,
        responses={200: geojson_schema("MeasureFeatureCollection", collection=True), 400: ERROR},
    ),
    destroy="Delete a measure with its budget lines (planners, If-Match)",
    history=(
        "Planners see every write. Everybody else sees the public trail, which starts when the "
        "measure was first published: no earlier drafts, `withdrawn` (without values) when it was "
        "unpublished, `published` when it was published (again); changes are compared with the "
        "last published state. An unpublished measure's history is 404 like its detail."
    ),
)
class MeasureViewSet(RecordViewSet):
    """Planning measures, located by a geometry or a declared scope area."""

    record = services.MEASURE_RECORD
    serializer_class = MeasureSerializer
    visible = selectors.measures_visible
    read_record = selectors.measure_detail
    create_record = services.measure_create
    update_record = services.measure_update
    delete_record = services.measure_delete
    trail = selectors.measure_history

    def feature_page(self, request: Request, *, srid: int, limit: int, offset: int):
        filters = _filter_args(request, srid)
        return selectors.measure_feature_page(user=request.user, **filters, limit=limit, offset=offset)


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
        srid = params.srid(request.query_params)
        paging = page_args(request.query_params)
        page = selectors.measure_feature_page(
            user=request.user,
            area_id=int(area_id),
            inherited=inherited,
            **_filter_args(request, srid),
            **paging,
        )
        return feature_collection_response(request, page, srid=srid, **paging)


def register(router) -> None:
    router.register("action-fields", ActionFieldViewSet, basename="action-field")
    router.register("strategic-goals", StrategicGoalViewSet, basename="strategic-goal")
    router.register("master-plans", MasterPlanViewSet, basename="master-plan")
    router.register("measures", MeasureViewSet, basename="measure")
    router.register("budget-lines", BudgetLineViewSet, basename="budget-line")
    router.register(rf"areas/(?P<area_id>{ID_REGEX})/measures", AreaMeasureViewSet, basename="area-measures")
