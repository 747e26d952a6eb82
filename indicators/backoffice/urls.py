"""Indicators and reference layers in the planners' back office, under /planung/indikatoren/."""

from django.urls import include, path

from indicators.backoffice import views

app_name = "indicators_office"

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("neu/", views.indicator_new, name="new"),
    path("hochladen/", views.upload, name="upload"),
    path("hochladen/import/", views.upload_import, name="import"),
    # the reference layers and the spatial indicators computed from them
    path("ebenen/", include("indicators.backoffice.layer_urls")),
    path("<slug:key>/", views.indicator_edit, name="edit"),
]
