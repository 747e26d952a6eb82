"""Consultations, statistics per area, the planners' export, the moderation queue and log."""

import csv
import json

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from geo import crs, params
from geo.geojson import GEOJSON, geojson_schema
from participation import selectors
from participation.api.common import BrowserCookie, ParticipationViewMixin
from participation.models import Consultation, ModerationEvent, Status
from participation.permissions import CanExport, IsModerator, can_see_personal_data
from participation.serializers import ModerationEventSerializer, ModerationItemSerializer
from quartiere.models import Level

LEVELS = [level.key for level in Level]
SRID_PARAM = OpenApiParameter("srid", OpenApiTypes.INT, enum=sorted(crs.ALLOWED_SRIDS))


def _consultation(q, *, required: bool = False) -> Consultation | None:
    consultation_id = params.integer(q, "consultation", lo=1, hi=2**62)
    if consultation_id is None:
        if required:
            raise params.invalid("consultation", "This parameter is required.")
        return None
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        raise params.invalid("consultation", f"there is no consultation {consultation_id}.")
    return consultation


class ConsultationViewSet(ParticipationViewMixin, viewsets.ViewSet):
    """Consultations (Beteiligungsverfahren) with their area and time window."""

    permission_classes = [AllowAny]
    lookup_value_regex = r"[0-9]{1,18}"

    @extend_schema(
        summary="Consultations as a GeoJSON FeatureCollection (their areas)",
        parameters=[SRID_PARAM],
        responses={200: geojson_schema("ConsultationFeatureCollection", collection=True)},
    )
    def list(self, request):
        srid = params.srid(request.query_params)
        features = selectors.consultation_features(out_srid=srid)
        body = '{"type":"FeatureCollection","features":[' + features + "]}"
        return HttpResponse(body, content_type=GEOJSON)

    @extend_schema(
        summary="One consultation as a GeoJSON Feature",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH), SRID_PARAM],
        responses={200: geojson_schema("ConsultationFeature", collection=False), 404: OpenApiTypes.OBJECT},
    )
    def retrieve(self, request, pk=None):
        srid = params.srid(request.query_params)
        feature = selectors.consultation_features(consultation_id=int(pk), out_srid=srid)
        if not feature:
            raise Http404
        return HttpResponse(feature, content_type=GEOJSON)


STATS = inline_serializer(
    "ParticipationStats",
    {
        "consultation": serializers.IntegerField(allow_null=True),
        "level": serializers.ChoiceField(LEVELS),
        "areas": inline_serializer(
            "ParticipationStatsArea",
            many=True,
            fields={
                "id": serializers.IntegerField(),
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "slug": serializers.CharField(),
                "population": serializers.IntegerField(allow_null=True),
                "contributions": serializers.IntegerField(),
                "per_1000": serializers.FloatField(allow_null=True),
                "by_category": serializers.DictField(child=serializers.IntegerField()),
                "supports": serializers.IntegerField(),
            },
        ),
    },
)


class StatsViewSet(ParticipationViewMixin, viewsets.ViewSet):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Published contributions per area: count, per 1,000 inhabitants, by category, supports",
        parameters=[
            OpenApiParameter("consultation", OpenApiTypes.INT),
            OpenApiParameter("level", OpenApiTypes.STR, enum=LEVELS, description="default quartier"),
        ],
        responses={200: STATS, 400: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        q = request.query_params
        level = Level.from_name(params.choice(q, "level", LEVELS, default="quartier"))
        stats = selectors.participation_stats(consultation=_consultation(q), level=level)
        return Response({"consultation": stats.consultation_id, "level": level.key, "areas": stats.areas})


class SafeCsv:
    """CSV cells that spreadsheets will not run as formulas."""

    def write(self, value: str) -> str:
        return value

    @staticmethod
    def cell(value) -> str:
        if value is None:
            return ""
        text = str(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class ExportViewSet(ParticipationViewMixin, viewsets.ViewSet):
    permission_classes = [CanExport]

    @extend_schema(
        summary="Export contributions for planners (CSV or GeoJSON); email only with the permission",
        parameters=[
            OpenApiParameter("consultation", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
            OpenApiParameter("output", OpenApiTypes.STR, enum=["csv", "geojson"], description="default csv"),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, UTF-8"),
            (200, GEOJSON): geojson_schema("ContributionExport", collection=True),
            400: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
        },
    )
    def list(self, request):
        q = request.query_params
        consultation = _consultation(q)
        output = params.choice(q, "output", ["csv", "geojson"], default="csv")
        status = params.choice(q, "status", Status.values)
        personal = can_see_personal_data(request.user)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filter_args = {"consultation_id": consultation.pk if consultation else None, "status": status}
        if output == "geojson":
            count, features = selectors.export_features(personal=personal, **filter_args)
            head = json.dumps({"type": "FeatureCollection", "numberMatched": count, "numberReturned": count})
            response = HttpResponse(head[:-1] + ',"features":[' + features + "]}", content_type=GEOJSON)
            response["Content-Disposition"] = f'attachment; filename="beitraege-{stamp}.geojson"'
            return response
        columns, rows = selectors.export_rows(personal=personal, **filter_args)
        writer = csv.writer(SafeCsv())

        def lines():
            yield "\ufeff" + writer.writerow(columns)  # BOM: spreadsheets then read UTF-8
            for row in rows:
                yield writer.writerow([SafeCsv.cell(v) for v in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="beitraege-{stamp}.csv"'
        return response


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
        consultation = _consultation(q)
        qs = selectors.moderation_queue(
            status=params.choice(q, "status", Status.values),
            review=params.choice(q, "review", list(selectors.Review.ALL)),
            consultation_id=consultation.pk if consultation else None,
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
        if contribution:
            qs = qs.filter(contribution_id=contribution)
        return Response(ModerationEventSerializer(qs[:limit], many=True).data)


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
