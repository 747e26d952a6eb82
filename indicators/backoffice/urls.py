"""Indicators and reference layers in the planners' back office, under /planung/indikatoren/."""

from django.urls import URLPattern

app_name = "indicators_office"

urlpatterns: list[URLPattern] = []
