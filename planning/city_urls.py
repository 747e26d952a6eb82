"""``/staedte/``: the cities and each city's pages by its AGS (planning.cities)."""

from django.urls import path, register_converter

from planning import cities
from quartiere.links import AgsConverter

app_name = "cities"

register_converter(AgsConverter, "ags")

urlpatterns = [
    path("", cities.index, name="index"),
    path("<ags:ags>/", cities.city, name="city"),
    path("<ags:ags>/quartiere/<slug:slug>/", cities.quartier, name="quartier"),
    path("<ags:ags>/quartiere/<slug:slug>/karte.js", cities.quartier_map_js, name="quartier-map"),
    path("<ags:ags>/quartiere/<slug:slug>/karte.json", cities.quartier_map_data, name="quartier-map-data"),
    path("<ags:ags>/bericht/", cities.report, name="report"),
    path("<ags:ags>/bericht/karten.js", cities.report_maps_js, name="report-maps"),
    path("<ags:ags>/bericht/karten.json", cities.report_maps_data, name="report-maps-data"),
    path("<ags:ags>/bericht/daten.<str:fmt>", cities.report_download, name="report-download"),
    path("<ags:ags>/beteiligung/", cities.consultations, name="consultations"),
    path("<ags:ags>/bauleitplaene/", cities.plans, name="plans"),
]
