"""Pages: the planners' workspace ``/planung/``, the Quartier profile ``/quartiere/<slug>/`` and the
city report ``/bericht/`` with its downloads. No inline script: configuration travels in
``json_script`` blocks, folium's maps come as external scripts from this origin (planning.maps)."""

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from geo.attribution import data_attribution
from geo.drawing import drawing_config
from geo.permissions import is_planner
from indicators import selectors as indicator_selectors
from measures.models import ActionField, Dimension, MeasureStatus
from measures.selectors import measure_feature_page
from participation.layers import NO_CATEGORY_COLOUR, category_colours
from participation.selectors import contribution_feature_page
from planning import exports, maps, reports, weightings
from planning.layers import score_classes_config, score_colour, score_legend
from planning.models import Priority, TimeHorizon
from planning.selectors import focus_area_feature_page
from planning.templatetags.figures import percent
from planning.weightings import weighting_components
from plans import selectors as plan_selectors
from quartiere.links import city_url, is_ags, quartier_url, report_url
from quartiere.models import Level
from quartiere.selectors import area_extent, area_feature, area_feature_page
from staff.scope import cities_of, owner_choices

MAP_FEATURE_LIMIT = 5000
PROFILE_MAP = "quartier"  # the profile's map element is map_quartier
REPORT_DIMENSIONS = ("all", "just", "green", "productive")  # the report's maps: map_priority_<d>
REPORT_FORMATS = ("csv", "geojson", "gpkg")

# Labels of measures' choices shown on these pages; measures has no German catalog yet, so planning's
# carries them (gettext catalogs are shared by all apps).
CATALOG_EXTRAS = (
    gettext_noop("just"),
    gettext_noop("green"),
    gettext_noop("productive"),
    gettext_noop("idea"),
    gettext_noop("planned"),
    gettext_noop("decided"),
    gettext_noop("in progress"),
    gettext_noop("done"),
    gettext_noop("stopped"),
    gettext_noop("own funds"),
    gettext_noop("grant"),
    gettext_noop("complementary funds"),
    gettext_noop("outside the Quartiere"),
)


def _workspace_messages() -> dict[str, Any]:
    """The strings workspace.js shows, translated on the server."""
    return {
        "saved": _("Saved."),
        "deleted": _("Deleted."),
        "cancelled": _("Cancelled: the stored version is shown again."),
        "conflict": _(
            "Someone else changed this in the meantime. Your drawing is kept on the map: reload the current "
            "version to compare, then save again."
        ),
        "reloadCurrent": _("Load the current version"),
        "tooManyVertices": _("The drawing has %(n)s vertices; at most %(max)s are allowed. Simplify it."),
        "error": _("Saving failed: %(reason)s"),
        "confirmDelete": _("Delete this object?"),
        "deleteConfirm": _("Delete"),
        "nameRequired": _("Please give the focus area a name."),
        "selectToEdit": _("Click an object on the map to open it, or draw a new focus area."),
        "finishFirst": _("Save or cancel what is open first."),
        "newFocusArea": _("New focus area"),
        "newFocusAreaTool": _("Draw a new focus area"),
        "kindMeasure": _("Measure"),
        "kindFocusArea": _("Focus area"),
        "kindNewFocusArea": _("New focus area"),
        # e.g. Measure “Cycle path”; the German catalogue has „…“
        "objectLabel": _("%(kind)s “%(name)s”"),
        "modeOpen": _("Opened. Its geometry changes only after “Edit geometry”."),
        "modeEditing": _(
            "You are editing the geometry of %(object)s: move its vertices on the map, or draw a new shape "
            "with the tools at the top left of the map. Other objects cannot be selected until you save or "
            "cancel."
        ),
        "modeDrawing": _(
            "Draw the new focus area on the map: click to set each vertex, click the first vertex to close "
            "it. Other objects cannot be selected while you draw."
        ),
        "modeNew": _(
            "New focus area drawn: give it a name and save it. You can still move its vertices; other "
            "objects cannot be selected until you save or cancel."
        ),
        "editingStarted": _("Editing the geometry of %(object)s."),
        "drawingStarted": _("Drawing a new focus area."),
        "newDrawn": _("New focus area drawn."),
        "replacementDrawn": _("New shape for %(object)s drawn: it replaces the old one when you save."),
        "measureFacts": _("Status: %(status)s"),
        "typeChangeTitle": _("Change the type of geometry?"),
        "typeChangeText": _("%(object)s has been %(old)s so far; you are about to save %(new)s."),
        "typeChangeConfirm": _("Change the type and save"),
        "typeChangeKept": _("Not saved: the type of geometry stays as it was."),
        "types": {
            "point": _("a point"),
            "line": _("a line"),
            "polygon": _("an area"),
            "collection": _("a collection of geometries"),
        },
        "cancel": _("Cancel"),
        "close": _("Close"),
        "noScore": _("no score"),
        "score": _("Priority score"),
        "layerQuartiere": _("Quartiere"),
        "layerPriorities": _("Priority index"),
        "layerContributions": _("Published contributions"),
        "layerMeasures": _("Measures"),
        "layerFocusAreas": _("Focus areas"),
    }


