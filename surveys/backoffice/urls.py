"""The back office of surveys: ``/planung/umfragen/`` (planners: build, results, downloads; moderators:
the free-text answers)."""

from django.urls import path

from surveys.backoffice import views

app_name = "surveys_office"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("moderation/", views.moderation, name="moderation"),
    path("<int:consultation_id>/", views.survey_edit, name="edit"),
    path("<int:consultation_id>/fragen/neu/", views.question_new, name="question-new"),
    path("fragen/<int:pk>/", views.question_edit, name="question-edit"),
    path("fragen/<int:pk>/verschieben/", views.question_move, name="question-move"),
    path("fragen/<int:pk>/loeschen/", views.question_delete, name="question-delete"),
    path("<int:consultation_id>/ergebnisse/", views.results, name="results"),
    path("<int:consultation_id>/ergebnisse/orte.json", views.places, name="places"),
    path("<int:consultation_id>/antworten.csv", views.download_csv, name="csv"),
    path("<int:consultation_id>/antworten.geojson", views.download_geojson, name="geojson"),
]
