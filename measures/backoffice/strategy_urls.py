"""The strategy tree in the planners' back office, under /planung/strategie/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
