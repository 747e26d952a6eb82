"""``/beteiligung/<consultation>/buergerhaushalt/``: the public pages of a participatory budget."""

from django.urls import path

from budgeting import views

app_name = "budgeting"

urlpatterns = [
    path("", views.index, name="index"),
    path("vorschlaege.json", views.geojson, name="geojson"),
    path("vorschlagen/", views.propose, name="propose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("abstimmen/", views.ballot, name="ballot"),
    path("ergebnis/", views.results, name="results"),
]
