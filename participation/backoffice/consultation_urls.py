"""Consultations, processes and evaluations in the planners' back office, under /planung/verfahren/."""

from django.urls import re_path

from participation.backoffice import consultations, papers, processes

app_name = "office-consultations"

urlpatterns = [
    re_path(r"^$", consultations.consultation_list, name="list"),
    re_path(r"^neu/$", consultations.consultation_new, name="new"),
    # an id has 1 to 18 digits: a longer number is no id (404, not an overflow)
    re_path(r"^(?P<pk>[0-9]{1,18})/$", consultations.consultation_edit, name="edit"),
    re_path(r"^(?P<pk>[0-9]{1,18})/auswertung/$", processes.evaluation, name="evaluation"),
    re_path(r"^(?P<pk>[0-9]{1,18})/vorlagen/$", papers.consultation_papers, name="papers"),
    re_path(
        r"^(?P<pk>[0-9]{1,18})/vorlagen/(?P<paper_id>[0-9]{1,18})/entfernen/$",
        papers.consultation_paper_remove,
        name="paper-remove",
    ),
    re_path(r"^prozesse/$", processes.process_list, name="processes"),
    re_path(r"^prozesse/neu/$", processes.process_new, name="process-new"),
    re_path(r"^prozesse/(?P<pk>[0-9]{1,18})/$", processes.process_edit, name="process-edit"),
]
