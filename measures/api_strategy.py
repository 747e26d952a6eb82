"""REST API of the strategy tree: action fields, strategic goals, master plans (plain CRUD; writes
by planners, audited by simple-history)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets

from geo.permissions import IsPlannerOrReadOnly
from measures.models import ActionField, MasterPlan, StrategicGoal
from measures.serializers import ActionFieldSerializer, MasterPlanSerializer, StrategicGoalSerializer

ID_REGEX = r"[0-9]{1,18}"
ERROR = OpenApiResponse(description="error with the reason, by field or as 'detail'")
ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR}
DELETE_ERRORS = {**ERRORS, 409: OpenApiResponse(description="still in use")}


def _schema(serializer):
    return extend_schema_view(
        **{
            name: extend_schema(responses={code: serializer if code != 204 else None, **errors})
            for name, code, errors in (
                ("create", 201, ERRORS),
                ("update", 200, ERRORS),
                ("partial_update", 200, ERRORS),
                ("destroy", 204, DELETE_ERRORS),
                ("retrieve", 200, {404: ERROR}),
            )
        }
    )


@_schema(ActionFieldSerializer)
class ActionFieldViewSet(viewsets.ModelViewSet):
    """Handlungsfelder of the city's strategy."""

    queryset = ActionField.objects.all()
    serializer_class = ActionFieldSerializer
    permission_classes = [IsPlannerOrReadOnly]
    lookup_value_regex = ID_REGEX
    filterset_fields = ["slug"]


@_schema(StrategicGoalSerializer)
class StrategicGoalViewSet(viewsets.ModelViewSet):
    """Strategic goals, numbered within their action field."""

    queryset = StrategicGoal.objects.select_related("action_field")
    serializer_class = StrategicGoalSerializer
    permission_classes = [IsPlannerOrReadOnly]
    lookup_value_regex = ID_REGEX
    filterset_fields = ["action_field"]


@_schema(MasterPlanSerializer)
class MasterPlanViewSet(viewsets.ModelViewSet):
    """Masterpläne and the action fields they cover."""

    queryset = MasterPlan.objects.prefetch_related("action_fields")
    serializer_class = MasterPlanSerializer
    permission_classes = [IsPlannerOrReadOnly]
    lookup_value_regex = ID_REGEX
    filterset_fields = ["status", "action_fields"]
