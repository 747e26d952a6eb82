"""``/api/indicators/``: the indicator catalogue and the values per area and year — published
statistics, public reads (``geo.public``), the same for everybody. The JSON of the values is built by
PostgreSQL (indicators/sql/values_page.sql)."""

import json
import re
from collections.abc import Mapping

from django.conf import settings
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from geo import params
from geo.db.routing import read_connection as connection  # reads: a replica or the primary
from geo.schema import ERROR, PAGE_PARAMS
from geo.sql import load
from indicators.models import YEAR_MAX, YEAR_MIN, Direction
from measures.models import Dimension
from quartiere.models import Area, Level

LEVELS = {level.key: level for level in Level}
YEAR_RANGE = re.compile(r"(\d{4})?\.\.(\d{4})?")
MAX_KEYS = 50

INDICATOR = inline_serializer(
    "Indicator",
    {
        "key": serializers.CharField(),
        "name_de": serializers.CharField(),
        "name_en": serializers.CharField(),
        "unit": serializers.CharField(),
        "dimension": serializers.ChoiceField(Dimension.values),
        "direction": serializers.ChoiceField(Direction.values),
        "description": serializers.CharField(),
        "source": serializers.CharField(),
        "licence": serializers.CharField(),
        "reference_date": serializers.DateField(allow_null=True),
        "illustrative": serializers.BooleanField(),
        "years": serializers.ListField(child=serializers.IntegerField(), help_text="years with values"),
    },
)
VALUE = inline_serializer(
    "IndicatorValue",
    {
        "indicator": serializers.CharField(help_text="key"),
        "area": serializers.IntegerField(),
        "area_code": serializers.CharField(),
        "area_name": serializers.CharField(),
        "level": serializers.ChoiceField(list(LEVELS)),
        "year": serializers.IntegerField(),
        "value": serializers.FloatField(),
        "quality": serializers.CharField(),
        "note": serializers.CharField(),
    },
)
VALUES_PAGE = inline_serializer(
    "IndicatorValuePage",
    {
        "numberMatched": serializers.IntegerField(),
        "numberReturned": serializers.IntegerField(),
        "links": serializers.ListField(child=serializers.DictField()),
        "results": VALUE.__class__(many=True),
    },
)


def catalogue_json(key: str | None = None) -> str:
    """The catalogue (or the one indicator ``key``) as a JSON array, with each indicator's years."""
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "catalogue"), {"key": key})
        return cursor.fetchone()[0]


class PublicRead(APIView):
    public_read = True
    authentication_classes: list = []
    permission_classes = [AllowAny]


class CatalogueView(PublicRead):
    @extend_schema(
        summary="The indicator catalogue: key, names, unit, Charter dimension, direction, source, "
        "licence, reference date, whether the data are illustrative, and the years with values",
        responses={200: INDICATOR.__class__(many=True)},
    )
    def get(self, request):
        return HttpResponse(catalogue_json(), content_type="application/json")


class IndicatorView(PublicRead):
    @extend_schema(
        summary="One indicator of the catalogue",
        parameters=[OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: INDICATOR, 404: ERROR},
    )
    def get(self, request, key: str):
        found = json.loads(catalogue_json(key))
        if not found:
            raise Http404
        return HttpResponse(json.dumps(found[0]), content_type="application/json")


def _keys(q) -> list[str] | None:
    """``indicator``: keys, repeated or separated by commas (checked in values_page.sql)."""
    keys = sorted({part.strip()[:80] for value in q.getlist("indicator") for part in value.split(",")} - {""})
    if len(keys) > MAX_KEYS:
        raise params.invalid("indicator", f"at most {MAX_KEYS} indicators.")
    return keys or None


def _years(q: Mapping[str, str]) -> tuple[int, int] | None:
    raw = (q.get("year") or "").strip()
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) == 4:
        first = last = int(raw)
    elif match := YEAR_RANGE.fullmatch(raw):
        first = int(match.group(1) or YEAR_MIN)
        last = int(match.group(2) or YEAR_MAX)
    else:
        raise params.invalid("year", f"a year (2024) or a range (2019..2024), not {raw[:40]!r}.")
    if not YEAR_MIN <= first <= last <= YEAR_MAX:
        raise params.invalid(
            "year", f"years between {YEAR_MIN} and {YEAR_MAX}, the first not after the last."
        )
    return first, last