@never_cache
@login_required(login_url="planning:login")
def workspace(request):
    """``/planung/``: Leaflet + Geoman drawing of focus areas and measure geometries (planners only)."""
    if not is_planner(request.user):
        raise PermissionDenied(_("The workspace is for the planners' group."))
    city = reports.default_city(request.GET.get("stadt"))
    own = cities_of(request.user)
    if own is not None and not request.GET.get("stadt"):  # staff tied to cities start in their own
        city = owner_choices(request.user).first() or city
    config = {
        **drawing_config(),  # basemap, vertex limit, snapping, Geoman's texts
        "city": city.pk if city else None,
        "areasUrl": reverse("area-list") + f"?level=quartier&limit=1000&parent={city.pk if city else 0}",
        "measuresUrl": reverse("measure-list") + f"?limit=1000&city={city.pk if city else 0}",
        "focusAreasUrl": reverse("focus-area-list") + f"?limit=1000&city={city.pk if city else 0}",
        "focusAreaCreateUrl": reverse("focus-area-list"),
        "measureUrl": reverse("measure-detail", args=[0]),
        "measureAdminUrl": reverse("admin:measures_measure_change", args=[0]),
        "statusLabels": {value: str(label) for value, label in MeasureStatus.choices},
        "contributionsUrl": reverse("contribution-list") + "?limit=1000",
        "prioritiesUrl": reverse("priorities") + f"?city={city.pk if city else 0}",
        # where the map starts until the Quartiere have loaded (None: no city, the whole world)
        "view": area_extent(area_id=city.pk) if city else None,
        # colours from their one source each: the profile's and report's maps use the same
        "styles": {"focus-area": maps.STYLE["focus_area"], "measure": maps.STYLE["measure"]},
        "contributionStyle": maps.STYLE["contribution"],
        "categoryColours": category_colours(),
        "noCategoryColour": NO_CATEGORY_COLOUR,
        "scoreClasses": score_classes_config(),
        "csrfToken": get_token(request),
        "messages": _workspace_messages(),
    }
    return render(
        request,
        "planning/workspace.html",
        {
            "city": city,
            "report_url": report_url(city) if city else reverse("planning:report"),
            "workspace_config": config,
            "dimensions": Dimension.choices,
            "statuses": MeasureStatus.choices,
            "priorities": Priority.choices,
            "horizons": TimeHorizon.choices,
            "action_fields": ActionField.objects.order_by("position", "name"),
        },
    )


def _quartier_or_404(slug: str, request) -> "reports.Area":
    """The Quartier of a short address ``/quartiere/<slug>/…``: of the city ``?stadt=`` (slug) when
    given, else of the home city, else the one Quartier of that name in another city."""
    quartier = reports.quartier_by_slug(slug, city=request.GET.get("stadt"))
    if quartier is None:
        raise Http404(_("There is no Quartier with this name."))
    return quartier


