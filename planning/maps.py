"""Server-side maps with folium for the profile and the report, without CDN and without inline script.

folium's default assets come from CDNs; ``use_vendored_assets`` points them at the vendored files (only
Leaflet is needed: no markers with icons, no Bootstrap). The page loads those assets and an external
script (``render``'s ``script``) built from folium's output, so the pages' Content-Security-Policy
(``script-src 'self'``) holds. Text from data is HTML-escaped before it reaches folium's tooltips,
which insert it as HTML.
"""

import json
from dataclasses import dataclass

import folium
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils.html import escape
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
}
CATEGORY_COLOURS = {"idea": "#1e88e5", "problem": "#e53935", "praise": "#43a047", "question": "#fb8c00"}


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


def base_map(map_id: str) -> folium.Map:
    """A map with the configured basemap; its element id is ``map_<map_id>``."""
    use_vendored_assets()
    fmap = folium.Map(location=[48.9, 9.19], zoom_start=13, tiles=None, control_scale=True)
    fmap._id = map_id  # a stable element id: the page's <div> and the external script agree
    folium.TileLayer(
        settings.BASEMAP_URL, attr=escape(settings.BASEMAP_ATTRIBUTION), name=escape(_("Basemap"))
    ).add_to(fmap)
    return fmap


def render(fmap: folium.Map) -> RenderedMap:
    """folium's script for ``fmap`` and the assets it needs; refuses any asset that is not local."""
    js: dict[str, str] = {}
    css: dict[str, str] = {}
    _assets(fmap, js, css)
    for url in [*js.values(), *css.values()]:
        if "//" in url:
            raise ImproperlyConfigured(
                f"folium asset {url} is not vendored; add it to planning.maps.VENDORED"
            )
    figure = fmap.get_root()
    figure.render()
    return RenderedMap(
        element_id=fmap.get_name(),
        script=figure.script.render(),
        js=list(js.values()),
        css=list(css.values()),
    )


def _collection(features_json: str) -> dict:
    return json.loads('{"type":"FeatureCollection","features":[' + features_json + "]}")


def _escaped(collection: dict, fields: list[str]) -> dict:
    for feature in collection["features"]:
        props = feature.get("properties") or {}
        for name in fields:
            value = props.get(name)
            props[name] = escape("" if value is None else str(value))
        feature["properties"] = props
    return collection


def add_layer(
    fmap: folium.Map,
    features_json: str,
    *,
    name: str,
    style: dict,
    fields: list[str],
    aliases: list[str],
    points: bool = False,
) -> folium.GeoJson | None:
    """Features (GeoJSON text in EPSG:4326, built by PostGIS) as a layer with a tooltip of ``fields``."""
    collection = _escaped(_collection(features_json), fields)
    if not collection["features"]:
        return None
    layer = folium.GeoJson(
        collection,
        name=escape(name),
        style_function=lambda _feature: style,
        marker=folium.CircleMarker(radius=6, fill=True, fill_opacity=0.9, weight=1) if points else None,
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=[escape(a) for a in aliases]),
    )
    layer.add_to(fmap)
    return layer


def contribution_style(feature: dict) -> dict:
    colour = CATEGORY_COLOURS.get((feature.get("properties") or {}).get("category_key"), "#555")
    return {"color": "#263238", "fillColor": colour, "weight": 1, "fillOpacity": 0.9}


def choropleth_layer(fmap: folium.Map, collection: dict, *, score_field: str, name: str, fields, aliases):
    """Quartiere coloured by the classes of the ``priorities`` layer (planning.layers)."""
    from planning.layers import score_colour

    def style(feature: dict) -> dict:
        score = (feature.get("properties") or {}).get(score_field)
        return {"color": "#5d4037", "weight": 1, "fillColor": score_colour(score), "fillOpacity": 0.75}

    for feature in collection["features"]:
        props = feature["properties"]
        props["label"] = escape(props.get("name") or "")
        props["score_text"] = "–" if props.get(score_field) is None else f"{props[score_field]:.2f}"
    layer = folium.GeoJson(
        collection,
        name=escape(name),
        style_function=style,
        tooltip=folium.GeoJsonTooltip(fields=list(fields), aliases=[escape(a) for a in aliases]),
    )
    layer.add_to(fmap)
    return layer


def fit(fmap: folium.Map, layer: folium.GeoJson | None) -> None:
    """Zoom the map to ``layer``'s features (their bounds, from the data)."""
    if layer is None:
        return
    bounds = layer.get_bounds()
    if bounds and None not in (bounds[0][0], bounds[1][0]):
        fmap.fit_bounds(bounds)
