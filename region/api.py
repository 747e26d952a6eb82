"""``GET /api/region/summary/``: the numbers per municipality of a region (region.summary), public.

The cities' JSON is built by PostgreSQL in the one statement of ``region.summary.summary_sql``; the
view only checks the parameters and wraps that text. Its ETag is the data version of the layer
``cities`` (the same numbers, geo.http.map_view): a client revalidating gets a 304 without the
statement running."""

import functools
import json
import re

from django.http import HttpResponse, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny

from geo import params
from geo.http import map_view
from indicators.models import Indicator
from quartiere.models import Area, Level
from region import summary as region_summary

MAX_ID = 2**62
CODE = re.compile(r"[-A-Za-z0-9_.]{1,40}")


def rendered(view):
    """DRF's own answers (a 405, a 404 for an unknown ``?format=``) come unrendered; ``map_view`` reads
    the body (HEAD) and sets headers on it, so render them first."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        return response

    return wrapper


def region_from_param(raw: str | None, *, name: str = "region") -> Area | None:
    """The region named by id or official code (e.g. ``VRS``) in a query parameter; None when empty;
    a 400 naming the parameter when there is no such region."""
    text = (raw or "").strip()
    if not text:
        return None
    regions = Area.objects.filter(level=Level.REGION).defer("geom")
    if text.isascii() and text.isdigit():
        region = regions.filter(pk=int(text)).first() if len(text) <= 18 and int(text) < MAX_ID else None
    elif CODE.fullmatch(text):
        region = regions.filter(code=text).first()
    else:
        raise params.invalid(name, "must be the id or the official code of a region.")
    if region is None:
        raise params.invalid(name, f"there is no region {text[:40]!r}.")
    return region


def sort_from_param(raw: str | None, *, name: str = "sort") -> region_summary.Sort:
    """The sort of ``?sort=`` (``field`` or ``-field``; ``ind.<key>`` for an indicator); 400 naming
    the parameter otherwise."""
    try:
        sort = region_summary.Sort.parse(raw)
    except ValueError as error:
        raise params.invalid(name, str(error)) from None
    if sort.indicator and not Indicator.objects.filter(key=sort.indicator).exists():
        raise params.invalid(name, f"there is no indicator {sort.indicator!r}.")
    return sort


class TopQuartier(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    score = serializers.FloatField(allow_null=True)


class CitySummary(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="official municipality key (AGS)")
    name = serializers.CharField()
    slug = serializers.CharField()
    region = serializers.IntegerField(allow_null=True, help_text="id of the region")
    population = serializers.IntegerField(allow_null=True)
    area_km2 = serializers.FloatField(help_text="area of the boundary (EPSG:25832), km²")
    density = serializers.FloatField(allow_null=True, help_text="inhabitants per km²")
    measures = serializers.IntegerField(help_text="published measures owned by the city")
    regional_measures = serializers.IntegerField(
        help_text="published regional measures touching the city (owned by a region or touching several "
        "municipalities)"
    )
    regional_share = serializers.FloatField(help_text="sum of those measures' shares in the city")
    budget_total = serializers.FloatField(help_text="EUR, budget lines of the city's published measures")
    budget_per_inhabitant = serializers.FloatField(allow_null=True, help_text="EUR")
    budget_per_year = serializers.FloatField(
        allow_null=True, help_text="EUR, total / the fiscal years of the region's lines"
    )
    budget_by_year = serializers.DictField(child=serializers.FloatField(), help_text="fiscal year → EUR")
    regional_budget = serializers.FloatField(
        help_text="EUR, the region's own measures' budget times their share in the city"
    )
    contributions = serializers.IntegerField(help_text="published contributions")
    contributions_per_1000 = serializers.FloatField(allow_null=True)
    quartiere = serializers.IntegerField()
    quartiere_with_gap = serializers.IntegerField(help_text="Quartiere with a gap in the overall index")
    top_quartier = TopQuartier(allow_null=True, help_text="rank 1 of the overall priority index")
    indicators = serializers.DictField(
        child=serializers.DictField(), help_text="key → {value, year, unit}: the latest city-level value"
    )


class RegionRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    population = serializers.IntegerField(allow_null=True)


class FiscalYears(serializers.Serializer):
    first = serializers.IntegerField(allow_null=True)
    last = serializers.IntegerField(allow_null=True)


class RegionSummary(serializers.Serializer):
    region = RegionRef(allow_null=True, help_text="null: every city of every region")
    sort = serializers.CharField()
    fiscal_years = FiscalYears()
    currency = serializers.CharField()
    count = serializers.IntegerField()
    method = serializers.CharField()
    cities = CitySummary(many=True)


def head(region: Area | None, sort: region_summary.Sort, data: region_summary.SummaryJson) -> dict:
    return {
        "region": {"id": region.pk, "code": region.code, "name": region.name, "population": region.population}
        if region
        else None,
        "sort": sort.text,
        "fiscal_years": {"first": data.first_year, "last": data.last_year},
        "currency": "EUR",
        "count": data.count,
        "method": "docs/region.md",
    }


@extend_schema(
    summary="The municipalities of a region side by side",
    description=(
        "Per city of the region: population, area, published measures (own and regional ones touching "
        "it, with their shares), budget (total, per inhabitant, per fiscal year; the region's own "
        "measures by their share), published contributions (per 1,000 inhabitants), the priority "
        "index's summary (Quartiere, those with a gap, the top-ranked one) and the latest city-level "
        "indicator values. The same numbers as the map layer `cities`. See docs/region.md."
    ),
    parameters=[
        OpenApiParameter(
            "region", OpenApiTypes.STR, description="id or code of a region; default: every city"
        ),
        OpenApiParameter(
            "sort",
            OpenApiTypes.STR,
            description="a field of the cities ("
            + ", ".join(region_summary.SORTS)
            + ") or ind.<indicator key>; "
            "a leading '-' sorts descending; default: name",
        ),
    ],
    responses={
        200: RegionSummary,
        400: OpenApiResponse(OpenApiTypes.OBJECT, description="a parameter is invalid; named in the body"),
    },
)
@map_view(layers=["cities"])
@rendered
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def summary(request):
    query = request.query_params
    try:
        region = region_from_param(query.get("region"))
        sort = sort_from_param(query.get("sort"))
    except ValidationError as error:
        return JsonResponse(error.detail, status=400)
    data = region_summary.summary_json(region.pk if region else None, sort=sort)
    body = json.dumps(head(region, sort, data))[:-1] + ',"cities":' + data.cities + "}"
    return HttpResponse(body, content_type="application/json")
