"""The moderators' back office, under /moderation/ (participation.backoffice.views)."""

from django.urls import path

from participation.backoffice import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.contribution, name="contribution"),
    path("<int:pk>/moderieren/", views.moderate, name="moderate"),
    path("<int:pk>/stellungnahme/", views.respond, name="respond"),
    path("<int:pk>/massnahmen/", views.link_measures, name="measures"),
]
