"""Comparing scenarios with the baseline and each other: the page, its print view, CSV and XLSX."""

from django.urls import URLPattern

app_name = "scenario_comparison"

urlpatterns: list[URLPattern] = []
