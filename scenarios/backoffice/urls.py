"""Composing, sharing, commenting and deciding scenarios, under /planung/szenarien/."""

from django.urls import re_path

from scenarios.backoffice import views

app_name = "scenarios"

# an id has 1 to 18 digits: a longer number is no id (404, not an overflow)
ID = r"(?P<pk>[0-9]{1,18})"
PART = r"[0-9]{1,18}"

urlpatterns = [
    re_path(r"^$", views.scenario_list, name="list"),
    re_path(r"^neu/$", views.scenario_new, name="new"),
    re_path(rf"^{ID}/$", views.scenario_detail, name="detail"),
    re_path(rf"^{ID}/bearbeiten/$", views.scenario_edit, name="edit"),
    re_path(rf"^{ID}/loeschen/$", views.scenario_delete, name="delete"),
    re_path(rf"^{ID}/teilen/$", views.scenario_share, name="share"),
    re_path(rf"^{ID}/zurueckziehen/$", views.scenario_withdraw, name="withdraw"),
    re_path(rf"^{ID}/entscheidung/$", views.scenario_decide, name="decide"),
    re_path(rf"^{ID}/kommentare/$", views.scenario_comment, name="comment"),
    re_path(rf"^{ID}/massnahmen/neu/$", views.proposed_new, name="proposed-new"),
    re_path(rf"^{ID}/massnahmen/(?P<proposed_id>{PART})/$", views.proposed_edit, name="proposed"),
    re_path(
        rf"^{ID}/massnahmen/(?P<proposed_id>{PART})/loeschen/$", views.proposed_delete, name="proposed-delete"
    ),
    re_path(
        rf"^{ID}/massnahmen/(?P<proposed_id>{PART})/haushalt/$",
        views.proposed_line_add,
        name="proposed-line-add",
    ),
    re_path(
        rf"^{ID}/massnahmen/(?P<proposed_id>{PART})/haushalt/(?P<line_id>{PART})/loeschen/$",
        views.proposed_line_delete,
        name="proposed-line-delete",
    ),
    re_path(rf"^{ID}/aenderungen/massnahmen/$", views.measure_change_add, name="measure-change-add"),
    re_path(
        rf"^{ID}/aenderungen/massnahmen/(?P<change_id>{PART})/loeschen/$",
        views.measure_change_delete,
        name="measure-change-delete",
    ),
    re_path(rf"^{ID}/aenderungen/haushalt/$", views.budget_change_add, name="budget-change-add"),
    re_path(
        rf"^{ID}/aenderungen/haushalt/(?P<change_id>{PART})/loeschen/$",
        views.budget_change_delete,
        name="budget-change-delete",
    ),
]
