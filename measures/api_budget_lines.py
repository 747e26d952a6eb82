"""REST API of budget lines: amounts (EUR) per measure and fiscal year; writes need If-Match."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.pagination import LimitOffsetPagination

from geo.records.api import VersionedViewSetMixin, record_schema
from geo.schema import MAX_ID
from measures import selectors, services
from measures.models import BudgetKind, BudgetLine, BudgetStatus, FundingSource
from measures.serializers import BudgetLineSerializer


class BudgetLineFilter(django_filters.FilterSet):
    measure = django_filters.NumberFilter(field_name="measure_id", min_value=1, max_value=MAX_ID)
    fiscal_year = django_filters.NumberFilter(min_value=0, max_value=9999)
    kind = django_filters.ChoiceFilter(choices=BudgetKind.choices)
    funding = django_filters.ChoiceFilter(choices=FundingSource.choices)
    status = django_filters.ChoiceFilter(choices=BudgetStatus.choices)

    class Meta:
        model = BudgetLine
        fields = ["measure", "fiscal_year", "kind", "funding", "status"]


class Pages(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000


@record_schema(
    BudgetLineSerializer,
    "budget line",
    srid=False,
    list=extend_schema(
        summary="Budget lines of visible measures", responses={200: BudgetLineSerializer(many=True)}
    ),
    create="Add a budget line (planners)",
)
class BudgetLineViewSet(VersionedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Amounts (EUR) per measure and fiscal year, filtered and paged; writes by planners."""

    record = services.BUDGET_LINE_RECORD
    serializer_class = BudgetLineSerializer
    visible = selectors.budget_lines_visible
    create_record = services.budget_line_create
    update_record = services.budget_line_update
    delete_record = services.budget_line_delete
    filterset_class = BudgetLineFilter
    pagination_class = Pages

    def get_queryset(self):
        return selectors.budget_lines_visible(self.request.user).order_by("fiscal_year", "id")
