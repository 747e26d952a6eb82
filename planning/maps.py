"""The maps of the profile and the report: folium sets them up, the browser draws the data.

folium (through branca) renders every element's script as a Jinja template, and the rendered script
a second time as template source: any text that reached it would be evaluated (``{{ 6*7 }}`` shows
``42``; worse runs code on the server). So folium renders **set-up only** — the map, its centre,
zoom and scale — from constants and the city's centre (two numbers computed by PostGIS,
``quartiere.selectors.area_extent``), and nothing a person, an imported file or a setting supplied
ever reaches it (``render`` refuses a map with any child element). The layers travel as JSON
(``map_data``), which ``static/planning/maps.js`` fetches and draws with Leaflet, setting every
text as text (``textContent``).

folium's default assets come from CDNs; ``use_vendored_assets`` points them at the vendored files.
The page loads those assets and the set-up script from this origin, so the pages'
Content-Security-Policy (``script-src 'self'``) holds.
"""

import functools
import json
from dataclasses import dataclass
from typing import Any, cast

import folium
from branca.element import Figure
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils.translation import gettext as _

# folium asset name → vendored file under static/
VENDORED = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
}
STYLE = {
    "quartier": {"color": "#1f5f8b", "weight": 3, "fillOpacity": 0.05},
    "measure": {"color": "#37474f", "weight": 3, "fillColor": "#1e88e5", "fillOpacity": 0.35},
    "focus_area": {
        "color": "#6a1b9a",
        "weight": 2,
        "dashArray": "6 4",
        "fillColor": "#ab47bc",
        "fillOpacity": 0.2,
    },
    # filled by category: participation.layers.CATEGORY_COLOURS, through layer(fill_by=…)
    "contribution": {"color": "#263238", "weight": 1, "fillOpacity": 0.9},
    "choropleth": {"color": "#5d4037", "weight": 1, "fillOpacity": 0.75},
}


def use_vendored_assets() -> None:
    """Set folium's defaults (globally, for every Map) to the vendored Leaflet."""
    folium.Map.default_js = [("leaflet", static(VENDORED["leaflet"]))]
    folium.Map.default_css = [("leaflet_css", static(VENDORED["leaflet_css"]))]


@dataclass(frozen=True)
class RenderedMap:
    element_id: str
    script: str  # JavaScript, served from this origin
    js: list[str]  # asset URLs, all local
    css: list[str]


def _assets(element, js: dict, css: dict) -> None:
    for name, url in getattr(element, "default_js", []):
        js[name] = url
    for name, url in getattr(element, "default_css", []):
        css[name] = url
    for child in element._children.values():
        _assets(child, js, css)


Centre = tuple[float, float]  # latitude, longitude in EPSG:4326 (degrees)


def base_map(map_id: str, centre: Centre | None = None) -> folium.Map:
    """An empty map whose element id is ``map_<map_id>`` (``map_id``: letters, digits, ``_``), centred
    on ``centre`` (the city's: ``area_extent(…)["centre"]``) — its view only until maps.js fits it to
    its data. Without a centre it shows the whole world."""
    if not map_id.replace("_", "").isalnum() or not map_id.isascii():
        raise ValueError(f"map id {map_id!r}: letters, digits and _ only")
    use_vendored_assets()
    location = [float(centre[0]), float(centre[1])] if centre else None  # numbers, never text
    fmap = folium.Map(location=location, zoom_start=13 if centre else 1, tiles=None, control_scale=True)
    fmap._id = map_id  # a stable element id: the page's <div> and the external script agree
    return fmap


def render(fmap: folium.Map) -> RenderedMap:
    """folium's set-up script for ``fmap`` and the assets it needs.

    Refuses a map with child elements (layers, tooltips, controls): their text would pass through
    branca's template engine. Data goes through ``map_data``. Refuses any asset that is not local."""
    if fmap._children:
        raise ImproperlyConfigured(
            f"folium map {fmap.get_name()} has child elements {list(fmap._children)}: folium renders "
            "set-up only; layers go through planning.maps.map_data as JSON"
        )
    js: dict[str, str] = {}
    css: dict[str, str] = {}
    _assets(fmap, js, css)
    for url in [*js.values(), *css.values()]:
        if "//" in url:
            raise ImproperlyConfigured(
                f"folium asset {url} is not vendored; add it to planning.maps.VENDORED"
            )
    figure = cast(Figure, fmap.get_root())  # a Map's root is its Figure
    figure.render()
    return RenderedMap(
        element_id=fmap.get_name(),
        script=figure.script.render(),
        js=list(js.values()),
        css=list(css.values()),
    )


@functools.lru_cache(maxsize=64)
def rendered(map_id: str, centre: Centre | None = None) -> RenderedMap:
    """``render(base_map(map_id, centre))``, once per process: it depends on these alone. (The assets
    are the same whatever the centre.)"""
    return render(base_map(map_id, centre))


def setup_script(*map_ids: str, centre: Centre | None) -> str:
    """The set-up scripts of the maps ``map_ids`` (JavaScript, one ``var map_<id>`` each), centred on
    ``centre`` (latitude, longitude)."""
    return "\n".join(rendered(map_id, centre).script for map_id in map_ids)


# --- the data, as JSON for static/planning/maps.js ---------------------------------------------------


def collection(features_json: str) -> dict:
    """A FeatureCollection of features (GeoJSON text in EPSG:4326, built by PostGIS, comma-joined)."""
    return json.loads('{"type":"FeatureCollection","features":[' + features_json + "]}")


def layer(
    name: str,
    data: str,
    *,
    style: dict,
    tooltip: list[tuple[str, str] | tuple[str, str, str]],
    points: bool = False,
    fill_from: str | None = None,
    fill_by: tuple[str, dict[str, str], str] | None = None,
) -> dict[str, Any]:
    """One layer of a map: ``data`` names a collection of ``map_data``; ``tooltip`` lists
    (property, label[, format]) with format ``"decimal2"`` for numbers shown with two decimals in the
    page's language; ``fill_from`` names a property holding each feature's fill colour; ``fill_by``,
    ``(property, {value: colour}, colour of any other value)``, fills each feature by a property's
    value."""
    spec: dict[str, Any] = {
        "name": name,
        "data": data,
        "style": style,
        "tooltip": [list(field) for field in tooltip],
        "points": points,
    }
    if fill_from:
        spec["fillFrom"] = fill_from
    if fill_by:
        prop, colours, other = fill_by
        spec["fillBy"] = {"property": prop, "colours": colours, "other": other}
    return spec


def map_data(collections: dict[str, dict], maps: dict[str, dict]) -> dict[str, Any]:
    """The document ``maps.js`` draws: the basemap, named FeatureCollections and, per map element id,
    ``{"layers": [layer, …], "fit": <index of the layer to zoom to> | None}``. Every value is data."""
    return {
        "basemap": {
            "url": settings.BASEMAP_URL,
            "attribution": settings.BASEMAP_ATTRIBUTION,
            "name": _("Basemap"),
        },
        "collections": collections,
        "maps": maps,
    }
