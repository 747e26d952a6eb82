"""Admin map widgets that need no CDN: vendored OpenLayers, basemap from ``settings.BASEMAP_URL``; the history
admin every app uses (``HistoryAdmin``)."""

import shapely
import shapely.geometry
from django.conf import settings
from django.contrib.admin.utils import unquote
from django.contrib.gis import admin
from django.contrib.gis.forms.widgets import OSMWidget
from django.contrib.gis.geometry import wkt_regex
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from geo import crs, validation

# Ludwigsburg; the map opens here when a geometry is still empty
DEFAULT_LON, DEFAULT_LAT, DEFAULT_ZOOM = 9.19, 48.90, 12


class MapWidget(OSMWidget):
    """OSMWidget with the vendored OpenLayers and the configured basemap."""

    template_name = "gis/quartiersatlas-osm.html"
    # the stubs say int; the widget's template takes any number
    default_lon = DEFAULT_LON  # type: ignore[assignment]
    default_lat = DEFAULT_LAT  # type: ignore[assignment]
    default_zoom = DEFAULT_ZOOM

    class Media:
        extend = False
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["basemap_url"] = settings.BASEMAP_URL
        context["basemap_attribution"] = settings.BASEMAP_ATTRIBUTION
        return context

    def deserialize(self, value):
        """The posted geometry, built by GEOS, never by GDAL: GeoJSON (what the map writes, in the
        map's CRS) through geo.validation's structure check, so a ``crs`` member is never parsed; or
        (E)WKT, which Django's own widget takes too, with an SRID from the allow-list
        (``geo.crs.ALLOWED_SRIDS``; none: the map's)."""
        text = value.strip() if isinstance(value, str) else value
        if isinstance(text, str) and (wkt := wkt_regex.match(text)):
            srid = int(wkt["srid"]) if wkt["srid"] else self.map_srid
            if srid not in crs.ALLOWED_SRIDS:
                return None
            try:
                geom = GEOSGeometry(wkt["wkt"], srid=srid)
            except (GEOSException, ValueError, TypeError):
                return None
            return geom if geom.num_coords <= validation.ADMIN_MAX_VERTICES else None
        try:
            clean = validation.clean_geojson(
                value, srid=self.map_srid, allow_collection=True, max_vertices=validation.ADMIN_MAX_VERTICES
            )
            return GEOSGeometry(memoryview(shapely.to_wkb(shapely.geometry.shape(clean))), srid=self.map_srid)
        except (ValueError, shapely.errors.ShapelyError):
            return None


class MapAdmin(admin.GISModelAdmin):
    """Base for admins with geometry: the map widget above."""

    gis_widget = MapWidget


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, whose history pages answer an id that is no primary key (say
    ``/admin/…/abc/history/`` for an integer key) with 404 instead of a 500: it looks such an id up
    unchecked (ValueError), where Django's own change page says "does not exist"."""

    def history_view(self, request, object_id, extra_context=None):
        _key_or_404(self.model, unquote(object_id))
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _key_or_404(self.model, unquote(object_id))
        _key_or_404(getattr(self.model, self.model._meta.simple_history_manager_attribute).model, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


def _key_or_404(model, value: str) -> None:
    try:
        model._meta.pk.to_python(value)
    except ValidationError:
        raise Http404 from None


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that lists and shows, never adds, changes or deletes (logs and audits)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
