"""Indicators and reference layers in the planners' back office, under /planung/indikatoren/."""

from django.urls import include, path

app_name = "indicators_office"

urlpatterns = [
    # the reference layers and the spatial indicators computed from them
    path("ebenen/", include("indicators.backoffice.layer_urls")),
]