def city_quartier_or_404(ags: str, slug: str) -> "reports.Area":
    """The Quartier ``slug`` of the city with the AGS ``ags`` (``/staedte/<ags>/quartiere/<slug>/``)."""
    quartier = reports.quartier_of_city(ags, slug)
    if quartier is None:
        raise Http404(_("There is no Quartier with this name."))
    return quartier


@require_safe
def profile(request, slug: str):
    """``/quartiere/<slug>/``: the Quartier profile of the home city (``?stadt=`` another city's, by
    slug). A Quartier not in the home city but of one other city's is moved there for good (301)."""
    quartier = _quartier_or_404(slug, request)
    city = quartier.parent
    if (
        not request.GET.get("stadt")
        and not getattr(quartier, "at_home", True)
        and city is not None
        and is_ags(city.code)
    ):
        # not the home city's: the only Quartier of that name, in another city
        return HttpResponsePermanentRedirect(quartier_url(city, quartier.slug))
    query = _city_query(request)
    return render_profile(
        request,
        quartier,
        map_script=reverse("planning:profile-map", args=[quartier.slug]) + query,
        map_data=reverse("planning:profile-map-data", args=[quartier.slug]) + query,
    )


def render_profile(request, quartier, *, map_script: str, map_data: str) -> HttpResponse:
    """The Quartier profile, part of the city's report (printable), at whichever address; its
    canonical address is the long one, ``/staedte/<ags>/quartiere/<slug>/``."""
    data = reports.quartier_profile(quartier)
    labels = reports.profile_dimension_labels()
    reports.profile_label(data, labels)
    city = quartier.parent
    return render(
        request,
        "planning/profile.html",
        {
            "quartier": quartier,
            "city": city,
            "canonical": quartier_url(city, quartier.slug),
            "report_url": report_url(city),
            "city_url": city_url(city),
            "feed_url": reverse("transparency:quartier-feed", args=[quartier.slug]) + f"?stadt={city.slug}",
            "p": data,
            "q": data.indicators.get("quartier", {}),
            "c": data.indicators.get("city", {}),
            "chart": reports.profile_budget_chart(data.budget_by_year, labels),
            "map_id": f"map_{PROFILE_MAP}",
            "map_script": map_script,
            "map_data": map_data,
            "map_assets": maps.rendered(PROFILE_MAP),
            "indicator_panel": indicator_selectors.profile_panel(quartier),
            "development_plans": plan_selectors.plans_in_area(quartier.id),
        },
    )


def _city_query(request) -> str:
    city = request.GET.get("stadt")
    return f"?stadt={city}" if city else ""


def _city_centre(city_id: int | None) -> maps.Centre | None:
    """Where the city's maps start (latitude, longitude in EPSG:4326) until their data has loaded."""
    extent = area_extent(area_id=city_id) if city_id is not None else None
    return (extent["centre"][0], extent["centre"][1]) if extent else None


def _js(script: str) -> HttpResponse:
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _json(document: dict) -> JsonResponse:
    response = JsonResponse(document)
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def profile_map_js(request, slug: str):
    """The set-up script of the profile's map (folium; no data: that comes from ``profile_map_data``)."""
    return profile_map_js_of(_quartier_or_404(slug, request))


def profile_map_js_of(quartier) -> HttpResponse:
    return _js(maps.setup_script(PROFILE_MAP, centre=_city_centre(quartier.parent_id)))


@require_safe
def profile_map_data(request, slug: str):
    """The layers of the profile's map as JSON: the Quartier, its focus areas, measures and published
    contributions (generalised where the consultation says so); GeoJSON in EPSG:4326."""
    return profile_map_data_of(_quartier_or_404(slug, request))


