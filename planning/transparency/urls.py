"""Public transparency pages: /massnahmen/, /strategie/ and the feeds."""

from django.urls import path
from django.views.decorators.http import require_safe

from planning.transparency import feeds, views

app_name = "transparency"

urlpatterns = [
    path("massnahmen/", views.measure_list, name="measures"),
    path("massnahmen/feed.atom", require_safe(feeds.CityFeed()), name="city-feed"),
    path("massnahmen/<int:pk>/", views.measure_detail, name="measure"),
    path("massnahmen/<int:pk>/karte.json", views.measure_map_data, name="measure-map"),
    path("strategie/", views.strategy, name="strategy"),
    path("quartiere/<slug:slug>/feed.atom", require_safe(feeds.QuartierFeed()), name="quartier-feed"),
]
