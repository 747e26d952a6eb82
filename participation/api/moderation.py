"""The moderators' queue and the moderation log (``/api/moderation/contributions/``,
``/api/moderation/events/``); moderators only."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from geo import params
from participation import selectors
from participation.api.common import ParticipationViewMixin
from participation.api.consultations import consultation_param
from participation.models import ModerationEvent, Status
from participation.permissions import IsModerator, can_see_personal_data
from participation.serializers import ModerationEventSerializer, ModerationItemSerializer
from staff.scope import cities_of


class ModerationQueueViewSet(ParticipationViewMixin, viewsets.ViewSet):
    """The moderators' queue: automatically hidden contributions first, then reported ones that are
    still published, then pending ones."""

    permission_classes = [IsModerator]

    @extend_schema(
        summary="Contributions awaiting moderation (moderators): automatically hidden ones first",
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=Status.values, description="default: the queue"
            ),
            OpenApiParameter(
                "review",
                OpenApiTypes.STR,
                enum=list(selectors.Review.ALL),
                description="one part of the queue: auto_hidden (hidden automatically after reports), "
                "reported (still published), pending",
            ),
            OpenApiParameter("consultation", OpenApiTypes.INT),
            OpenApiParameter("limit", OpenApiTypes.INT),
            OpenApiParameter("offset", OpenApiTypes.INT),
        ],
        responses={
            200: ModerationItemSerializer(many=True),
            400: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
        },
    )
    def list(self, request):
        q = request.query_params
        limit = params.integer(
            q, "limit", default=settings.API_PAGE_SIZE, lo=1, hi=settings.API_MAX_PAGE_SIZE
        )
        offset = params.integer(q, "offset", default=0, lo=0, hi=10_000_000)
        consultation = consultation_param(q)
        qs = selectors.moderation_queue(
            status=params.choice(q, "status", Status.values),
            review=params.choice(q, "review", list(selectors.Review.ALL)),
            consultation_id=consultation.pk if consultation else None,
            user=request.user,  # moderators tied to cities see those cities' contributions only
        )
        items = ModerationItemSerializer(
            qs[offset : offset + limit], many=True, context={"personal": can_see_personal_data(request.user)}
        )
        return Response(items.data)


class ModerationEventViewSet(ParticipationViewMixin, viewsets.ViewSet):
    permission_classes = [IsModerator]

    @extend_schema(
        summary="The moderation log: who did what when (moderators)",
        parameters=[
            OpenApiParameter("contribution", OpenApiTypes.INT),
            OpenApiParameter("limit", OpenApiTypes.INT),
        ],
        responses={
            200: ModerationEventSerializer(many=True),
            400: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
        },
    )
    def list(self, request):
        q = request.query_params
        limit = params.integer(
            q, "limit", default=settings.API_PAGE_SIZE, lo=1, hi=settings.API_MAX_PAGE_SIZE
        )
        contribution = params.integer(q, "contribution", lo=1, hi=2**62)
        qs = ModerationEvent.objects.all()
        if (cities := cities_of(request.user)) is not None:
            qs = qs.filter(consultation__city_id__in=cities)
        if contribution:
            qs = qs.filter(contribution_id=contribution)
        return Response(ModerationEventSerializer(qs[:limit], many=True).data)
