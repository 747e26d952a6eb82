"""What the signed-in account or this browser has supported (``/api/participation/me/``)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from participation import selectors
from participation.api.common import BrowserCookie, ParticipationViewMixin


class MeViewSet(ParticipationViewMixin, viewsets.ViewSet):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="What this account or browser supports",
        responses={
            200: inline_serializer(
                "ParticipationMe", {"supported": serializers.ListField(child=serializers.IntegerField())}
            )
        },
    )
    def list(self, request):
        cookie = BrowserCookie(request)
        supported = selectors.supported_by(user=request.user, browser=cookie.existing)
        return Response({"supported": supported}, headers={"Cache-Control": "private, no-store"})
