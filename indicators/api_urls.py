"""/api/indicators/: the catalogue and the values (indicators.api)."""

from django.urls import path

from indicators import api

app_name = "indicators_api"

urlpatterns = [
    path("", api.CatalogueView.as_view(), name="catalogue"),
    path("values/", api.ValuesView.as_view(), name="values"),
    path("<slug:key>/", api.IndicatorView.as_view(), name="indicator"),
]
