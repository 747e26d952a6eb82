from django.urls import path

from region import api

urlpatterns = [
    path("summary/", api.summary, name="region-summary"),
]
