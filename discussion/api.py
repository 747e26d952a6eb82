"""``/api/comments/``: the published comments of one contribution, measure or consultation (no personal
data: no email, no account), and writing one (the same service and rules as the form)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from discussion import selectors, services
from discussion.models import TEXT_MAX, UNIT_MAX, Target
from discussion.throttling import CommentThrottle
from discussion.views import delete_link
from geo import params
from geo.errors import ServiceError
from geo.schema import MAX_ID
from participation.api.common import ParticipationViewMixin
from participation.models import PSEUDONYM_MAX, Status


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reply_to = serializers.IntegerField(allow_null=True)
    text = serializers.CharField(help_text="plain text; empty for a deleted comment kept for its replies")
    pseudonym = serializers.CharField()
    official = serializers.BooleanField()
    unit = serializers.CharField(help_text="the unit of an official answer")
    trialog_role = serializers.CharField(help_text="council, advisory_board or empty")
    deleted = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class CommentCreateSerializer(serializers.Serializer):
    contribution = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    measure = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    consultation = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    reply_to = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="a comment's id"
    )
    text = serializers.CharField(max_length=TEXT_MAX, trim_whitespace=False, help_text="plain text")
    pseudonym = serializers.CharField(max_length=PSEUDONYM_MAX, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, help_text="private")
    official = serializers.BooleanField(required=False, default=False, help_text="staff of the city only")
    unit = serializers.CharField(max_length=UNIT_MAX, required=False, allow_blank=True)
    website = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="leave empty")


class CommentCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(Status.choices)
    delete_url = serializers.CharField(help_text="secret link to delete the comment; shown only once")


def _one_target(data) -> tuple[str, int]:
    given = [(t, data[t]) for t in Target.values if data.get(t) not in (None, "")]
    if len(given) != 1:
        raise ServiceError(_("Name exactly one of contribution, measure or consultation."), "target")
    return given[0]


def _row(c) -> dict:
    deleted = c.deleted_at is not None
    return {
        "id": c.pk,
        "reply_to": c.parent_id,
        "text": "" if deleted else c.text,
        "pseudonym": c.pseudonym,
        "official": c.official,
        "unit": c.unit,
        "trialog_role": c.trialog_role,
        "deleted": deleted,
        "created_at": c.created_at,
    }


class CommentViewSet(ParticipationViewMixin, viewsets.ViewSet):
    """Comments (Kommentare) under contributions, measures and consultations."""

    permission_classes = [AllowAny]

    def get_throttles(self):
        return [CommentThrottle()] if self.action == "create" else []

    @extend_schema(
        summary="The published comments of one target, oldest first, replies after their comment",
        parameters=[OpenApiParameter(t, OpenApiTypes.INT) for t in Target.values],
        responses={200: CommentSerializer(many=True), 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def list(self, request):
        q = request.query_params
        target, target_id = _one_target({t: params.integer(q, t, lo=1, hi=MAX_ID) for t in Target.values})
        rows = []
        for t in selectors.thread(target, target_id):
            rows.append(_row(t.comment))
            rows.extend(_row(r) for r in t.replies)
        return Response(CommentSerializer(rows, many=True).data)

    @extend_schema(
        summary="Write a comment or a reply (one level); pre-moderated as the target's moderation says",
        request=CommentCreateSerializer,
        responses={
            201: CommentCreatedSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="the body names the field"),
            403: OpenApiResponse(OpenApiTypes.OBJECT),
            429: OpenApiResponse(OpenApiTypes.OBJECT),
        },
    )
    def create(self, request):
        data = CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        target, target_id = _one_target(v)
        created = services.comment_create(
            target=target,
            target_id=target_id,
            text=v["text"],
            parent_id=v.get("reply_to"),
            pseudonym=v.get("pseudonym", ""),
            email=v.get("email", ""),
            official=v.get("official", False),
            unit=v.get("unit", ""),
            user=request.user,
            honeypot=v.get("website", ""),
        )
        c = created.comment
        body = {
            "id": c.pk,
            "status": c.status,
            "delete_url": delete_link(request, c.pk, created.delete_token),
        }
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


def register(router) -> None:
    router.register("comments", CommentViewSet, basename="comment")
