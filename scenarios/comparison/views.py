"""``/planung/szenarien/<pk>/vergleich/``: a scenario compared with the baseline and, with
``?mit=<id>,<id>``, with other scenarios of its city; its print view (``?druck=1``, and print CSS on
any view), the map of what changes (``karte.js`` set-up, ``karte.json`` data) and the downloads
``vergleich.csv`` and ``vergleich.xlsx``.

Who sees it: ``scenarios.access`` (planners of the city: every scenario; strategy board members: the
shared and decided ones); anyone else gets a 404, as if the scenario did not exist. Signed-out
visitors are sent to the sign-in page.
"""

import json
import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from geo.pages import BadParameter, bad_request
from planning import maps
from quartiere.models import Level
from quartiere.selectors import area_extent, area_feature_page
from scenarios import access
from scenarios.comparison import exports, selectors
from scenarios.comparison.labels import change_labels, labels
from scenarios.models import Scenario
from staff.backoffice import office_context

MAP_ID = "scenario_changes"  # the map element is map_scenario_changes
MAX_OTHERS = 4  # further scenarios beside the one compared
_ID = re.compile(r"^[0-9]{1,18}$")
CHANGE_STYLE = {
    "new": {"color": "#1b5e20", "weight": 3, "fillColor": "#43a047", "fillOpacity": 0.45},
    "dropped": {
        "color": "#b71c1c",
        "weight": 3,
        "dashArray": "6 4",
        "fillColor": "#e53935",
        "fillOpacity": 0.3,
    },
    "postponed": {
        "color": "#e65100",
        "weight": 3,
        "dashArray": "2 4",
        "fillColor": "#fb8c00",
        "fillOpacity": 0.35,
    },
    "budget": {"color": "#0d47a1", "weight": 2, "fillColor": "#1e88e5", "fillOpacity": 0.25},
}


def _scenario(request, pk: str) -> Scenario:
    scenario = access.readable(request.user).select_related("city").filter(pk=int(pk)).first()
    if scenario is None or not access.can_read(request.user, scenario):
        raise Http404(_("There is no such scenario."))
    return scenario


def _others(request, scenario: Scenario) -> list[Scenario]:
    """The scenarios of ``?mit=`` (comma-separated ids, or the parameter repeated): 400 for a
    malformed list, 404 for one the user may not read, 400 for one of another city."""
    raw = ",".join(request.GET.getlist("mit"))
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts:
        return []
    if len(parts) > MAX_OTHERS:
        raise BadParameter("mit", _("at most %(n)d further scenarios can be compared.") % {"n": MAX_OTHERS})
    if not all(_ID.match(p) for p in parts):
        raise BadParameter("mit", _("expected scenario ids separated by commas, e.g. 12,15."))
    ids = [int(p) for p in parts]
    if len(set(ids)) != len(ids):
        raise BadParameter("mit", _("each scenario can be named once only."))
    if scenario.pk in ids:
        raise BadParameter("mit", _("the scenario itself is compared already."))
    found = {s.pk: s for s in access.readable(request.user).filter(pk__in=ids)}
    if len(found) != len(ids) or not all(access.can_read(request.user, s) for s in found.values()):
        raise Http404(_("There is no such scenario."))
    if any(s.city_id != scenario.city_id for s in found.values()):
        raise BadParameter("mit", _("only scenarios of the same city can be compared."))
    return [found[i] for i in ids]


def _query(others: list[Scenario]) -> str:
    return "?mit=" + ",".join(str(s.pk) for s in others) if others else ""


