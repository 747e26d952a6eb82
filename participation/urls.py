from django.urls import path

from participation import views

app_name = "participation"

urlpatterns = [
    path("", views.karte, name="karte"),
    path("beitraege/<int:pk>/", views.contribution, name="contribution"),
    path("datenschutz/", views.privacy, name="privacy"),
    # the secret link is /karte/loeschen/#<id>.<token>: the token stays in the browser (fragment)
    path("loeschen/", views.delete_own, name="delete"),
    # links handed out before, with the token in the path: redirected to the form above
    path("loeschen/<int:pk>/<str:token>/", views.delete_legacy, name="delete-legacy"),
]