def profile_map_data_of(quartier) -> JsonResponse:
    focus = focus_area_feature_page(user=None, area=quartier.pk, limit=MAP_FEATURE_LIMIT)
    measures = measure_feature_page(user=None, area_id=quartier.pk, limit=MAP_FEATURE_LIMIT)
    contributions = contribution_feature_page(area_id=quartier.pk, limit=MAP_FEATURE_LIMIT)
    layers = [
        maps.layer(
            quartier.name, "quartier", style=maps.STYLE["quartier"], tooltip=[("name", _("Quartier"))]
        ),
        maps.layer(
            _("Focus areas"),
            "focus_areas",
            style=maps.STYLE["focus_area"],
            tooltip=[("name", _("Focus area")), ("priority", _("Priority"))],
        ),
        maps.layer(
            _("Measures"),
            "measures",
            style=maps.STYLE["measure"],
            tooltip=[("title", _("Measure")), ("status", _("Status"))],
            points=True,
        ),
        maps.layer(
            _("Contributions"),
            "contributions",
            style=maps.STYLE["contribution"],
            tooltip=[("category", _("Category"))],
            points=True,
            fill_by=("category", category_colours(), NO_CATEGORY_COLOUR),
        ),
    ]
    collections = {
        "quartier": maps.collection(area_feature(area_id=quartier.pk) or ""),
        "focus_areas": maps.collection(focus.features_json),
        "measures": maps.collection(measures.features_json),
        "contributions": maps.collection(contributions.features_json),
    }
    return _json(maps.map_data(collections, {f"map_{PROFILE_MAP}": {"layers": layers, "fit": 0}}))


def _weights_text(weights: dict[str, float]) -> str:
    """The priority index's weights as the reader's words: each component's translated name and its
    share of the sum of the weights (the score divides by that sum), e.g. "Bedarf 50 %, Angebot 30 %"."""
    names = {
        "indicators": _("Indicators (evidence)"),
        "demand": _("Demand"),
        "supply": _("Supply"),
        "coverage": _("Coverage"),
    }
    total = sum(weights.values())
    shares = {key: weight / total if total else None for key, weight in weights.items()}
    return ", ".join(f"{names.get(key, key)} {percent(share)}" for key, share in shares.items())


def _dimension_labels() -> dict[str, str]:
    return {"all": _("overall"), **{d.value: str(d.label) for d in Dimension}}


def _report_city(request):
    """The city of the short address ``/bericht/…``: ``?stadt=`` (id or slug), else the home city."""
    city = reports.default_city(request.GET.get("stadt"))
    if city is None:
        raise Http404(_("There is no city yet."))
    return city


@require_safe
def report(request):
    """``/bericht/``: the report of the home city (``?stadt=`` another city's)."""
    city = _report_city(request)
    query = f"?stadt={city.pk}"
    return render_report(
        request,
        city,
        map_script=reverse("planning:report-maps") + query,
        map_data=reverse("planning:report-maps-data") + query,
        downloads=[(fmt, reverse("planning:report-download", args=[fmt]) + query) for fmt in REPORT_FORMATS],
        stadt_param=str(city.pk),
    )


def render_report(
    request,
    city,
    *,
    map_script: str,
    map_data: str,
    downloads: list[tuple[str, str]],
    stadt_param: str | None = None,
) -> HttpResponse:
    """The city report (priority choropleths, priorities and gaps, budget) at whichever address; its
    canonical address is the long one, ``/staedte/<ags>/bericht/``."""
    chosen = request.GET.get("gewichtung") or None
    if chosen is not None and not (len(chosen) <= 100 and chosen.replace("-", "").replace("_", "").isalnum()):
        raise Http404(_("This city has no such weighting."))
    weighting = weightings.find(city.pk, chosen) if chosen else None
    if chosen and weighting is None:
        raise Http404(_("This city has no such weighting."))
    data = reports.city_report(city, weighting)
    labels = _dimension_labels()
    for row in [*data.priorities, *data.gaps]:
        row["dimension_label"] = labels[row["dimension"]]
    reports.label_sensitivity(data.priorities)
    by_dimension = {d: [r for r in data.priorities if r["dimension"] == d] for d in labels}
    for row in [*data.priorities, *data.gaps]:
        row["url"] = quartier_url(city, row["quartier"]["slug"])
    chart = {
        "years": [g["year"] for g in data.budget_by_year["groups"]],
        "series": [
            {"key": "investment", "label": _("investment"), "values": []},
            {"key": "maintenance", "label": _("maintenance"), "values": []},
            {"key": "operating", "label": _("operating"), "values": []},
        ],
        "title": _("Budget per fiscal year by kind (EUR)"),
    }
    for group in data.budget_by_year["groups"]:
        for series in chart["series"]:
            series["values"].append(float(group["by_kind"][series["key"]]))
    return render(
        request,
        "planning/report.html",
        {
            "city": city,
            "canonical": report_url(city),
            "stadt_param": stadt_param,
            "city_url": city_url(city),
            "r": data,
            "tables": [(labels[d], rows) for d, rows in by_dimension.items()],
            "dimension_maps": [(f"map_priority_{d}", labels[d]) for d in REPORT_DIMENSIONS],
            "map_script": map_script,
            "map_data": map_data,
            "map_assets": maps.rendered("priority_all"),
            "score_legend": score_legend(),
            "downloads": downloads,
            "chart": chart,
            "weights": _weights_text(weighting_components(data.weights)),
            "weighting": data.weighting,
            "weightings": weightings.weightings_of(city.pk),
            "indicator_weights": data.weights.indicator_weights,
            **indicator_selectors.report_context(city),
        },
    )


