"""The moderators' back office, under /moderation/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
