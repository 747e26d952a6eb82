"""``/moderation/kommentare/``: the moderators' queue of comments (discussion.backoffice)."""

from django.urls import path

from discussion import backoffice

app_name = "discussion_office"

urlpatterns = [
    path("", backoffice.queue, name="queue"),
    path("<int:pk>/", backoffice.moderate, name="moderate"),
]
