"""/beteiligung/: every consultation of the city and region, bundled (list, map, calendar, processes,
feeds, subscriptions). The format apps' own pages under /beteiligung/ are included before these."""

from django.urls import path
from django.views.decorators.http import require_safe

from participation.portal import feeds, views

app_name = "portal"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("karte.json", views.map_data, name="map-data"),
    path("kalender/", views.calendar, name="calendar"),
    path("feed.atom", require_safe(feeds.ConsultationFeed()), name="feed"),
    path("abonnieren/", views.subscribe, name="subscribe"),
    path("abonnieren/bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("abbestellen/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("prozesse/<slug:slug>/", views.process, name="process"),
    path("<slug:slug>/", views.consultation, name="consultation"),
    path("<slug:slug>/karte.json", views.consultation_map, name="consultation-map"),
]
