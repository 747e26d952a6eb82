"""Measures and their budget lines in the planners' back office, under /planung/massnahmen/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
