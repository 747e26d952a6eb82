"""``/region/``: the region's municipalities on a map and in a sortable table, its regional measures
with the municipalities each touches, the budget per city; downloads as CSV, XLSX and GeoJSON.
Printable: the report for the region. Sorting is a link per column (``?sort=field``, ``-field``),
so it works without script; the map (static/region/region-map.js) reads ``karte.json``."""

import json

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError

from geo.pages import BadParameter, bad_request
from indicators.models import Indicator
from measures.budget import BudgetFilter, budget_summary
from measures.models import MeasureStatus
from planning.templatetags.figures import MISSING, euros
from quartiere.models import Area
from region import exports, selectors
from region import summary as region_summary
from region.api import region_from_param, sort_from_param

DOWNLOADS = ("csv", "xlsx", "geojson")
# the table's sortable columns, in order (the downloads and the API have every number)
TABLE_KEYS = [
    "name",
    "code",
    "population",
    "area_km2",
    "measures",
    "regional_measures",
    "budget_total",
    "budget_per_inhabitant",
    "budget_per_year",
    "regional_budget",
    "contributions",
    "contributions_per_1000",
    "quartiere",
    "quartiere_with_gap",
]
# the numbers the map can colour the municipalities by (key of the summary, label)
MAP_NUMBERS = [
    "budget_per_inhabitant",
    "contributions_per_1000",
    "measures",
    "regional_measures",
    "budget_per_year",
    "regional_budget",
    "quartiere_with_gap",
    "population",
    "density",
]


def _bad_request(request, error: BadParameter):
    return bad_request(request, error, links=[(reverse("region:region"), _("Region"))])


def _params(request) -> tuple[Area, region_summary.Sort]:
    """The region (``?region=`` id or code, default: the home city's) and the sort (``?sort=``); a
    ``BadParameter`` in the page's language otherwise (the API's parsers speak English)."""
    raw_region, raw_sort = request.GET.get("region"), request.GET.get("sort")
    try:
        region = region_from_param(raw_region)
    except ValidationError:
        raise BadParameter(
            "region",
            _("there is no region “%(value)s”: give the id or the official key of a region.")
            % {"value": (raw_region or "")[:40]},
        ) from None
    try:
        sort = sort_from_param(raw_sort)
    except ValidationError:
        raise BadParameter(
            "sort",
            _(
                "“%(value)s” is not a column to sort by: one of %(keys)s, or ind. and the key of an "
                "indicator; a leading “-” sorts in descending order."
            )
            % {"value": (raw_sort or "")[:40], "keys": ", ".join(region_summary.SORTS)},
        ) from None
    if region is None:
        region = selectors.default_region()
        if region is None:
            raise Http404(_("There is no region yet."))
    return region, sort


def _query(region: Area, **extra: str) -> str:
    return "?" + urlencode({"region": region.code, **{k: v for k, v in extra.items() if v}})


def _columns(region: Area, sort: region_summary.Sort) -> list[dict]:
    """The table's sortable columns: label, the link that sorts by it (ascending first; the current
    column's link reverses it) and its ``aria-sort``."""
    columns = []
    described = {key: (label, kind) for key, label, kind in exports.COLUMNS}
    for key in TABLE_KEYS:
        label, kind = described[key]
        current = sort.key == key
        descending_next = current and not sort.descending
        columns.append(
            {
                "key": key,
                "label": label,
                "kind": kind,
                "href": _query(region, sort=("-" if descending_next else "") + key),
                "aria_sort": ("descending" if sort.descending else "ascending") if current else None,
            }
        )
    return columns


def _shown(value, kind: str) -> str:
    """A number of the table as the page's language writes it (formatted here, once per cell: the
    template's filters cost more than the statement with 179 municipalities)."""
    if value is None:
        return MISSING
    if kind == "eur":
        return euros(value)
    return number_format(value, 0 if kind == "int" else 2, force_grouping=True)


