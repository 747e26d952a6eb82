"""/planung/szenarien/: composing, sharing and deciding scenarios (scenarios.backoffice) and comparing
them (scenarios.comparison)."""

from django.urls import include, path

urlpatterns = [
    path("", include("scenarios.backoffice.urls")),
    path("", include("scenarios.comparison.urls")),
]
