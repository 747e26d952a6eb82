"""``/diskussion/``: the plain form posts of the discussion panel and the deletion link."""

from django.urls import path

from discussion import views

app_name = "discussion"

urlpatterns = [
    path("loeschen/", views.delete_own, name="delete"),
    path("kommentare/<int:pk>/melden/", views.flag, name="flag"),
    path("<slug:segment>/<int:target_id>/", views.comment, name="comment"),
]