def _area(q: Mapping[str, str], level: Level | None) -> int | None:
    """``area``: a code (at ``level`` if given) or an id."""
    raw = (q.get("area") or "").strip()
    if not raw:
        return None
    areas = Area.objects.filter(code=raw[:40])
    if level is not None:
        areas = areas.filter(level=level)
    found = list(areas.values_list("pk", flat=True)[:2])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise params.invalid("area", f"the code {raw[:40]!r} is used at several levels; give level.")
    if raw.isascii() and raw.isdigit() and len(raw) <= 18 and Area.objects.filter(pk=int(raw)).exists():
        return int(raw)
    raise params.invalid("area", f"there is no area {raw[:40]!r} (an id or a code).")


def _city(q: Mapping[str, str]) -> tuple[int | None, str | None]:
    """``city``: (id, None) or (None, slug) (checked in values_page.sql); (None, None) without it."""
    raw = (q.get("city") or "").strip()
    if not raw:
        return None, None
    if raw.isascii() and raw.isdigit():
        # an id has at most 18 digits: a longer number names no city
        return (int(raw), None) if len(raw) <= 18 else (0, None)
    return None, raw[:200]


def _link(request, rel: str, offset: int, limit: int) -> dict:
    query = request.GET.copy()
    query["offset"] = str(offset)
    query["limit"] = str(limit)
    return {
        "rel": rel,
        "type": "application/json",
        "href": request.build_absolute_uri(f"{request.path}?{query.urlencode()}"),
    }


class ValuesView(PublicRead):
    @extend_schema(
        summary="Indicator values per area and year, filtered, paged; by indicator key, area id, year",
        parameters=[
            OpenApiParameter(
                "indicator",
                OpenApiTypes.STR,
                many=True,
                description="indicator key(s): repeat the parameter or separate by commas",
            ),
            OpenApiParameter("area", OpenApiTypes.STR, description="an area's id or code"),
            OpenApiParameter("level", OpenApiTypes.STR, enum=list(LEVELS)),
            OpenApiParameter(
                "city", OpenApiTypes.STR, description="a city's id or slug: it and its Quartiere"
            ),
            OpenApiParameter("year", OpenApiTypes.STR, description="a year (2024) or a range (2019..2024)"),
            OpenApiParameter("dimension", OpenApiTypes.STR, enum=Dimension.values),
            *PAGE_PARAMS,
        ],
        responses={200: VALUES_PAGE, 400: ERROR},
    )
    def get(self, request):
        q = request.GET
        limit = params.integer(
            q, "limit", default=settings.API_PAGE_SIZE, lo=1, hi=settings.API_MAX_PAGE_SIZE
        )
        offset = params.integer(q, "offset", default=0, lo=0, hi=10_000_000)
        level_name = params.choice(q, "level", list(LEVELS))
        level = LEVELS[level_name] if level_name else None
        years = _years(q)
        city_id, city_slug = _city(q)
        bound = {
            "keys": _keys(q),
            "area": _area(q, level),
            "level": level.value if level else None,
            "city_id": city_id,
            "city_slug": city_slug,
            "city_level": Level.CITY.value,
            "first": years[0] if years else None,
            "last": years[1] if years else None,
            "dimension": params.choice(q, "dimension", Dimension.values),
            "limit": limit,
            "offset": offset,
        }
        with connection.cursor() as cursor:
            cursor.execute(load(__file__, "values_page"), bound)
            unknown, city_found, matched, returned, rows = cursor.fetchone()
        if unknown is not None:
            raise params.invalid("indicator", f"there is no indicator {unknown[:40]!r}.")
        if not city_found:
            raise params.invalid(
                "city", f"there is no city {(q.get('city') or '').strip()[:40]!r} (an id or a slug)."
            )
        links = []
        if offset + returned < matched:
            links.append(_link(request, "next", offset + limit, limit))
        if offset > 0:
            links.append(_link(request, "prev", max(offset - limit, 0), limit))
        head = json.dumps({"numberMatched": matched, "numberReturned": returned, "links": links})
        return HttpResponse(head[:-1] + ',"results":' + rows + "}", content_type="application/json")
