"""Reference layers and spatial indicators, under /planung/indikatoren/ebenen/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
