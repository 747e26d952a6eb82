"""Consultations in the planners' back office, under /planung/verfahren/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
