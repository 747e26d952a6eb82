from django.urls import path

from region import views

app_name = "region"

urlpatterns = [
    path("", views.region, name="region"),
    path("karte.json", views.map_data, name="map-data"),
    path("daten.<str:fmt>", views.download, name="download"),
]
