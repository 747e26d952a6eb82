"""Comparing scenarios with the baseline and each other: the page, its print view, CSV and XLSX."""

from django.urls import re_path

from scenarios.comparison import views

app_name = "scenario_comparison"

urlpatterns = [
    # an id has 1 to 18 digits: a longer number is no id (404, not an overflow)
    re_path(r"^(?P<pk>[0-9]{1,18})/vergleich/$", views.compare, name="compare"),
    re_path(r"^(?P<pk>[0-9]{1,18})/vergleich/karte\.js$", views.map_js, name="map-js"),
    re_path(r"^(?P<pk>[0-9]{1,18})/vergleich/karte\.json$", views.map_data, name="map-data"),
    re_path(r"^(?P<pk>[0-9]{1,18})/vergleich\.(?P<fmt>csv|xlsx)$", views.download, name="download"),
]
