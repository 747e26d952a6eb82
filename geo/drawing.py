"""Drawing geometry on a Leaflet map with Leaflet-Geoman (vendored), the one way of the planners' pages
(the workspace /planung/, the measure form /planung/massnahmen/…): the texts and settings the pages'
scripts need (static/js/drawing.js draws with them)."""

from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def geoman_strings() -> dict[str, dict[str, str]]:
    """Leaflet-Geoman's texts for the drawing tools the pages offer (its own German uses other words:
    "Marker", "Vertex"); Geoman's catalogue of the page's language fills in the rest."""
    return {
        "tooltips": {
            "placeMarker": _("Click to place the point"),
            "firstVertex": _("Click to place the first vertex"),
            "continueLine": _("Click to continue drawing"),
            "finishLine": _("Click an existing vertex to finish the line"),
            "finishPoly": _("Click the first vertex to close the area"),
        },
        "actions": {
            "finish": _("Finish"),
            "cancel": _("Cancel"),
            "removeLastVertex": _("Remove the last vertex"),
        },
        "buttonTitles": {
            "drawMarkerButton": _("Draw a point"),
            "drawPolyButton": _("Draw an area"),
            "drawLineButton": _("Draw a line"),
        },
    }


def drawing_config() -> dict[str, Any]:
    """What static/js/drawing.js needs besides a page's own settings: the basemap, the limits of a
    drawing (vertices, snapping in px) and Geoman's texts in the active language."""
    return {
        "basemapUrl": settings.BASEMAP_URL,
        "basemapAttribution": settings.BASEMAP_ATTRIBUTION,
        "maxVertices": settings.PLANNING_MAX_DRAW_VERTICES,
        "snapDistance": settings.PLANNING_SNAP_DISTANCE_PX,
        "geoman": geoman_strings(),
        "lang": get_language() or settings.LANGUAGE_CODE,
    }
