"""REST API of the strategy tree: action fields, strategic goals, master plans (plain CRUD; writes
by planners through measures.strategy_services, audited by simple-history)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets

from geo.permissions import IsPlannerOrReadOnly
from geo.schema import ERROR, ERRORS, ID_REGEX
from measures import strategy_services as services
from measures.models import ActionField, MasterPlan, StrategicGoal
from measures.serializers import ActionFieldSerializer, MasterPlanSerializer, StrategicGoalSerializer

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


class StrategyViewSet(viewsets.ModelViewSet):
    """The serializer parses; the writes go through the services named by ``record``
    (``<record>_create``, ``<record>_update``, ``<record>_delete``), as the back office's do."""

    permission_classes = [IsPlannerOrReadOnly]
    lookup_value_regex = ID_REGEX
    record = ""

    def perform_create(self, serializer):
        create = getattr(services, f"{self.record}_create")
        serializer.instance = create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        update = getattr(services, f"{self.record}_update")
        serializer.instance = update(
            **{f"{self.record}_id": serializer.instance.pk},
            expected_revision=None,
            user=self.request.user,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance):
        delete = getattr(services, f"{self.record}_delete")
        delete(**{f"{self.record}_id": instance.pk}, expected_revision=None, user=self.request.user)


@_schema(ActionFieldSerializer)
class ActionFieldViewSet(StrategyViewSet):
    """Handlungsfelder of the city's strategy."""

    queryset = ActionField.objects.all()
    serializer_class = ActionFieldSerializer
    filterset_fields = ["slug"]
    record = "action_field"


@_schema(StrategicGoalSerializer)
class StrategicGoalViewSet(StrategyViewSet):
    """Strategic goals, numbered within their action field."""

    queryset = StrategicGoal.objects.select_related("action_field")
    serializer_class = StrategicGoalSerializer
    filterset_fields = ["action_field"]
    record = "strategic_goal"


@_schema(MasterPlanSerializer)
class MasterPlanViewSet(StrategyViewSet):
    """Masterpläne and the action fields they cover."""

    queryset = MasterPlan.objects.prefetch_related("action_fields")
    serializer_class = MasterPlanSerializer
    filterset_fields = ["status", "action_fields"]
    record = "master_plan"
