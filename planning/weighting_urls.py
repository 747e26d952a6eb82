"""The priority index's weightings in the planners' back office, under /planung/gewichtungen/."""

from django.urls import URLPattern

app_name = "weightings"

urlpatterns: list[URLPattern] = []