@require_safe
def report_maps_js(request):
    """The set-up script of the report's four priority maps (overall, just, green, productive)."""
    return report_maps_js_of(_report_city(request))


def report_maps_js_of(city) -> HttpResponse:
    return _js(maps.setup_script(*(f"priority_{d}" for d in REPORT_DIMENSIONS), centre=_city_centre(city.pk)))


@require_safe
def report_maps_data(request):
    """The report's four priority choropleths as JSON: the city's Quartiere with their scores and the
    colour of each score's class (the ``priorities`` layer's classes); GeoJSON in EPSG:4326."""
    return report_maps_data_of(_report_city(request))


def report_maps_data_of(city) -> JsonResponse:
    rows = reports.city_report_priorities(city)
    page = area_feature_page(level=Level.QUARTIER, parent=city.pk, limit=1_000_000)
    wide = reports.wide_priorities(rows)
    quartiere = maps.collection(page.features_json)
    for feature in quartiere["features"]:
        props = dict(wide.get(feature["id"], {"name": feature["properties"]["name"]}))
        for dimension in REPORT_DIMENSIONS:
            props[f"colour_{dimension}"] = score_colour(props.get(f"score_{dimension}"))
        feature["properties"] = props
    labels = _dimension_labels()
    document = {
        f"map_priority_{dimension}": {
            "layers": [
                maps.layer(
                    labels[dimension],
                    "quartiere",
                    style=maps.STYLE["choropleth"],
                    tooltip=[
                        ("name", _("Quartier")),
                        (f"score_{dimension}", _("Priority score"), "decimal2"),
                    ],
                    fill_from=f"colour_{dimension}",
                )
            ],
            "fit": 0,
        }
        for dimension in REPORT_DIMENSIONS
    }
    return _json(maps.map_data({"quartiere": quartiere}, document))


@require_safe
def report_download(request, fmt: str):
    """The report data: ``daten.csv``, ``daten.geojson`` (EPSG:4326) or ``daten.gpkg`` (EPSG:25832)."""
    if fmt not in REPORT_FORMATS:
        raise Http404
    return report_download_of(_report_city(request), fmt)


def report_download_of(city, fmt: str) -> HttpResponse:
    if fmt not in REPORT_FORMATS:
        raise Http404
    rows = reports.city_report_priorities(city, sensitivity=True)
    name = f"bericht-{city.slug}"
    if fmt == "csv":
        response = HttpResponse(exports.priorities_csv(rows), content_type="text/csv; charset=utf-8")
    elif fmt == "geojson":
        body = json.dumps(exports.priorities_geojson(city, rows))
        response = HttpResponse(body, content_type="application/geo+json")
    else:
        try:
            gpkg = exports.priorities_geopackage(city, rows)
        except exports.ExportUnavailable as error:
            return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
        response = HttpResponse(gpkg, content_type="application/geopackage+sqlite3")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    licence = data_attribution()["url"]
    if licence:  # the boundaries' licence (the GeoJSON and GeoPackage also name the attribution)
        response["Link"] = f'<{iri_to_uri(licence)}>; rel="license"'
    return response
