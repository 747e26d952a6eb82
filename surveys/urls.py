"""The survey of a consultation: ``/beteiligung/<consultation>/umfrage/`` (form, thanks, results)."""

from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_form, name="form"),
    path("danke/", views.thanks, name="thanks"),
    path("ergebnisse/", views.results, name="results"),
    path("ergebnisse/orte.json", views.places, name="places"),
]
