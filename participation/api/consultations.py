"""Consultations (Beteiligungsverfahren) with their areas, and the published contributions counted
per area (``/api/consultations/``, ``/api/participation/stats/``)."""

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from geo import params
from geo.geojson import GEOJSON, geojson_schema
from geo.pages import BadParameter
from geo.schema import SRID_OUT_PARAM
from participation import selectors
from participation.api.common import ParticipationViewMixin
from participation.models import Consultation, Phase, TargetGroup
from participation.portal import selectors as portal
from quartiere.models import Level

LEVELS = [level.key for level in Level]


def consultation_param(q) -> Consultation | None:
    """The consultation the query parameter ``consultation`` names (an id), None without one; 400
    naming the parameter when it names none."""
    consultation_id = params.integer(q, "consultation", lo=1, hi=2**62)
    if consultation_id is None:
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
        summary="Consultations as a GeoJSON FeatureCollection (their areas), filtered",
        description=(
            "Every consultation of the city and region with its phase (planned, open, closed, evaluated), "
            "themes, target groups, Quartiere (computed from its area), formats, process and, once "
            "published, its evaluation. Filters as on /beteiligung/; an unknown value is a 400 naming "
            "the parameter."
        ),
        parameters=[
            SRID_OUT_PARAM,
            OpenApiParameter("phase", OpenApiTypes.STR, enum=list(Phase.values)),
            OpenApiParameter("theme", OpenApiTypes.STR),
            OpenApiParameter("target_group", OpenApiTypes.STR, enum=list(TargetGroup.values)),
            OpenApiParameter("quartier", OpenApiTypes.INT, description="id of a Quartier"),
            OpenApiParameter("format", OpenApiTypes.STR, description="key of a format, e.g. pins"),
            OpenApiParameter("process", OpenApiTypes.STR, description="slug of a process"),
        ],
        responses={
            200: geojson_schema("ConsultationFeatureCollection", collection=True),
            400: OpenApiTypes.OBJECT,
        },
    )
    def list(self, request):
        srid = params.srid(request.query_params)
        try:
            filters = portal.parse_filters(request.query_params, portal.API_NAMES)
        except BadParameter as error:
            raise params.invalid(error.name, error.reason) from None
        ids = list(portal.consultations(filters).values_list("pk", flat=True)) if filters.active() else None
        features = selectors.consultation_features(ids=ids, out_srid=srid)
        body = '{"type":"FeatureCollection","features":[' + features + "]}"
        return HttpResponse(body, content_type=GEOJSON)

    @extend_schema(
        summary="One consultation as a GeoJSON Feature",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH), SRID_OUT_PARAM],
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
        stats = selectors.participation_stats(consultation=consultation_param(q), level=level)
        return Response({"consultation": stats.consultation_id, "level": level.key, "areas": stats.areas})
