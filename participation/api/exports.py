"""The planners' export of contributions (``/api/participation/export/``): CSV or GeoJSON, personal
data only with the permission."""

import csv
import json

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets

from geo import params
from geo.geojson import GEOJSON, geojson_schema
from participation import selectors
from participation.api.common import ParticipationViewMixin
from participation.api.consultations import consultation_param
from participation.models import Status
from participation.permissions import CanExport, can_see_personal_data


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
        consultation = consultation_param(q)
        output = params.choice(q, "output", ["csv", "geojson"], default="csv")
        status = params.choice(q, "status", Status.values)
        personal = can_see_personal_data(request.user)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filter_args = {
            "consultation_id": consultation.pk if consultation else None,
            "status": status,
            "user": request.user,  # staff tied to cities export those cities' contributions only
        }
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
