"""/api/indicators/: the catalogue and the values (indicators.api)."""

from django.urls import URLPattern

app_name = "indicators_api"

urlpatterns: list[URLPattern] = []
