from django.contrib.auth import views as auth_views
from django.urls import path

from planning import auth, backoffice, views

app_name = "planning"

urlpatterns = [
    path("planung/", views.workspace, name="workspace"),
    path("planung/uebersicht/", backoffice.start, name="start"),
    path("planung/anmelden/", auth.LoginView.as_view(), name="login"),
    path("planung/abmelden/", auth_views.LogoutView.as_view(), name="logout"),  # to LOGOUT_REDIRECT_URL
    path("quartiere/<slug:slug>/", views.profile, name="profile"),
    path("quartiere/<slug:slug>/karte.js", views.profile_map_js, name="profile-map"),
    path("quartiere/<slug:slug>/karte.json", views.profile_map_data, name="profile-map-data"),
    path("bericht/", views.report, name="report"),
    path("bericht/karten.js", views.report_maps_js, name="report-maps"),
    path("bericht/karten.json", views.report_maps_data, name="report-maps-data"),
    path("bericht/daten.<str:fmt>", views.report_download, name="report-download"),
]
