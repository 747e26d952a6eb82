"""Measures and their budget lines in the planners' back office, under /planung/massnahmen/."""

from django.urls import path

from measures.backoffice import papers, views

app_name = "measures-office"

urlpatterns = [
    path("", views.measure_list, name="list"),
    path("neu/", views.measure_new, name="new"),
    path("<int:measure_id>/", views.measure_edit, name="edit"),
    path("<int:measure_id>/loeschen/", views.measure_delete, name="delete"),
    path("<int:measure_id>/haushalt/", views.budget_line_add, name="budget-add"),
    path("<int:measure_id>/haushalt/<int:line_id>/", views.budget_line_edit, name="budget-edit"),
    path("<int:measure_id>/haushalt/<int:line_id>/loeschen/", views.budget_line_delete, name="budget-delete"),
    path("<int:measure_id>/vorlagen/", papers.measure_papers, name="papers"),
    path(
        "<int:measure_id>/vorlagen/<int:paper_id>/entfernen/",
        papers.measure_paper_remove,
        name="paper-remove",
    ),
]