@require_safe
def region(request):
    """``/region/``: see the module's docstring."""
    try:
        area, sort = _params(request)
    except BadParameter as error:
        return _bad_request(request, error)
    data = region_summary.summary_json(area.pk, sort=sort)
    rows = json.loads(data.cities)
    total, measures = selectors.regional_measures(area.pk)
    statuses = dict(MeasureStatus.choices)
    for measure in measures:
        measure["status_label"] = statuses.get(measure["status"], measure["status"])
    budget = budget_summary(filters=BudgetFilter(region=area.pk), group_by="city")
    keys = exports.indicator_keys(rows)
    english = (get_language() or "de")[:2] == "en"
    indicators = [
        {"key": i.key, "name": i.name_en if english else i.name_de, "unit": i.unit}
        for i in Indicator.objects.filter(key__in=keys).order_by("key")
    ]
    indicator_table = [
        {"row": row, "cells": [row["indicators"].get(i["key"]) for i in indicators]}
        for row in rows
        if row["indicators"]
    ]
    numbers = {key: str(label) for key, label, _kind in exports.COLUMNS}
    totals = {
        "population": sum(row["population"] or 0 for row in rows),
        "measures": sum(row["measures"] for row in rows),
        "contributions": sum(row["contributions"] for row in rows),
        "budget_total": sum(row["budget_total"] for row in rows),
    }
    kinds = {key: kind for key, _label, kind in exports.COLUMNS}
    table = [{"row": row, "cells": [_shown(row[key], kinds[key]) for key in TABLE_KEYS[2:]]} for row in rows]
    return render(
        request,
        "region/region.html",
        {
            "region": area,
            "rows": rows,
            "table": table,
            "totals": totals,
            "sort": sort,
            "columns": _columns(area, sort),
            "fiscal_years": (data.first_year, data.last_year),
            "regional_total": total,
            "regional_measures": measures,
            "budget": budget,
            "indicators": indicators,
            "indicator_table": indicator_table,
            "map_data": reverse("region:map-data") + _query(area),
            "map_numbers": [(key, numbers[key]) for key in MAP_NUMBERS],
            "downloads": [
                (fmt, reverse("region:download", args=[fmt]) + _query(area, sort=sort.text))
                for fmt in DOWNLOADS
            ],
            "attribution": exports.ATTRIBUTION,
            "basemap_url": settings.BASEMAP_URL,
            "basemap_attribution": settings.BASEMAP_ATTRIBUTION,
        },
    )


@require_safe
def map_data(request):
    """The map's municipalities with their numbers (GeoJSON FeatureCollection, EPSG:4326)."""
    try:
        area, _sort = _params(request)
    except BadParameter as error:
        return JsonResponse({error.name: [error.reason]}, status=400)
    features = selectors.map_features(area.pk)
    body = '{"type":"FeatureCollection","attribution":' + json.dumps(exports.ATTRIBUTION)
    body += ',"features":[' + features + "]}"
    return HttpResponse(body, content_type="application/geo+json")


@require_safe
def download(request, fmt: str):
    """``daten.csv``, ``daten.xlsx``, ``daten.geojson``: the table's numbers, in its order."""
    if fmt not in DOWNLOADS:
        raise Http404
    try:
        area, sort = _params(request)
    except BadParameter as error:
        return _bad_request(request, error)
    name = f"region-{area.slug}"
    if fmt == "geojson":
        features = selectors.download_features(area.pk, sort)
        meta = {"type": "FeatureCollection", "name": name, "attribution": exports.ATTRIBUTION}
        body = json.dumps(meta)[:-1] + ',"features":[' + features + "]}"
        response = HttpResponse(body, content_type="application/geo+json")
    else:
        rows = region_summary.summary(area.pk, sort=sort)
        if fmt == "csv":
            response = HttpResponse(exports.summary_csv(rows), content_type="text/csv; charset=utf-8")
        else:
            title = _("Region %(name)s: the municipalities side by side") % {"name": area.name}
            response = HttpResponse(
                exports.summary_xlsx(rows, title=title),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
