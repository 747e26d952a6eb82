"""Public transparency pages: /massnahmen/, /strategie/ and the feeds."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
