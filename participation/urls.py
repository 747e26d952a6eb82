from django.urls import path

from participation import views

app_name = "participation"

urlpatterns = [
    path("", views.karte, name="karte"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("loeschen/<int:pk>/<str:token>/", views.delete_own, name="delete"),
]
