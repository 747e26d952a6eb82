"""REST API of budget lines: amounts (EUR) per measure and fiscal year; writes need If-Match."""

import django_filters
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from geo import etag
from geo.api import LenientJSONParser
from geo.permissions import IsPlannerOrReadOnly
from measures import selectors, services
from measures.models import BudgetKind, BudgetLine, BudgetStatus, FundingSource
from measures.serializers import BudgetLineSerializer

KIND = "budget-line"
ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="error with the reason, by field or as 'detail'")
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="the ETag of the version you read; 428 without it, 412 when it is no longer current",
)
WRITE_ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 412: ERROR, 428: ERROR}


class BudgetLineFilter(django_filters.FilterSet):
    measure = django_filters.NumberFilter(field_name="measure_id", min_value=1, max_value=2**62)
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


@extend_schema_view(
    list=extend_schema(
        summary="Budget lines of visible measures", responses={200: BudgetLineSerializer(many=True)}
    ),
    retrieve=extend_schema(
        summary="One budget line (ETag header for writes)", responses={200: BudgetLineSerializer, 404: ERROR}
    ),
    create=extend_schema(
        summary="Add a budget line (planners)",
        request=BudgetLineSerializer,
        responses={201: BudgetLineSerializer, 400: ERROR, 401: ERROR, 403: ERROR},
    ),
    update=extend_schema(
        summary="Replace a budget line (planners, If-Match)",
        parameters=[IF_MATCH],
        request=BudgetLineSerializer,
        responses={200: BudgetLineSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change fields of a budget line (planners, If-Match)",
        parameters=[IF_MATCH],
        request=BudgetLineSerializer,
        responses={200: BudgetLineSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a budget line (planners, If-Match)",
        parameters=[IF_MATCH],
        responses={204: None, **WRITE_ERRORS},
    ),
)
class BudgetLineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = BudgetLineSerializer
    permission_classes = [IsPlannerOrReadOnly]
    parser_classes = [LenientJSONParser]
    filterset_class = BudgetLineFilter
    pagination_class = Pages
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return selectors.budget_lines_visible(self.request.user).order_by("fiscal_year", "id")

    def _visible(self, pk: str) -> BudgetLine:
        line = self.get_queryset().filter(pk=int(pk)).first()
        if line is None:
            raise Http404
        return line

    def _detail(self, line: BudgetLine, code: int = status.HTTP_200_OK) -> Response:
        data = BudgetLineSerializer(line, context={"request": self.request}).data
        return Response(data, status=code, headers={"ETag": etag.etag(KIND, line.pk, line.version)})

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(self._visible(pk))

    def create(self, request: Request) -> Response:
        serializer = BudgetLineSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        line = services.budget_line_create(user=request.user, **serializer.validated_data)
        return self._detail(line, status.HTTP_201_CREATED)

    def _write(self, request: Request, pk: str, *, partial: bool) -> Response:
        line = self._visible(pk)
        versions = etag.if_match_versions(request, KIND, line.pk)
        etag.check_version(line.version, versions)  # early answer; the service re-checks under lock
        serializer = BudgetLineSerializer(
            line, data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        try:
            line = services.budget_line_update(
                budget_line_id=line.pk,
                expected_versions=versions,
                user=request.user,
                **serializer.validated_data,
            )
        except BudgetLine.DoesNotExist:
            raise Http404 from None
        return self._detail(line)

    def update(self, request: Request, pk: str) -> Response:
        return self._write(request, pk, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._write(request, pk, partial=True)

    def destroy(self, request: Request, pk: str) -> Response:
        line = self._visible(pk)
        versions = etag.if_match_versions(request, KIND, line.pk)
        try:
            services.budget_line_delete(budget_line_id=line.pk, expected_versions=versions, user=request.user)
        except BudgetLine.DoesNotExist:
            raise Http404 from None
        return Response(status=status.HTTP_204_NO_CONTENT)
