from django.urls import path

from geo.tiles import views

app_name = "tiles"

urlpatterns = [
    path("<str:layer_id>.json", views.tilejson, name="tilejson"),
    path("<str:layer_id>/<int:z>/<int:x>/<int:y>.mvt", views.tile, name="tile"),
]
