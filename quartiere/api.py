"""REST API of the area hierarchy: ``/api/areas/`` (GeoJSON) and ``/api/locate/``."""

import json
from collections.abc import Mapping

from django.conf import settings
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from geo import crs, params
from geo.geojson import feature_collection_response, geojson_schema
from geo.schema import ID_REGEX, SRID_OUT_PARAM
from quartiere import selectors
from quartiere.models import Level

LEVELS = [level.key for level in Level]


class AreaViewSet(viewsets.ViewSet):
    """Regions, cities and Quartiere with their boundaries: public reads (``geo.public``), the same for
    everybody, without session or user."""

    public_read = True
    authentication_classes: list = []
    permission_classes = [AllowAny]
    lookup_value_regex = ID_REGEX

    @extend_schema(
        summary="Areas as a GeoJSON FeatureCollection",
        parameters=[
            OpenApiParameter("level", OpenApiTypes.STR, enum=LEVELS),
            OpenApiParameter("parent", OpenApiTypes.INT, description="id of the parent area"),
            OpenApiParameter(
                "bbox",
                OpenApiTypes.STR,
                description="minx,miny,maxx,maxy in the srid (lon/lat for 4326); areas intersecting it",
            ),
            SRID_OUT_PARAM,
            OpenApiParameter("limit", OpenApiTypes.INT, description="page size (default 100, max 1000)"),
            OpenApiParameter("offset", OpenApiTypes.INT),
        ],
        responses={200: geojson_schema("AreaFeatureCollection", collection=True)},
    )
    def list(self, request):
        q = request.GET
        level = params.choice(q, "level", LEVELS)
        srid = params.srid(q)
        limit = params.integer(
            q, "limit", default=settings.API_PAGE_SIZE, lo=1, hi=settings.API_MAX_PAGE_SIZE
        )
        offset = params.integer(q, "offset", default=0, lo=0, hi=10_000_000)
        page = selectors.area_feature_page(
            level=Level.from_name(level) if level else None,
            parent=params.integer(q, "parent", lo=1, hi=2**62),
            bbox=params.bbox(q, srid=srid),
            bbox_srid=srid,
            out_srid=srid,
            limit=limit,
            offset=offset,
        )
        return feature_collection_response(request, page, limit=limit, offset=offset, srid=srid)

    @extend_schema(
        summary="One area as a GeoJSON Feature",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH), SRID_OUT_PARAM],
        responses={200: geojson_schema("AreaFeature", collection=False)},
    )
    def retrieve(self, request, pk=None):
        srid = params.srid(request.GET)
        feature = selectors.area_feature(area_id=int(pk), out_srid=srid)
        if feature is None:
            raise Http404
        return HttpResponse(feature, content_type="application/geo+json")


LOCATED_AREA = inline_serializer(
    "LocatedArea",
    many=True,
    fields={
        "id": serializers.IntegerField(),
        "level": serializers.ChoiceField(LEVELS),
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "slug": serializers.CharField(),
        "parent": serializers.IntegerField(allow_null=True),
        "population": serializers.IntegerField(allow_null=True),
    },
)


class LocateView(APIView):
    """The areas containing a point: a public read (``geo.public``), answered with the JSON text PostGIS
    built (the browsable API renders it itself)."""

    public_read = True
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The areas containing a point, region → city → quartier",
        parameters=[
            OpenApiParameter("lon", OpenApiTypes.DOUBLE, description="longitude (WGS84), with lat"),
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, description="latitude (WGS84), with lon"),
            OpenApiParameter("x", OpenApiTypes.DOUBLE, description="x in the srid, with y and srid"),
            OpenApiParameter("y", OpenApiTypes.DOUBLE, description="y in the srid"),
            OpenApiParameter("srid", OpenApiTypes.INT, enum=sorted(crs.ALLOWED_SRIDS)),
        ],
        responses={200: inline_serializer("Located", {"areas": LOCATED_AREA})},
    )
    def get(self, request):
        answer = locate_answer(request.GET)
        if request.accepted_renderer.format == "json":
            return HttpResponse(answer, content_type="application/json")
        return Response(json.loads(answer))  # the browsable API


def locate_answer(q: Mapping[str, str]) -> str:
    """The JSON text ``/api/locate/`` answers for the query parameters ``q`` (``lon``/``lat``, or
    ``x``/``y`` with ``srid``); a ``ValidationError`` names a bad parameter."""
    if "lon" in q or "lat" in q or not ({"x", "y"} & set(q)):
        x = params.number(q, "lon", lo=-180, hi=180)
        y = params.number(q, "lat", lo=-90, hi=90)
        srid = crs.WGS84
    else:
        srid = params.srid(q, default=crs.STORAGE_SRID)
        x = params.number(q, "x")
        y = params.number(q, "y")
        if crs.is_geographic(srid):
            x = params.number(q, "x", lo=-180, hi=180)
            y = params.number(q, "y", lo=-90, hi=90)
    try:
        return selectors.area_locate_json(x=x, y=y, srid=srid)
    except selectors.PointOutOfRange:
        raise ValidationError({"x": [f"the point cannot be transformed from EPSG:{srid}."]}) from None


locate = LocateView.as_view()


def register(router) -> None:
    router.register("areas", AreaViewSet, basename="area")
