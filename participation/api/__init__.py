"""REST API of participation (all routes under ``/api/``, all in the OpenAPI schema)."""

from participation.api.consultations import ConsultationViewSet, StatsViewSet
from participation.api.contributions import ContributionViewSet
from participation.api.exports import ExportViewSet
from participation.api.me import MeViewSet
from participation.api.moderation import ModerationEventViewSet, ModerationQueueViewSet


def register(router) -> None:
    router.register("consultations", ConsultationViewSet, basename="consultation")
    router.register("contributions", ContributionViewSet, basename="contribution")
    router.register("participation/stats", StatsViewSet, basename="participation-stats")
    router.register("participation/export", ExportViewSet, basename="participation-export")
    router.register("participation/me", MeViewSet, basename="participation-me")
    router.register("moderation/contributions", ModerationQueueViewSet, basename="moderation-queue")
    router.register("moderation/events", ModerationEventViewSet, basename="moderation-event")