@require_safe
@login_required(login_url="planning:login")
@never_cache
def compare(request, pk: str):
    """The comparison page: budget tables, goal 3, gaps before and after, the index per Quartier and
    dimension, the map and list of changes; a selector for further scenarios of the city."""
    scenario = _scenario(request, pk)
    try:
        others = _others(request, scenario)
    except BadParameter as error:
        return bad_request(request, error)
    names = labels()
    data = selectors.comparison(scenario, others, names)
    for row in data.index:
        row.dimension_label = names["dimension"].get(row.dimension, row.dimension)
    gap_lists = []
    for variant in data.scenarios:
        rows = data.gaps[variant.id]
        for gap in rows:
            gap.dimension_label = names["dimension"].get(gap.dimension, gap.dimension)
            gap.status_label = names["gap"][gap.status]
        gap_lists.append((variant, rows))
    candidates = (
        access.readable(request.user)
        .filter(city_id=scenario.city_id)
        .exclude(pk=scenario.pk)
        .order_by("-budget_year", "name", "id")
    )
    chosen = {s.pk for s in others}
    query = _query(others)
    change_rows = selectors.changes(scenario.pk)
    change_names = change_labels()
    for change in change_rows:
        change.label = change_names[change.change]
    return render(
        request,
        "scenarios/comparison/compare.html",
        {
            **office_context(request, "scenarios"),
            "scenario": scenario,
            "city": scenario.city,
            "c": data,
            "gap_lists": gap_lists,
            "changes": change_rows,
            "candidates": [(s, s.pk in chosen) for s in candidates],
            "printing": request.GET.get("druck") == "1",
            "print_url": reverse("scenario_comparison:compare", args=[scenario.pk])
            + (query + "&" if query else "?")
            + "druck=1",
            "downloads": [
                (fmt, reverse("scenario_comparison:download", args=[scenario.pk, fmt]) + query)
                for fmt in ("csv", "xlsx")
            ],
            "map_id": f"map_{MAP_ID}",
            "map_script": reverse("scenario_comparison:map-js", args=[scenario.pk]),
            "map_data": reverse("scenario_comparison:map-data", args=[scenario.pk]),
            "map_assets": maps.rendered(MAP_ID),
            "legend": [(key, CHANGE_STYLE[key]["fillColor"], label) for key, label in change_names.items()],
        },
    )


@require_safe
@login_required(login_url="planning:login")
@never_cache
def map_js(request, pk: str):
    """The set-up script of the map of changes (folium; the data comes from ``map_data``)."""
    scenario = _scenario(request, pk)
    extent = area_extent(area_id=scenario.city_id)
    centre = (extent["centre"][0], extent["centre"][1]) if extent else None
    response = HttpResponse(
        maps.setup_script(MAP_ID, centre=centre), content_type="text/javascript; charset=utf-8"
    )
    return response


@require_safe
@login_required(login_url="planning:login")
@never_cache
def map_data(request, pk: str):
    """The map of what the scenario changes as JSON for static/planning/maps.js: the city's Quartiere
    and one layer per kind of change (new, dropped, postponed, budget lines changed), GeoJSON in
    EPSG:4326. Titles are data: maps.js sets them as text."""
    scenario = _scenario(request, pk)
    page = area_feature_page(level=Level.QUARTIER, parent=scenario.city_id, limit=1_000_000)
    names = change_labels()
    collections: dict[str, dict] = {"quartiere": maps.collection(page.features_json)}
    for key in CHANGE_STYLE:
        collections[key] = {"type": "FeatureCollection", "features": []}
    for change in selectors.changes(scenario.pk):
        if change.geojson is None:
            continue
        collections[change.change]["features"].append(
            {
                "type": "Feature",
                "id": change.id,
                "geometry": json.loads(change.geojson),
                "properties": {
                    "title": change.title,
                    "change": names[change.change],
                    "years": change.years,
                },
            }
        )
    layers = [
        maps.layer(
            _("Quartiere"), "quartiere", style=maps.STYLE["quartier"], tooltip=[("name", _("Quartier"))]
        )
    ]
    for key, style in CHANGE_STYLE.items():
        layers.append(
            maps.layer(
                names[key],
                key,
                style=style,
                tooltip=[
                    ("title", _("Measure")),
                    ("change", _("Kind of change")),
                    ("years", _("Years postponed")),
                ],
            )
        )
    response = JsonResponse(maps.map_data(collections, {f"map_{MAP_ID}": {"layers": layers, "fit": 0}}))
    return response


@require_safe
@login_required(login_url="planning:login")
@never_cache
def download(request, pk: str, fmt: str):
    """``vergleich.csv`` (one row per figure, UTF-8) or ``vergleich.xlsx`` (a sheet per table)."""
    scenario = _scenario(request, pk)
    try:
        others = _others(request, scenario)
    except BadParameter as error:
        return bad_request(request, error)
    names = labels()
    data = selectors.comparison(scenario, others, names)
    change_rows = selectors.changes(scenario.pk)
    if fmt == "csv":
        response = HttpResponse(
            exports.comparison_csv(data, change_rows, names), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.comparison_xlsx(data, change_rows, names),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="vergleich.{fmt}"'
    return response
